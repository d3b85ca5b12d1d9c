"""The tables a release holds and the query that makes each disclosure-controlled: a rule that
publication (wres.publish), the report's earlier years (wres.report) and the gate all follow, so it
lives below all three."""

from __future__ import annotations

from wres.config import SURVEY_BREAKDOWN_DECIMALS

RELEASE_TABLES = {
    "wres_indicator_summary": "marts.wres_indicator_summary",
    "wres_trust_share": "marts.wres_trust_share",
    "trusts": "marts.trusts",
    "wres_survey_breakdown": "marts.wres_survey_breakdown",
    "model_employer_trajectory": "marts.model_employer_trajectory",
}


# The survey breakdown is published without its respondent counts: only the percentage (blank
# where suppressed), rounded, so that its denominator cannot be read back from it (a full-precision
# k/n gives n away by continued fractions). docs/METHODOLOGY.md, "Disclosure control".
SURVEY_BREAKDOWN_COLUMNS = ("wres_year", "survey_year", "indicator", "level", "area_code", "area_name",
                            "breakdown_type", "ethnicity", "ethnicity_group", "gender", "occupation_group",
                            "pct", "suppressed", "suppression_reason")


def publication_query(table: str, wres_year: int) -> str:
    """The disclosure-controlled rows of a table: suppressed values blank, confidential columns left out."""
    if table == "wres_survey_breakdown":
        columns = ", ".join(f"case when suppressed then null else round(pct, {SURVEY_BREAKDOWN_DECIMALS}) end as pct"
                            if c == "pct" else c for c in SURVEY_BREAKDOWN_COLUMNS)
        return (f"select {columns} from {RELEASE_TABLES[table]} where wres_year = {int(wres_year)} "
                f"order by indicator, level, area_code, breakdown_type, ethnicity_group nulls first, "
                f"ethnicity nulls first, gender nulls first, occupation_group nulls first")
    if table == "model_employer_trajectory":
        # England only: England is never suppressed, and a trust row would relate band headcounts
        # (clinical and non-clinical staff of a band together) that secondary suppression does not cover.
        return (f"select * from {RELEASE_TABLES[table]} where wres_year = {int(wres_year)} and level = 'england' "
                f"order by pay_band, target_year")
    if table == "wres_indicator_summary":
        return (f"select * exclude (is_sensitive) replace (case when suppressed then null else value end as value) "
                f"from {RELEASE_TABLES[table]} where wres_year = {int(wres_year)} "
                f"order by indicator, level, area_code, breakdown, measure")
    if table == "trusts":
        return f"select * from {RELEASE_TABLES[table]} where wres_year = {int(wres_year)} order by org_code"
    return f"select * from {RELEASE_TABLES[table]} where wres_year = {int(wres_year)} order by indicator"
