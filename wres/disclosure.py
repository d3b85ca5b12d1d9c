"""Secondary suppression of indicator 1 headcounts (DOMAIN.md, disclosure control).

Indicator 1 publishes totals beside their parts: White + BME + Unknown = total in each
breakdown, the pay bands of a staff group add up to the staff group, the staff groups to
all staff, and the trusts of an area to the area. Where exactly one value of such a sum is
hidden, it can be recovered by subtraction; so the smallest other non-zero part is hidden
too ("secondary"), repeatedly, until every sum hides none or at least two of its values.
England is never hidden. A percentage is hidden with its headcount or with its total
(headcount / percentage would give the total back). Values derived from hidden headcounts
elsewhere (the declaration rate, the indicator 9 workforce share, the disparity ratios)
are hidden with them.

`recoverable` lists the sums that still expose a single hidden value: the check that
publication runs, and that this module's result always passes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres import vocabulary as vocab

PARTS = ("white", "bme", "unknown")
SECONDARY = "secondary"
# Reasons of disclosure control: a value hidden for another reason (a withheld trust) is
# still unknown to a reader, so it protects the sums it is part of, but needs no protection.
DISCLOSURE_REASONS = ("count 1-7", "n<11", SECONDARY)


def headcount_cells(summary: pd.DataFrame) -> pd.DataFrame:
    """The indicator 1 headcount cells: one row per year, area, breakdown and part (or total)."""
    rows = summary[(summary["indicator"] == 1) & summary["measure"].str.startswith("headcount_")]
    cells = rows[["wres_year", "level", "area_code", "breakdown", "measure", "value", "suppression_reason"]].copy()
    cells["part"] = cells["measure"].str.removeprefix("headcount_")
    cells["hidden"] = cells["suppression_reason"].notna()
    split = cells["breakdown"].str.split("|", n=1, expand=True).reindex(columns=[0, 1])
    cells["staff_group"] = split[0].where(split[1].notna())
    cells["band"] = split[1]
    return cells.reset_index(drop=True)


def _key(frame: pd.DataFrame, columns: list[str], family: str) -> pd.Series:
    key = pd.Series(family, index=frame.index)
    for column in columns:
        key = key + "|" + frame[column].astype(str)
    return key


def memberships(cells: pd.DataFrame, trust_areas: pd.DataFrame) -> pd.DataFrame:
    """Every sum a cell belongs to: (key, cell, is_total)."""
    cells = cells.assign(cell=np.arange(len(cells)))
    found = []

    # White + BME + Unknown = total, per breakdown.
    found.append(pd.DataFrame({"key": _key(cells, ["wres_year", "level", "area_code", "breakdown"], "ethnicity"),
                               "cell": cells["cell"], "is_total": cells["part"] == "total"}))
    # Bands of a staff group = the staff group's "|all" row, per part.
    banded = cells[cells["staff_group"].notna()]
    found.append(pd.DataFrame({"key": _key(banded, ["wres_year", "level", "area_code", "staff_group", "part"], "bands"),
                               "cell": banded["cell"], "is_total": banded["band"] == "all"}))
    # Staff groups = all staff, per part.
    groups = cells[(cells["band"] == "all") | (cells["breakdown"] == "all")]
    found.append(pd.DataFrame({"key": _key(groups, ["wres_year", "level", "area_code", "part"], "groups"),
                               "cell": groups["cell"], "is_total": groups["breakdown"] == "all"}))
    # Trusts of an area = the area, per breakdown and part (regions, trust types, England),
    # and regions = England, trust types = England.
    trusts = cells[cells["level"] == "trust"].merge(trust_areas, left_on=["wres_year", "area_code"],
                                                    right_on=["wres_year", "org_code"], how="inner")
    for level, column in (("region", "region_code"), ("trust_type", "trust_type"), ("england", None)):
        area = trusts[column] if column else pd.Series("ENG", index=trusts.index)
        parts = pd.DataFrame({"key": _key(trusts.assign(_area=area), ["wres_year", "_area", "breakdown", "part"],
                                          f"trusts-{level}"), "cell": trusts["cell"], "is_total": False})
        totals = cells[cells["level"] == level]
        found.append(parts)
        found.append(pd.DataFrame({"key": _key(totals, ["wres_year", "area_code", "breakdown", "part"],
                                               f"trusts-{level}"), "cell": totals["cell"], "is_total": True}))
    for level in ("region", "trust_type"):
        members = cells[cells["level"].isin([level, "england"])]
        found.append(pd.DataFrame({"key": _key(members, ["wres_year", "breakdown", "part"], f"{level}s-england"),
                                   "cell": members["cell"], "is_total": members["level"] == "england"}))
    return pd.concat(found, ignore_index=True)


def _exposed(member: pd.DataFrame, hidden: np.ndarray, sensitive: np.ndarray,
             protectable: np.ndarray) -> pd.DataFrame:
    """Members of the sums that hide exactly one value, a sensitive one, where another could still be hidden.

    A value withheld for data quality (declaration<80%) is not sensitive: it protects the
    sums it is in but needs no protection itself. A sum whose other values are all England
    figures cannot be protected: England is never suppressed (DOMAIN.md).
    """
    cell = member["cell"].to_numpy()
    flagged = member.assign(hidden=hidden[cell], sensitive=sensitive[cell], protectable=protectable[cell])
    grouped = flagged.groupby("key", sort=False)
    counts = grouped["hidden"].sum()
    exposing = counts.index[(counts == 1) & (grouped["sensitive"].sum() == 1)]
    can_hide_more = flagged[~flagged["hidden"] & flagged["protectable"]]["key"].unique()
    return flagged[flagged["key"].isin(exposing) & flagged["key"].isin(can_hide_more)]


def _sensitive(cells: pd.DataFrame) -> np.ndarray:
    return cells["suppression_reason"].isin(DISCLOSURE_REASONS).to_numpy().copy()


def recoverable(cells: pd.DataFrame, member: pd.DataFrame) -> pd.DataFrame:
    """Hidden values that a reader can recover by subtraction from the published values of one sum.

    `cells` carry the final suppression_reason of each headcount.
    """
    hidden = cells["suppression_reason"].notna().to_numpy()
    exposed = _exposed(member, hidden, _sensitive(cells), (cells["level"] != "england").to_numpy())
    return exposed[exposed["hidden"]]


def hide_until_safe(cells: pd.DataFrame, member: pd.DataFrame, max_rounds: int = 100) -> np.ndarray:
    """Hidden flags of the cells after secondary suppression."""
    hidden = cells["hidden"].to_numpy().copy()
    sensitive = _sensitive(cells)
    values = cells["value"].fillna(0).to_numpy()
    protectable = (cells["level"] != "england").to_numpy()
    for _ in range(max_rounds):
        exposed = _exposed(member, hidden, sensitive, protectable)
        if exposed.empty:
            return hidden
        candidates = exposed[~exposed["hidden"] & exposed["protectable"]].copy()
        candidates["value"] = values[candidates["cell"].to_numpy()]
        # Prefer the smallest non-zero part; a zero or the total only when nothing else is left.
        candidates["rank"] = (candidates["value"] == 0).astype(int) * 2 + candidates["is_total"].astype(int)
        chosen = candidates.sort_values(["key", "rank", "value", "cell"]).drop_duplicates("key")
        hidden[chosen["cell"].to_numpy()] = True
        sensitive[chosen["cell"].to_numpy()] = True
    raise RuntimeError(f"secondary suppression did not settle in {max_rounds} rounds")


def _by_breakdown(cells: pd.DataFrame, flag: str) -> pd.DataFrame:
    """Flag per (year, level, area, breakdown) x part."""
    table = cells.pivot_table(index=["wres_year", "level", "area_code", "breakdown"], columns="part",
                              values=flag, aggfunc="any")
    return table.reindex(columns=[*PARTS, "total"]).fillna(False).astype(bool)


def apply_secondary_suppression(summary: pd.DataFrame, trust_areas: pd.DataFrame) -> pd.DataFrame:
    """The summary rows with `suppression_reason` set to 'secondary' where publication must hide them too.

    `summary` has the columns of marts.wres_indicator_summary (suppression_reason holding
    the primary reasons); `trust_areas` has wres_year, org_code, region_code, trust_type.
    """
    summary = summary.reset_index(drop=True).copy()
    cells = headcount_cells(summary)
    hidden = hide_until_safe(cells, memberships(cells, trust_areas))
    cells["hidden_after"] = hidden

    cells["protected"] = hidden & (cells["suppression_reason"].isin(DISCLOSURE_REASONS) | ~cells["hidden"])
    state, protected = _by_breakdown(cells, "hidden_after"), _by_breakdown(cells, "protected")

    key = ["wres_year", "level", "area_code", "breakdown"]
    indexed = summary.set_index(key)
    hide = pd.Series(False, index=summary.index)
    one = summary["indicator"] == 1
    for part in (*PARTS, "total"):
        lookup = state[part].reindex(indexed.index).fillna(False).to_numpy()
        hide |= one & (summary["measure"] == f"headcount_{part}") & lookup
        if part != "total":
            total = state["total"].reindex(indexed.index).fillna(False).to_numpy()
            hide |= one & (summary["measure"] == f"pct_{part}") & (lookup | total)

    # Values computed from protected headcounts elsewhere in the table.
    all_staff = protected[protected.index.get_level_values("breakdown") == "all"].droplevel("breakdown")
    area_key = ["wres_year", "level", "area_code"]
    by_area = summary.set_index(area_key).index
    unknown_or_total = (all_staff["unknown"] | all_staff["total"]).reindex(by_area).fillna(False).to_numpy()
    bme_or_total = (all_staff["bme"] | all_staff["total"]).reindex(by_area).fillna(False).to_numpy()
    hide |= one & (summary["measure"] == "declaration_rate") & unknown_or_total
    hide |= (summary["indicator"] == 9) & summary["measure"].isin(["pct_bme_workforce", "gap_pp"]) & bme_or_total

    # A disparity ratio and three of its four level sums give the fourth, and a level sum
    # with all but one of its bands published gives that band: hide the ratio when a band of
    # a level it uses hides a white or BME headcount.
    bands = protected[["white", "bme"]].any(axis=1).rename("hidden").reset_index()
    bands = bands[bands["hidden"] & bands["breakdown"].str.contains("|", regex=False)]
    if not bands.empty:
        levels = vocab.band_levels()
        group_band = bands["breakdown"].str.split("|", n=1)
        bands = bands.assign(staff_group=group_band.str[0],
                             band_level=[levels.get(tuple(pair)) for pair in group_band])
        hidden_levels = bands.groupby(["wres_year", "level", "area_code", "staff_group"])["band_level"].agg(set)
        for measure, used in (("disparity_lower_to_middle", {"lower", "middle"}),
                              ("disparity_middle_to_upper", {"middle", "upper"}),
                              ("disparity_lower_to_upper", {"lower", "upper"})):
            rows = one & (summary["measure"] == measure)
            keys = pd.MultiIndex.from_frame(summary.loc[rows, ["wres_year", "level", "area_code", "breakdown"]])
            found = hidden_levels.reindex(keys)
            hide.loc[rows] = [isinstance(hidden_set, set) and bool(hidden_set & used) for hidden_set in found]

    newly = hide & summary["suppression_reason"].isna()
    summary.loc[newly, "suppression_reason"] = SECONDARY
    return summary
