"""The DataFrames the Great Expectations suites validate, read from the warehouse with SQL.

Each function returns (DataFrame, id_column): the id column names the rows a failure is
about (a trust, a submission, a mart row), so a check result says which ones to act on.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from wres.config import Settings
from wres.disclosure.audit import audit
from wres.disclosure.releases import published_cells
from wres.ingest import contracts as c
from wres.ingest.landing import reference_files, year_files
from wres.ingest.load import release_inputs, sha256
from wres.publish.contents import RELEASE_TABLES, SURVEY_BREAKDOWN_DECIMALS

COUNT_COLUMNS = {
    "workforce": ["headcount"],
    "recruitment": ["shortlisted", "appointed"],
    "disciplinary": ["entered_formal_disciplinary"],
    "training": ["accessed_training"],
    "board": ["members"],
}
KEY_COLUMNS = {
    "workforce": ["staff_group", "pay_band", "ethnicity_group"],
    "recruitment": ["ethnicity_group"],
    "disciplinary": ["ethnicity_group"],
    "training": ["ethnicity_group"],
    "board": ["board_role", "voting", "ethnicity_group"],
}


def _df(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


# The raw checks run right after a load, before dbt: they read the reference from raw.etr.
def english_trusts(con) -> list[str]:
    """ODS codes of the NHS trusts in England (a region code) in the loaded reference."""
    return [r[0] for r in con.execute("select org_code from raw.etr where nullif(region_code, '') is not null "
                                      "order by 1").fetchall()]


def raw_returns(con, year: int) -> tuple[pd.DataFrame, str]:
    parts = []
    for section, counts in COUNT_COLUMNS.items():
        key = " || '|' || ".join(f"coalesce({k}, '')" for k in KEY_COLUMNS[section])
        for count in counts:
            parts.append(f"""select '{section}' as section, submission_id, org_code, ethnicity_group,
                                    {key} as row_key, '{count}' as count_name,
                                    try_cast({count} as bigint) as count_value,
                                    source_file || ' (' || org_code || ', ' || {key} || ')' as row_id
                             from raw.{c.DCF_SECTIONS[section].raw_table} where wres_year = {int(year)}""")
    return _df(con, " union all ".join(parts)), "row_id"


def raw_recruitment(con, year: int) -> tuple[pd.DataFrame, str]:
    frame = _df(con, """select source_file || ' (' || org_code || ', ' || ethnicity_group || ')' as row_id, org_code,
                               try_cast(shortlisted as bigint) as shortlisted, try_cast(appointed as bigint) as appointed
                        from raw.dcf_recruitment where wres_year = ?""", [year])
    return frame, "row_id"


def raw_workforce_statistics(con, year: int) -> tuple[pd.DataFrame, str]:
    frame = _df(con, """select source_file || ' (' || org_code || ', ' || staff_group || ', ' || pay_band || ', '
                               || coalesce(ethnic_category, '') || ')' as row_id, org_code, staff_group, pay_band, ethnic_category, census_date,
                               try_cast(headcount as bigint) as headcount
                        from raw.workforce_statistics where wres_year = ?""", [year])
    return frame, "row_id"


def raw_staff_survey(con, year: int) -> tuple[pd.DataFrame, str]:
    frame = _df(con, """select org_code, count(*) as respondents from raw.staff_survey_respondents
                        where wres_year = ? group by org_code""", [year])
    return frame, "org_code"


def return_completeness(con, year: int, settings: Settings) -> tuple[pd.DataFrame, str]:
    sections = c.dcf_sections_for(year, settings.years.dcf_workforce_from)
    present = [f"exists (select 1 from raw.{c.DCF_SECTIONS[s].raw_table} r "
               f"where r.wres_year = t.wres_year and r.org_code = t.org_code)" for s in sections]
    returned = f"({' or '.join(present)}) as returned, ({' and '.join(present)}) as complete"
    frame = _df(con, f"""
        with t as (
            select org_code, {int(year)} as wres_year from raw.etr
            where nullif(region_code, '') is not null
              and strptime(open_date, '%Y%m%d') <= make_date({int(year)}, 3, 31)
              and (nullif(close_date, '') is null or strptime(close_date, '%Y%m%d') > make_date({int(year)}, 3, 31))
        )
        select t.org_code, {returned} from t""")
    return frame, "org_code"


def data_quality_warnings(con, year: int | None = None) -> tuple[pd.DataFrame, str]:
    where = "where d.wres_year = ?" if year is not None else ""
    frame = _df(con, f"""select d.wres_year || ':' || d.org_code as trust, d.declaration_rate, m.relative_difference,
                                t.trust_type
                         from intermediate.int_declaration_rates_computed d
                         left join intermediate.int_workforce_totals_compared m using (wres_year, org_code)
                         left join intermediate.int_trust_years_enumerated t using (wres_year, org_code)
                         {where}""", [year] if year is not None else [])
    return frame, "trust"


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


def _summary(con, year: int | None) -> pd.DataFrame:
    where = "where wres_year = ?" if year is not None else ""
    return _df(con, f"select * from marts.wres_indicator_summary {where}", [year] if year is not None else [])


def mart_invariants(con, year: int | None = None) -> tuple[pd.DataFrame, str]:
    frame = _summary(con, year)
    frame["is_percentage"] = frame["measure"].str.startswith(("pct", "rate")) | (frame["measure"] == "declaration_rate")
    frame["row_id"] = (frame["wres_year"].astype(str) + ":" + frame["indicator"].astype(str) + ":" + frame["level"]
                       + ":" + frame["area_code"] + ":" + frame["breakdown"] + ":" + frame["measure"])
    return frame, "row_id"


def mart_reconciliation(con, year: int | None = None) -> tuple[pd.DataFrame, str]:
    where = "and wres_year = ?" if year is not None else ""
    frame = _df(con, f"""
        with counts as (
            select * from marts.wres_indicator_summary
            where (measure like 'headcount_%' or measure like 'members_%') {where}
        ),
        trusts as (select wres_year, indicator, breakdown, measure, sum(value) as trust_sum
                   from counts where level = 'trust' group by all),
        england as (select wres_year, indicator, breakdown, measure, value as england_value
                    from counts where level = 'england')
        select wres_year || ':' || indicator || ':' || breakdown || ':' || measure as row_id,
               england_value, trust_sum, coalesce(england_value, 0) - coalesce(trust_sum, 0) as difference
        from england full join trusts using (wres_year, indicator, breakdown, measure)""",
               [year] if year is not None else [])
    return frame, "row_id"


EXPECTED_MEASURES = {
    "returns": {
        1: ["headcount_white", "headcount_bme", "headcount_unknown", "headcount_total", "pct_white", "pct_bme",
            "pct_unknown", "declaration_rate", "disparity_lower_to_middle", "disparity_middle_to_upper",
            "disparity_lower_to_upper"],
        2: ["rate_white", "rate_bme", "relative_likelihood", "ci_lower", "ci_upper"],
        3: ["rate_white", "rate_bme", "relative_likelihood", "ci_lower", "ci_upper",
            "relative_likelihood_as_published"],
        4: ["rate_white", "rate_bme", "relative_likelihood", "ci_lower", "ci_upper"],
        9: ["members_total", "members_bme", "pct_bme_board", "pct_bme_workforce", "gap_pp"],
    },
    "survey": {
        5: ["pct_white", "pct_bme", "respondents_white", "respondents_bme"],
        6: ["pct_white", "pct_bme", "respondents_white", "respondents_bme"],
        7: ["pct_white", "pct_bme", "respondents_white", "respondents_bme", "pct_white_legacy", "pct_bme_legacy"],
        8: ["pct_white", "pct_bme", "respondents_white", "respondents_bme"],
    },
}


def mart_completeness(con, year: int) -> tuple[pd.DataFrame, str]:
    """Expected measures of the sources loaded for the year, with their England row counts."""
    has_survey = con.execute("select count(*) > 0 from raw.staff_survey_respondents where wres_year = ?",
                             [year]).fetchone()[0]
    expected = [(i, m) for i, ms in EXPECTED_MEASURES["returns"].items() for m in ms]
    if has_survey:
        expected += [(i, m) for i, ms in EXPECTED_MEASURES["survey"].items() for m in ms]
    found = dict(((r[0], r[1]), r[2]) for r in con.execute(
        "select indicator, measure, count(*) from marts.wres_indicator_summary "
        "where wres_year = ? and level = 'england' group by all", [year]).fetchall())
    frame = pd.DataFrame({"row_id": [f"{i}:{m}" for i, m in expected],
                          "england_rows": [found.get((i, m), 0) for i, m in expected]})
    return frame, "row_id"


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
    previous = published_cells([previous_folder]) if previous_folder is not None else None
    if previous is not None:
        previous = previous[previous["wres_year"] == year]
    frame["row_id"] = (frame["indicator"].astype(str) + ":" + frame["level"] + ":" + frame["area_code"] + ":"
                       + frame["breakdown"] + ":" + frame["measure"])
    below_england = frame["level"] != "england"
    counts = frame["measure"].str.startswith("headcount_")
    if not t.board_counts_exempt:
        counts |= frame["measure"].isin(["members_total", "members_bme"])
    frame["is_small_published_count"] = below_england & counts & frame["value"].between(t.small_count_min,
                                                                                          t.small_count_max)
    survey = frame["indicator"].isin([5, 6, 7, 8]) & (frame["measure"].str.startswith("pct_")
                                                      | frame["measure"].str.startswith("respondents_"))
    # Each survey figure's own denominator (the legacy indicator 7 figures have theirs).
    denominators = _df(con, """select indicator, level, area_code, breakdown, measure, respondents
                         from intermediate.int_indicator_5_8_measures_unpivoted
                         where wres_year = ?""", [year])
    merged = frame[["indicator", "level", "area_code", "breakdown", "measure"]].merge(
        denominators, how="left", on=["indicator", "level", "area_code", "breakdown", "measure"])
    frame["survey_respondents"] = merged["respondents"].to_numpy()
    frame["is_published_survey_figure"] = survey & below_england & frame["value"].notna()
    audited = audit(frame, trusts, truth, previous)
    frame["is_derivable"] = audited["is_derivable"].to_numpy()
    frame["is_derivable_from_england"] = audited["is_derivable_from_england"].to_numpy()
    # The id names the cell and, when the audit derives it, the chain of relations that does.
    frame["cell"] = np.where(frame["is_derivable"] | frame["is_derivable_from_england"],
                             frame["row_id"] + " <- " + audited["derivation"].fillna(""), frame["row_id"])
    return frame, "cell"


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
    """One row per column of every table file of the release (`table.column`)."""

    con = duckdb.connect()
    rows = []
    try:
        for table in RELEASE_TABLES:
            path = Path(release_folder) / f"{table}.parquet"
            if path.exists():
                names = [r[0] for r in con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()]
                rows += [(table, name, f"{table}.{name}") for name in names]
    finally:
        con.close()
    return pd.DataFrame(rows, columns=["table", "column_name", "column_id"]), "column_id"
