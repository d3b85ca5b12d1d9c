"""The cells of releases already published: what readers know before the next one."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

SUMMARY_FILE = "wres_indicator_summary.parquet"
CELL_COLUMNS = ["wres_year", "indicator", "level", "area_code", "breakdown", "measure", "value"]


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
