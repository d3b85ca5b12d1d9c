"""The DataFrames the Great Expectations suites validate, read from the warehouse with SQL.

They read the marts and the release only (dbt's lineage shows every table the gate reads).
The id column names the rows a failure is about (a trust, a cell, a file), so a check result
says which ones to act on: the mart tables' is `trust`; the others return (DataFrame, id_column).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from wres.config import METHODOLOGY_MINIMUMS, SURVEY_BREAKDOWN_DECIMALS, Settings
from wres.disclosure.audit import audit
from wres.disclosure.certificates import ProtectionThresholds
from wres.disclosure.releases import published_cells
from wres.ingest.landing import reference_files, year_files
from wres.ingest.load import release_inputs, sha256

def _df(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _year_filter(year: int | None) -> tuple[str, list]:
    return ("where wres_year = ?", [year]) if year is not None else ("", [])


def return_completeness(con, year: int | None) -> pd.DataFrame:
    """One row per trust open at 31 March of the year (of every year when None): returned, complete."""
    where, params = _year_filter(year)
    return _df(con, f"""select wres_year, wres_year || ':' || org_code as trust, returned, complete
                        from marts.wres_return_completeness {where} order by wres_year, org_code""", params)


def data_quality_warnings(con, year: int | None) -> pd.DataFrame:
    """One row per trust with workforce figures in the year (in every year when None)."""
    where, params = _year_filter(year)
    return _df(con, f"""select wres_year, wres_year || ':' || org_code as trust, declaration_rate,
                               relative_difference, trust_type
                        from marts.wres_trust_data_quality {where} order by wres_year, org_code""", params)


def landing_zone_consistency(con, year: int, settings: Settings) -> tuple[pd.DataFrame, str]:
    """The files of the year's latest load (and the latest reference load) against the files on disk."""

    loaded = {i["path"]: i["sha256"] for i in release_inputs(con, year)}
    raw_dir = settings.raw_dir.resolve()
    on_disk = [f.path for f in year_files(raw_dir, year, settings).files]
    on_disk += [f.path for f in reference_files(raw_dir) if f.path.exists()]
    current = {str(p.relative_to(raw_dir)): sha256(p) for p in on_disk}
    paths = sorted(set(loaded) | set(current))
    frame = pd.DataFrame({"path": paths,
                          "loaded_sha256": [loaded.get(p) for p in paths],
                          "current_sha256": [current.get(p) for p in paths]})
    frame["matches"] = frame["loaded_sha256"].notna() & (frame["loaded_sha256"] == frame["current_sha256"])
    return frame, "path"


def _release_table(folder: Path, table: str) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        return con.execute("select * from read_parquet(?)", [str(Path(folder) / f"{table}.parquet")]).df()
    finally:
        con.close()


def published_tables(con, year: int, release_folder: Path, previous_folder: Path | None,
                     settings: Settings) -> tuple[pd.DataFrame, str]:
    """The release's indicator table as written, with the helper columns of the disclosure checks.

    The audit (wres.disclosure.audit) reads the release's own files; from the warehouse it takes
    only the confidential truth of the year (values and which are sensitive), and the previous
    release of the year is taken as known.
    """
    t = settings.thresholds
    frame = _release_table(release_folder, "wres_indicator_summary")
    trusts = _release_table(release_folder, "trusts")
    truth = _df(con, "select wres_year, indicator, level, area_code, breakdown, measure, value, is_sensitive "
                     "from marts.wres_indicator_summary where wres_year = ?", [year])
    # The methodology's declaration rule as well: a trust declaring the ethnicity of fewer than 80% of its
    # staff has its indicators 1-4 and 9 withheld, all but its declaration rate.
    rates = truth[(truth["level"] == "trust") & (truth["measure"] == "declaration_rate")]
    low = set(rates.loc[rates["value"] < 100 * METHODOLOGY_MINIMUMS["declaration_withhold"], "area_code"])  # a percentage
    frame["is_published_below_declaration_minimum"] = (
        (frame["level"] == "trust") & frame["area_code"].isin(low) & frame["indicator"].isin([1, 2, 3, 4, 9])
        & (frame["measure"] != "declaration_rate") & frame["value"].notna())
    previous = published_cells([previous_folder]) if previous_folder is not None else None
    if previous is not None:
        previous = previous[previous["wres_year"] == year]
    frame["row_id"] = (frame["indicator"].astype(str) + ":" + frame["level"] + ":" + frame["area_code"] + ":"
                       + frame["breakdown"] + ":" + frame["measure"])
    below_england = frame["level"] != "england"
    # A not-stated (unknown) count discloses no one's ethnicity: it may be published at any size.
    counts = frame["measure"].str.startswith("headcount_") & (frame["measure"] != "headcount_unknown")
    if not t.board_counts_exempt:
        counts |= frame["measure"].isin(["members_total", "members_bme"])
    frame["is_small_published_count"] = below_england & counts & frame["value"].between(t.small_count_min,
                                                                                          t.small_count_max)
    # The methodology's count rule as well, so that a configuration weaker than it cannot pass unnoticed.
    frame["is_small_count_by_methodology"] = below_england & counts & frame["value"].between(
        METHODOLOGY_MINIMUMS["small_count_min"], METHODOLOGY_MINIMUMS["small_count_max"])
    survey = frame["indicator"].isin([5, 6, 7, 8]) & (frame["measure"].str.startswith("pct_")
                                                      | frame["measure"].str.startswith("respondents_"))
    # Each survey figure's own denominator (the legacy indicator 7 figures have theirs).
    denominators = _df(con, """select indicator, level, area_code, breakdown, measure, respondents
                         from marts.wres_survey_denominators where wres_year = ?""", [year])
    merged = frame[["indicator", "level", "area_code", "breakdown", "measure"]].merge(
        denominators, how="left", on=["indicator", "level", "area_code", "breakdown", "measure"])
    frame["survey_respondents"] = merged["respondents"].to_numpy()
    frame["is_published_survey_figure"] = survey & below_england & frame["value"].notna()
    certificates = _df(con, "select wres_year, indicator, level, area_code, breakdown, measure, certificate "
                            "from marts.wres_protection_certificates where wres_year = ?", [year])
    audited = audit(frame, trusts, truth, previous, certificates,
                    ProtectionThresholds(count=t.small_count_max + 1, respondents=t.survey_min_respondents))
    return with_audit(frame, audited), "cell"


AUDIT_COLUMNS = ("is_derivable", "is_derivable_from_england", "is_unprotected", "is_unprotectable", "is_uncertified")


def with_audit(frame: pd.DataFrame, audited: pd.DataFrame) -> pd.DataFrame:
    """The release rows (with their `row_id`) with the audit's verdicts, and the id column `cell`:
    the row, and when the audit derives it the chain of relations that does, and when its
    protection fails why (which check of its certificate, which relation, the interval it reaches)."""
    for column in AUDIT_COLUMNS:
        frame[column] = audited[column].to_numpy()
    derived = frame["is_derivable"] | frame["is_derivable_from_england"]
    cell = np.where(derived, frame["row_id"] + " <- " + audited["derivation"].fillna("").to_numpy(), frame["row_id"])
    unprotected = (frame["is_unprotected"] | frame["is_unprotectable"] | frame["is_uncertified"]).to_numpy()
    frame["cell"] = np.where(unprotected, cell + " | " + audited["protection"].fillna("").to_numpy(), cell)
    return frame


BREAKDOWN_KEY = ["indicator", "level", "area_code", "breakdown_type", "ethnicity", "ethnicity_group", "gender",
                 "occupation_group"]


def _breakdown_id(frame: pd.DataFrame) -> pd.Series:
    parts = [frame[c].astype("string").fillna("") for c in BREAKDOWN_KEY]
    out = parts[0]
    for part in parts[1:]:
        out = out + ":" + part
    return out


def published_survey_breakdown(con, year: int, release_folder: Path) -> tuple[pd.DataFrame, str]:
    """The release's survey breakdown as written, with the warehouse's confidential truth beside each cell:
    its respondents and whether the mart hides it (n<11 or secondary)."""

    frame = _release_table(release_folder, "wres_survey_breakdown")
    truth = _df(con, f"select {', '.join(BREAKDOWN_KEY)}, respondents, suppressed as must_hide "
                     f"from marts.wres_survey_breakdown where wres_year = ?", [year])
    frame["cell"] = _breakdown_id(frame).to_numpy()
    truth["cell"] = _breakdown_id(truth).to_numpy()
    merged = frame[["cell"]].merge(truth[["cell", "respondents", "must_hide"]], how="left", on="cell")
    # A published cell the warehouse does not know is treated as having no respondents: it fails.
    frame["survey_respondents"] = merged["respondents"].fillna(0).astype("int64").to_numpy()
    frame["must_hide"] = merged["must_hide"].fillna(True).astype(bool).to_numpy()
    pct = frame["pct"].astype("float64")
    frame["is_published_figure"] = pct.notna().to_numpy()
    scale = 10 ** SURVEY_BREAKDOWN_DECIMALS
    frame["is_rounded"] = (pct.isna() | ((pct * scale).round() - pct * scale).abs().lt(1e-6)).to_numpy()
    return frame, "cell"


def published_model_employer(release_folder: Path) -> tuple[pd.DataFrame, str]:
    """The release's Model Employer rows as written."""
    frame = _release_table(release_folder, "model_employer_trajectory")
    frame["row_id"] = (frame["level"].astype("string").fillna("") + ":" + frame["area_code"].astype("string").fillna("")
                       + ":" + frame["pay_band"].astype("string").fillna("") + ":"
                       + frame["target_year"].astype("string").fillna(""))
    return frame, "row_id"


def published_columns(release_folder: Path) -> tuple[pd.DataFrame, str]:
    """One row per column of every table file of the release as written (`table.column`)."""

    con = duckdb.connect()
    rows = []
    try:
        for path in sorted(Path(release_folder).glob("*.parquet")):
            table = path.stem
            names = [r[0] for r in con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()]
            rows += [(table, name, f"{table}.{name}") for name in names]
    finally:
        con.close()
    return pd.DataFrame(rows, columns=["table", "column_name", "column_id"]), "column_id"
