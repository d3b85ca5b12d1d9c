"""Values in words: how the report writes a number, a hidden value and a missing one."""

from __future__ import annotations

import pandas as pd

SOURCES = {"dcf": "the trusts' WRES returns",
           "mixed": "the trusts' WRES returns, and NHS workforce statistics for the trusts without a workforce return",
           "workforce_statistics": "NHS workforce statistics (the WRES return's workforce section starts in 2018)"}
# Why a value is hidden, as a board member would be told.
HIDDEN = {"count 1-7": "hidden to protect small numbers",
          "n<11": "hidden because too few staff answered the survey",
          "declaration<80%": "withheld because the trust records the ethnicity of too few of its staff",
          "secondary": "hidden so that other hidden small numbers cannot be worked out"}


def shown(value, measure: str) -> str:
    if value is None or pd.isna(value):
        return ""
    if measure.startswith(("headcount_", "respondents_", "members_")):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def cell_text(row) -> str:
    """A value as the report shows it: the number, or 'suppressed (reason)', or 'not defined'."""
    if row is None:
        return "not reported"
    if bool(row["suppressed"]):
        return f"suppressed ({row['suppression_reason']})"
    if pd.isna(row["value"]):
        return "not defined"
    return shown(row["value"], row["measure"])


def why_hidden(reason) -> str:
    """A suppression reason in words."""
    return HIDDEN.get(reason, f"hidden ({reason})") if isinstance(reason, str) else "hidden"


def figure(value: float, exact: bool = False) -> str:
    """A figure of the comparison: whole numbers with separators, others to two decimals (`exact`: as
    many as the figure has, up to two, for the published figures)."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if exact else text


def one_in_k(row) -> str:
    """The Model Employer's required BME share of recruits as the report words it."""
    status = row["status"]
    if status == "reachable" and not pd.isna(row["one_in_k"]):
        return f"1 in {int(row['one_in_k'])}"
    if status == "unreachable":
        return "unreachable (more than every recruit)"
    if status == "already met":
        return "already met"
    return "not defined"
