"""What a report may show: the disclosure-controlled releases, never the warehouse.

A year's report reads its own release (staged, about to be published) and the releases of
the earlier years already published, for the trends. Hidden values are blank there, with
their reason beside them, so the report cannot show what publication hides.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

# The headline measure of each indicator, and how to read it.
HEADLINES = {
    1: ("pct_bme", "BME share of the workforce (%)"),
    2: ("relative_likelihood", "White applicants relative to BME applicants, appointed from shortlisting"),
    3: ("relative_likelihood", "BME staff relative to white staff, entering the formal disciplinary process"),
    4: ("relative_likelihood", "White staff relative to BME staff, accessing non-mandatory training"),
    5: ("pct_bme", "Harassment, bullying or abuse from patients, relatives or the public (%)"),
    6: ("pct_bme", "Harassment, bullying or abuse from staff (%)"),
    7: ("pct_bme", "Believing the trust gives equal opportunities for career progression (%)"),
    8: ("pct_bme", "Discrimination from a manager, team leader or colleague (%)"),
    9: ("gap_pp", "BME share of the board minus BME share of the workforce (percentage points)"),
}
SHORT = {1: "Workforce", 2: "Appointment", 3: "Disciplinary", 4: "Training", 5: "Harassment (public)",
         6: "Harassment (staff)", 7: "Career progression", 8: "Discrimination", 9: "Board"}
LIKELIHOODS = (2, 3, 4)
SURVEY = (5, 6, 7, 8)


@dataclass
class Releases:
    wres_year: int
    summary: pd.DataFrame       # every published year up to wres_year, value null where hidden
    trust_share: pd.DataFrame
    trusts: pd.DataFrame        # the trusts of wres_year with their region and type
    survey_breakdown: pd.DataFrame | None = None   # indicators 5-8 by ethnicity, gender, occupation (wres_year)
    model_employer: pd.DataFrame | None = None     # the Model Employer trajectory, England (wres_year)

    def year(self) -> pd.DataFrame:
        return self.summary[self.summary["wres_year"] == self.wres_year]


def _read(files: list[Path]) -> pd.DataFrame:
    query, params = "select * from read_parquet(?, union_by_name = true)", [[str(f) for f in files]]
    con = duckdb.connect()
    try:
        table = con.sql(query, params=params).to_arrow_table()
        # Through Arrow the strings never become Python objects (the summary of every year: a second
        # and more by DuckDB's DataFrame), but only columns of these types convert as DuckDB converts them.
        return table.to_pandas() if all(map(_converts_alike, table.columns)) else con.execute(query, params).df()
    finally:
        con.close()


def _converts_alike(column: pa.ChunkedArray) -> bool:
    """Whether Arrow's conversion to pandas gives what DuckDB's gives: floats, and integers, booleans and
    text without nulls (DuckDB makes nullable integers, and text that is all null an object column)."""
    kind = column.type
    if pa.types.is_floating(kind):
        return True
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column.null_count < len(column)
    return (pa.types.is_integer(kind) or pa.types.is_boolean(kind)) and column.null_count == 0


def load_releases(release_folder: Path, publish_dir: Path, wres_year: int) -> Releases:
    """The release being written for `wres_year` and the published releases of earlier years."""
    folders = {wres_year: Path(release_folder)}
    publish_dir = Path(publish_dir)
    if publish_dir.is_dir():
        for folder in sorted(publish_dir.iterdir()):
            if folder.name.isdigit() and int(folder.name) < wres_year and \
                    (folder / "wres_indicator_summary.parquet").exists():
                folders[int(folder.name)] = folder
    ordered = [folders[y] for y in sorted(folders)]
    summary = _read([f / "wres_indicator_summary.parquet" for f in ordered])
    share = _read([f / "wres_trust_share.parquet" for f in ordered])
    trusts = _read([Path(release_folder) / "trusts.parquet"])
    optional = {name: _read([Path(release_folder) / f"{name}.parquet"])
                if (Path(release_folder) / f"{name}.parquet").exists() else None
                for name in ("wres_survey_breakdown", "model_employer_trajectory")}
    return Releases(wres_year, summary, share, trusts, optional["wres_survey_breakdown"],
                    optional["model_employer_trajectory"])
