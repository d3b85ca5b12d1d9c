"""What a report may show: disclosure-controlled figures only.

A year's report reads its own release (staged, about to be published) and, for the trends, the
earlier years from the warehouse marts through the same publication query (hidden values nulled,
their reason beside them), so a year's publication never depends on earlier releases being on
disk, and the report cannot show what publication hides.
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


def _earlier_years(con: duckdb.DuckDBPyConnection, table: str, wres_year: int) -> pd.DataFrame | None:
    """A release table's rows of every year before `wres_year` in the warehouse, as publication writes them."""
    from wres.release_contents import RELEASE_TABLES, publication_query

    years = [y for (y,) in con.execute(f"select distinct wres_year from {RELEASE_TABLES[table]} "
                                       f"where wres_year < ? order by 1", [wres_year]).fetchall()]
    if not years:
        return None
    return con.execute(" union all ".join(f"select * from ({publication_query(table, y)})" for y in years)).df()


def _with_history(current: pd.DataFrame, earlier: pd.DataFrame | None) -> pd.DataFrame:
    if earlier is None or earlier.empty:
        return current
    earlier = earlier[list(current.columns)].astype(current.dtypes.to_dict())
    return pd.concat([earlier, current], ignore_index=True)


def load_releases(release_folder: Path, con: duckdb.DuckDBPyConnection, wres_year: int) -> Releases:
    """The release being written for `wres_year` (its files) and the earlier years (the warehouse's marts,
    published cells only)."""
    summary = _with_history(_read([Path(release_folder) / "wres_indicator_summary.parquet"]),
                            _earlier_years(con, "wres_indicator_summary", wres_year))
    share = _with_history(_read([Path(release_folder) / "wres_trust_share.parquet"]),
                          _earlier_years(con, "wres_trust_share", wres_year))
    trusts = _read([Path(release_folder) / "trusts.parquet"])
    optional = {name: _read([Path(release_folder) / f"{name}.parquet"])
                if (Path(release_folder) / f"{name}.parquet").exists() else None
                for name in ("wres_survey_breakdown", "model_employer_trajectory")}
    return Releases(wres_year, summary, share, trusts, optional["wres_survey_breakdown"],
                    optional["model_employer_trajectory"])
