"""The cells of releases already published: what readers know before the next one.

Secondary suppression must keep what earlier releases published or hid, so the next build reads them
from the warehouse table `published.release_cells` (a dbt source), which holds the indicator cells of
each year's current release. It is recorded from the release as written, after each publication
(`record_release_cells`), and checked against the releases on disk before each build: a release
swapped in whose cells were not recorded (a process killed in between, a warehouse of an earlier
version) is recorded then. Each year's rows carry the SHA-256 of its release's manifest, which names
the release.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import duckdb
import pandas as pd

SUMMARY_FILE = "wres_indicator_summary.parquet"
MANIFEST_FILE = "manifest.json"
CELL_COLUMNS = ["wres_year", "indicator", "level", "area_code", "breakdown", "measure", "value"]
RELEASE_CELLS = "published.release_cells"


def published_cells(folders: list[Path]) -> pd.DataFrame:
    """The indicator cells of the given release folders (value null where a cell was hidden)."""
    files = [str(Path(f) / SUMMARY_FILE) for f in folders if (Path(f) / SUMMARY_FILE).exists()]
    if not files:
        return pd.DataFrame(columns=CELL_COLUMNS)
    con = duckdb.connect()
    try:
        return con.execute(f"select {', '.join(CELL_COLUMNS)} from read_parquet(?)", [files]).df()
    finally:
        con.close()


def current_releases(publish_dir: Path, years: list[int] | None = None) -> list[Path]:
    """The current release folder of every year under `publish_dir` (of `years` only, when given)."""
    publish_dir = Path(publish_dir)
    if not publish_dir.is_dir():
        return []
    return sorted(p for p in publish_dir.iterdir() if p.is_dir() and p.name.isdigit()
                  and (not years or int(p.name) in years))


def ensure_release_cells_table(con: duckdb.DuckDBPyConnection) -> None:
    schema = RELEASE_CELLS.split(".")[0]
    con.execute(f"create schema if not exists {schema}")
    con.execute(f"""create table if not exists {RELEASE_CELLS} (
        wres_year integer, indicator integer, level varchar, area_code varchar, breakdown varchar,
        measure varchar, value double, release_manifest_sha256 varchar)""")


def _on_disk(publish_dir: Path) -> dict[int, str]:
    """SHA-256 of the manifest of each year's current release (a release is complete with its manifest)."""
    found = {}
    for folder in current_releases(publish_dir):
        manifest = folder / MANIFEST_FILE
        if manifest.is_file() and (folder / SUMMARY_FILE).is_file():
            found[int(folder.name)] = hashlib.sha256(manifest.read_bytes()).hexdigest()
    return found


def _recorded(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    schema, table = RELEASE_CELLS.split(".")
    if not con.execute("select 1 from duckdb_tables() where schema_name = ? and table_name = ?",
                       [schema, table]).fetchall():
        return {}
    return dict(con.execute(f"select distinct wres_year, release_manifest_sha256 from {RELEASE_CELLS}").fetchall())


def unrecorded_releases(con: duckdb.DuckDBPyConnection, publish_dir: Path) -> list[int]:
    """The years whose recorded cells are not those of their current release (or which have cells
    recorded but no release any more)."""
    on_disk, recorded = _on_disk(publish_dir), _recorded(con)
    return sorted(y for y in set(on_disk) | set(recorded) if on_disk.get(y) != recorded.get(y))


def record_release_cells(con: duckdb.DuckDBPyConnection, publish_dir: Path) -> dict[int, int]:
    """Bring `published.release_cells` up to date with the current releases, in one transaction: the
    cells of each year whose release changed replace its rows; a year without a release loses them.
    Returns the rows now recorded for each year it rewrote (0: removed)."""
    ensure_release_cells_table(con)
    on_disk = _on_disk(publish_dir)
    years = unrecorded_releases(con, publish_dir)
    written = {}
    con.execute("begin transaction")
    try:
        for year in years:
            con.execute(f"delete from {RELEASE_CELLS} where wres_year = ?", [year])
            if year in on_disk:
                con.execute(f"insert into {RELEASE_CELLS} select {', '.join(CELL_COLUMNS)}, ? "
                            f"from read_parquet(?) where wres_year = ? order by all",
                            [on_disk[year], str(Path(publish_dir) / str(year) / SUMMARY_FILE), year])
            written[year] = con.execute(f"select count(*) from {RELEASE_CELLS} where wres_year = ?",
                                        [year]).fetchall()[0][0]
        con.execute("commit")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # a failed commit has rolled back already
            con.execute("rollback")
        raise
    return written
