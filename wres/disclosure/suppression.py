"""Secondary suppression: hide further cells until no sensitive cell can be derived.

A release publishes additive relations: ethnicity groups and their total, pay bands and their
staff group, staff groups and all staff, trusts and each area level above them (region,
trust type, England), and, through published rates, the latent event counts of indicators
3 and 4 and the respondent and answer counts of the survey indicators. A sensitive cell
(`is_sensitive`: a count of 1-7, a figure from fewer than 11 respondents, or a withheld
value built from one) is protected when some non-zero vector `v` satisfies every relation
with `v` zero on every cell a reader knows and non-zero on the sensitive cell: the published
values then fit an unknown shift of the hidden ones along `v`.

For each sensitive cell, in a fixed order, this module hides the cheapest such vector's
support, built as a product of one small null vector per dimension (the hypercube method of
tau-ARGUS and sdcTable, exact for these hierarchies):
- parts: two ethnicity groups (`+1, -1`), or a group and the total (`+1, +1`);
- breakdowns: two bands of a staff group, two bands of different staff groups with their
  staff-group totals, or a band with its staff group and all staff;
- areas: two trusts, with the area totals of every level at which they differ (England is
  never hidden, and the two trusts' `+1` and `-1` cancel there).
Hiding more never unprotects a cell, so one pass suffices. The cost of a cell is its value
(small values preferred); a zero costs more than any count (hiding a zero beside a small
count tells the reader the small count's bound), and a cell a reader already knows cannot
protect: England and a value the previous release of the year published whose inputs have not
changed since (no trust it is built from has a published value that changed). A withheld trust's
values are hidden but may be derivable from area totals; nothing here assumes they stay
hidden: a null vector through them shifts them too, so it proves them undetermined as well.
Cells the previous release hid stay hidden, so a republished year changes its pattern only
where its new figures force it and the same inputs give the same release.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

SECONDARY = "secondary"
KEY = ["wres_year", "indicator", "level", "area_code", "breakdown", "measure"]
PARTS = ("white", "bme", "unknown", "total")
AREA_LEVELS = ("region", "icb", "trust_type")
SURVEY_INDICATORS = (5, 6, 7, 8)
RATE_INDICATORS = (2, 3, 4)
EVENT_INDICATORS = (3, 4)
BLOCKED = 10**12          # a cell that cannot be hidden to protect another
ZERO = 10**7              # a zero: only when no count will do


@dataclass
class Table:
    """The measures in canonical order with the flags suppression works on."""

    frame: pd.DataFrame
    hidden: np.ndarray
    blocked: np.ndarray
    sensitive: np.ndarray
    secondary: np.ndarray

    def hide(self, rows: np.ndarray) -> None:
        rows = rows[rows >= 0]
        new = rows[~self.hidden[rows]]
        self.hidden[new] = True
        self.secondary[new] = True

    def cost(self, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Cost of hiding each row (-1: no such cell, known to be empty)."""
        cost = np.where(values == 0, ZERO, np.maximum(np.nan_to_num(values), 1).round().astype(np.int64))
        cost = np.where(self.hidden[rows], 0, cost)
        cost = np.where(self.blocked[rows], BLOCKED, cost)
        return np.where(rows < 0, BLOCKED, cost)


def canonical(measures: pd.DataFrame) -> pd.DataFrame:
    return measures.sort_values(KEY, kind="mergesort").reset_index(drop=True)


def changed_areas(current: pd.DataFrame, before: np.ndarray, trust_areas: pd.DataFrame) -> set[tuple[str, str]]:
    """(level, area) whose inputs changed since the previous release: the trusts with a value that
    release published and that differs now, and every area holding one of them."""
    now = current["value"].to_numpy(dtype=float)
    differs = ~np.isnan(before) & ((now != before) | np.isnan(now))
    trusts = set(current.loc[differs & (current["level"] == "trust").to_numpy(), "area_code"])
    changed = {("trust", t) for t in trusts}
    for level in AREA_LEVELS:
        if level in trust_areas:
            changed |= {(level, a) for a in trust_areas.loc[trust_areas["org_code"].isin(trusts), level].dropna()}
    if trusts:
        changed.add(("england", "ENG"))
    return changed


def tied_by_declaration_rate(frame: pd.DataFrame) -> np.ndarray:
    """A withheld trust's all-staff unknown and total headcounts, where its declaration rate stays
    published: the rate ties them (unknown = (1 - rate) x total) and the total may be derived from
    area totals, so a null vector that moves them independently proves nothing."""
    trust = frame["level"] == "trust"
    rate = frame[trust & (frame["measure"] == "declaration_rate") & frame["suppression_reason"].isna()]
    withheld = frame[trust & (frame["suppression_reason"] == "declaration<80%")]
    tied = set(zip(rate["wres_year"], rate["area_code"])) & set(zip(withheld["wres_year"], withheld["area_code"]))
    keys = zip(frame["wres_year"].tolist(), frame["area_code"].tolist())
    return np.array([k in tied for k in keys], dtype=bool) & (trust & (frame["indicator"] == 1)
                                                               & (frame["breakdown"] == "all")
                                                               & frame["measure"].isin(["headcount_unknown",
                                                                                        "headcount_total"])).to_numpy()


def prepare(measures: pd.DataFrame, previous: pd.DataFrame | None, trust_areas: pd.DataFrame) -> Table:
    frame = canonical(measures)
    reason = frame["suppression_reason"]
    hidden = reason.notna().to_numpy().copy()
    sensitive = np.array(frame["is_sensitive"].fillna(False).astype(bool).to_numpy() & hidden)
    blocked = np.array(frame["level"] == "england")
    blocked |= tied_by_declaration_rate(frame)
    secondary = np.zeros(len(frame), dtype=bool)
    if previous is not None and not previous.empty:
        known = frame[KEY + ["value"]].merge(previous[KEY + ["value"]], on=KEY, how="left",
                                             suffixes=("", "_before"), indicator=True)
        was_there = (known["_merge"] == "both").to_numpy()
        before = known["value_before"].to_numpy(dtype=float)
        now = known["value"].to_numpy(dtype=float)
        changed = set()
        for year, rows in known.groupby("wres_year", sort=True):
            changed |= {(year, *area) for area in
                        changed_areas(rows, before[rows.index], trust_areas[trust_areas["wres_year"] == year])}
        unchanged = np.array([(y, lv, ac) not in changed for y, lv, ac in
                              zip(known["wres_year"].tolist(), known["level"].tolist(), known["area_code"].tolist())])
        # Published before, same value, inputs unchanged: readers have it whatever this release does.
        published_before = was_there & ~np.isnan(before) & (before == now) & unchanged
        hidden_before = was_there & np.isnan(before) & ~np.isnan(now)
        blocked |= published_before & ~hidden
        sticky = hidden_before & ~hidden
        hidden |= sticky
        secondary |= sticky
    return Table(frame, hidden, blocked, sensitive, secondary)


class Areas:
    """The areas of one year and the null vectors of the area dimension."""

    def __init__(self, codes: pd.DataFrame, trust_areas: pd.DataFrame):
        codes = codes.drop_duplicates().sort_values(["level", "area_code"]).reset_index(drop=True)
        self.codes = codes
        self.index = {(lv, ac): i for i, (lv, ac) in enumerate(zip(codes["level"], codes["area_code"]))}
        self.size = len(codes)
        trusts = codes[codes["level"] == "trust"]["area_code"].tolist()
        self.trusts = np.array([self.index[("trust", t)] for t in trusts], dtype=np.int64)
        by_trust = trust_areas.drop_duplicates("org_code").set_index("org_code")
        self.levels = [lv for lv in AREA_LEVELS if lv in by_trust.columns]
        self.parent = {}
        for level in self.levels:
            column = by_trust[level].reindex(trusts)
            self.parent[level] = np.array([self.index.get((level, code), -1) if isinstance(code, str) else -1
                                           for code in column], dtype=np.int64)

    def option_matrix(self, options: np.ndarray):
        """Options as a sparse (options x areas) 0/1 matrix; the padding column `size` is dropped."""
        rows = np.repeat(np.arange(len(options)), options.shape[1])
        columns = options.ravel()
        keep = columns >= 0
        return sparse.csr_matrix((np.ones(keep.sum()), (rows[keep], columns[keep])),
                                 shape=(len(options), self.size + 1))

    def options(self, area: int) -> np.ndarray:
        """Supports of the small area null vectors through `area`: rows of area indexes, -1 padded."""
        level = self.codes.at[area, "level"]
        n = len(self.trusts)
        if level == "trust":
            position = int(np.flatnonzero(self.trusts == area)[0])
            first = np.full(n, position)
            second = np.arange(n)
            keep = second != position
            first, second = first[keep], second[keep]
        elif level in self.parent:
            inside = np.flatnonzero(self.parent[level] == area)
            outside = np.flatnonzero(self.parent[level] != area)
            first = np.repeat(inside, len(outside))
            second = np.tile(outside, len(inside))
        else:
            return np.empty((0, 2), dtype=np.int64)
        columns = [self.trusts[first], self.trusts[second]]
        for lv in self.levels:
            a, b = self.parent[lv][first], self.parent[lv][second]
            differ = a != b
            columns += [np.where(differ, a, -1), np.where(differ, b, -1)]
        return np.stack(columns, axis=1)


def _cheapest_area_option(options: np.ndarray, area_cost: np.ndarray) -> tuple[int, int]:
    """(row of `options`, cost) minimising the summed cost; area_cost has a trailing 0 for padding."""
    totals = area_cost[options].sum(axis=1)
    best = int(np.argmin(totals))
    return best, int(totals[best])


# --- indicator 1: areas x breakdowns x ethnicity parts ----------------------------------------

def _part_options(part: int) -> list[list[int]]:
    total = PARTS.index("total")
    if part == total:
        return [[total, q] for q in range(3)]
    return [[part, q] for q in range(3) if q != part] + [[part, total]]


def _breakdown_options(breakdown: str, names: list[str]) -> list[list[int]]:
    index = {b: i for i, b in enumerate(names)}
    groups: dict[str, list[str]] = {}
    for b in names:
        if "|" in b and not b.endswith("|all"):
            groups.setdefault(b.split("|", 1)[0], []).append(b)
    total = lambda g: index.get(f"{g}|all", -1)  # noqa: E731
    everything = index.get("all", -1)
    options = []
    if breakdown == "all":
        for g, bands in groups.items():
            options += [[everything, total(g), index[b]] for b in bands]
    elif breakdown.endswith("|all"):
        group = breakdown.split("|", 1)[0]
        for b in groups.get(group, []):
            options.append([total(group), index[b], everything])
            for other, bands in groups.items():
                if other != group:
                    options += [[total(group), index[b], total(other), index[c]] for c in bands]
    else:
        group = breakdown.split("|", 1)[0]
        me = index[breakdown]
        options += [[me, index[c]] for c in groups[group] if c != breakdown]
        for other, bands in groups.items():
            if other != group:
                options += [[me, total(group), index[c], total(other)] for c in bands]
        options.append([me, total(group), everything])
    return options


def _indicator(n: int, options: list[list[int]]) -> np.ndarray:
    matrix = np.zeros((len(options), n), dtype=np.int64)
    for k, option in enumerate(options):
        for i in option:
            if i >= 0:
                matrix[k, i] = 1
    return matrix


def protect_headcounts(table: Table, year_rows: pd.DataFrame, areas: Areas) -> None:
    cells = year_rows[(year_rows["indicator"] == 1) & year_rows["measure"].str.startswith("headcount_")]
    if cells.empty:
        return
    names = sorted(cells["breakdown"].unique())
    b_index = {b: i for i, b in enumerate(names)}
    grid = np.full((areas.size, len(names), len(PARTS)), -1, dtype=np.int64)
    a = np.array([areas.index[k] for k in zip(cells["level"], cells["area_code"])], dtype=np.int64)
    b = cells["breakdown"].map(b_index).to_numpy()
    p = cells["measure"].str.removeprefix("headcount_").map({q: i for i, q in enumerate(PARTS)}).to_numpy()
    grid[a, b, p] = cells.index.to_numpy()
    values = np.zeros(grid.shape)
    values[a, b, p] = cells["value"].to_numpy(dtype=float)
    part_matrices = {q: _indicator(len(PARTS), _part_options(q)).astype(float) for q in range(len(PARTS))}
    part_options = {q: _part_options(q) for q in range(len(PARTS))}
    breakdown_cache: dict[int, tuple[list[list[int]], np.ndarray]] = {}
    area_cache: dict[int, tuple] = {}
    present = grid >= 0
    # Costs as floats (exact for these integers) so the contractions below run as matrix products;
    # kept up to date as cells are hidden rather than recomputed.
    cost = np.full(grid.shape, float(BLOCKED))
    cost[present] = table.cost(grid[present], values[present]).astype(float)

    sensitive = np.argwhere(present & table.sensitive[grid.clip(min=0)])
    # One (breakdown, part) at a time: the cost of each (area, breakdown option, part option)
    # is computed once as matrix products and then kept current as cells are hidden.
    order = np.lexsort((sensitive[:, 0], sensitive[:, 2], sensitive[:, 1]))
    slab_of: tuple[int, int] | None = None
    for a0, b0, p0 in sensitive[order].tolist():
        if b0 not in breakdown_cache:
            options = _breakdown_options(names[b0], names)
            breakdown_cache[b0] = (options, _indicator(len(names), options).astype(float))
        b_options, b_matrix = breakdown_cache[b0]
        if a0 not in area_cache:
            options = areas.options(a0)
            area_cache[a0] = (options, areas.option_matrix(options))
        a_options, a_matrix = area_cache[a0]
        if not len(b_options) or not len(a_options):
            continue
        p_matrix = part_matrices[p0]
        if slab_of != (b0, p0):
            by_part = cost @ p_matrix.T                                                 # (areas, breakdowns, P)
            slab = (b_matrix @ np.moveaxis(by_part, 1, 0).reshape(len(names), -1)).reshape(len(b_options), areas.size, -1)
            padded = np.concatenate([slab.transpose(1, 0, 2), np.zeros((1, len(b_options), p_matrix.shape[0]))])
            slab_of = (b0, p0)
        totals = (a_matrix @ padded.reshape(len(padded), -1)).reshape(len(a_options), *padded.shape[1:])
        k = int(np.argmin(totals))
        ia, ib, ip = np.unravel_index(k, totals.shape)
        if totals[ia, ib, ip] >= BLOCKED or totals[ia, ib, ip] == 0:
            continue  # nothing can protect it (the audit reports it), or it is protected already
        support_a = [x for x in a_options[ia] if x >= 0]
        support_b = [x for x in b_options[ib] if x >= 0]
        block = np.ix_(support_a, support_b, part_options[p0][ip])
        rows = grid[block]
        table.hide(rows.ravel())
        new_cost = np.where(rows >= 0, np.where(table.blocked[rows.clip(min=0)], BLOCKED, 0.0), BLOCKED)
        delta = new_cost - cost[block]
        cost[block] = new_cost
        for (i, j, q), d in np.ndenumerate(delta):
            if d:
                padded[support_a[i]] += d * np.outer(b_matrix[:, support_b[j]], p_matrix[:, part_options[p0][ip][q]])


# --- one-dimensional families: rates of indicators 2-4, survey groups ----------------------

def protect_area_family(table: Table, units: pd.DataFrame, areas: Areas) -> None:
    """Protect sensitive units (one row id per area in column `row`, `cost_value`) along areas only.

    `units` has one row per area of one family (for example indicator 3, BME) with `row` the
    cell that stands for the unit, `rows` every cell hidden with it, and `cost_value`.
    """
    if units.empty:
        return
    area = np.array([areas.index[k] for k in zip(units["level"], units["area_code"])], dtype=np.int64)
    row_of_area = np.full(areas.size, -1, dtype=np.int64)
    row_of_area[area] = units["row"].to_numpy()
    value_of_area = np.zeros(areas.size)
    value_of_area[area] = units["cost_value"].to_numpy(dtype=float)
    members = dict(zip(units["row"], units["rows"]))
    for a0 in np.flatnonzero((row_of_area >= 0) & table.sensitive[row_of_area.clip(min=0)]).tolist():
        cost = np.append(table.cost(row_of_area.clip(min=0), value_of_area), 0)
        cost[:-1][row_of_area < 0] = BLOCKED
        options = areas.options(a0)
        if not len(options):
            continue
        best, total = _cheapest_area_option(options, cost)
        if total >= BLOCKED:
            continue
        for a in options[best]:
            if a >= 0 and row_of_area[a] >= 0:
                table.hide(np.asarray(members[row_of_area[a]], dtype=np.int64))


def _units(year_rows: pd.DataFrame, indicator: int, group: str) -> pd.DataFrame:
    rows = year_rows[year_rows["indicator"] == indicator]
    if indicator in SURVEY_INDICATORS:
        anchor = rows[rows["measure"] == f"respondents_{group}"]
        cost_value = anchor["value"]
        together = rows["measure"].isin([f"respondents_{group}", f"pct_{group}", f"pct_{group}_legacy"])
    else:
        anchor = rows[rows["measure"] == f"rate_{group}"]
        cost_value = anchor["value"]
        together = rows["measure"] == f"rate_{group}"
    members = rows[together]
    grouped = members.groupby(["level", "area_code"], sort=False).indices
    index = members.index.to_numpy()
    units = anchor[["level", "area_code"]].assign(row=anchor.index.to_numpy(), cost_value=cost_value.to_numpy())
    units["rows"] = [index[grouped[(lv, ac)]] if (lv, ac) in grouped else np.array([r]) for lv, ac, r in
                     zip(units["level"].tolist(), units["area_code"].tolist(), units["row"].tolist())]
    return units.reset_index(drop=True)


def _sensitive_unit_members(table: Table, units: pd.DataFrame) -> None:
    """A unit is sensitive when any of its cells is; all its cells are hidden together."""
    for rows in units["rows"]:
        if table.sensitive[rows].any():
            table.sensitive[rows] = True
            table.hide(np.asarray(rows))


# --- cells derived from others --------------------------------------------------------------

def hidden_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """(wres_year, level, area_code, indicator) of the hidden white or BME rates of indicators 2-4 in
    measures with their `suppression_reason` (null: published): what the next year's two-year rolling
    rate must not give back."""
    rates = (frame["indicator"].isin(RATE_INDICATORS) & frame["measure"].isin(["rate_white", "rate_bme"])
             & frame["suppression_reason"].notna())
    return frame.loc[rates, ["wres_year", "level", "area_code", "indicator"]].drop_duplicates()


def hide_derived(table: Table, hidden_rates_before: pd.DataFrame | None = None) -> None:
    """Hide the values computed from hidden ones, so that no published value gives them back.
    `hidden_rates_before`: `hidden_rates` of the year before, when it is not among the measures."""
    f = table.frame
    hidden = pd.Series(table.hidden, index=f.index)
    disclosure_hidden = hidden & (f["suppression_reason"] != "declaration<80%")
    area = ["wres_year", "level", "area_code"]

    def lookup(mask: pd.Series, keys: list[str], measure_filter: pd.Series) -> pd.Series:
        found = f[measure_filter & mask][keys].drop_duplicates().assign(_hit=True)
        return f[keys].merge(found, on=keys, how="left")["_hit"].fillna(False).astype(bool).set_axis(f.index)

    one = f["indicator"] == 1
    # Indicator 1 percentages: hidden with their count or their total.
    part_or_total = lookup(hidden, area + ["breakdown"], one & (f["measure"] == "headcount_total"))
    for part in PARTS[:3]:
        own = lookup(hidden, area + ["breakdown"], one & (f["measure"] == f"headcount_{part}"))
        table.hide(np.flatnonzero((one & (f["measure"] == f"pct_{part}") & (own | part_or_total)).to_numpy()))
    all_staff = one & (f["breakdown"] == "all")
    unknown_or_total = lookup(disclosure_hidden, area, all_staff & f["measure"].isin(["headcount_unknown",
                                                                                     "headcount_total"]))
    table.hide(np.flatnonzero((one & (f["measure"] == "declaration_rate") & unknown_or_total).to_numpy()))
    bme_or_total = lookup(disclosure_hidden, area, all_staff & f["measure"].isin(["headcount_bme", "headcount_total"]))
    table.hide(np.flatnonzero(((f["indicator"] == 9) & f["measure"].isin(["pct_bme_workforce", "gap_pp"])
                               & bme_or_total).to_numpy()))
    # Disparity ratios: hidden when a white or BME band count of their staff group is.
    group = f["breakdown"].str.split("|", n=1).str[0]
    banded = one & f["breakdown"].str.contains("|", regex=False) & f["measure"].isin(["headcount_white",
                                                                                       "headcount_bme"])
    hit = f.assign(staff_group=group)[banded & disclosure_hidden][area + ["staff_group"]].drop_duplicates()
    ratio = one & f["measure"].str.startswith("disparity_")
    ratio_hidden = f.assign(staff_group=f["breakdown"])[area + ["staff_group"]].merge(
        hit.assign(_hit=True), on=area + ["staff_group"], how="left")["_hit"].fillna(False).astype(bool).to_numpy()
    table.hide(np.flatnonzero(ratio.to_numpy() & ratio_hidden))
    # Relative likelihoods and intervals: hidden with either rate (this year's, or last year's
    # for the two-year rolling rate published before the year-end method).
    rates = f["indicator"].isin(RATE_INDICATORS) & f["measure"].isin(["rate_white", "rate_bme"])
    either = lookup(pd.Series(table.hidden, index=f.index), area + ["indicator"], rates)
    derived = f["indicator"].isin(RATE_INDICATORS) & f["measure"].isin(
        ["relative_likelihood", "ci_lower", "ci_upper", "relative_likelihood_as_published"])
    table.hide(np.flatnonzero((derived & either).to_numpy()))
    last_year = f[rates & pd.Series(table.hidden, index=f.index)][area + ["indicator"]]
    if hidden_rates_before is not None and not hidden_rates_before.empty:
        last_year = pd.concat([last_year, hidden_rates_before[area + ["indicator"]]])
    last_year = last_year.drop_duplicates()
    last_year = last_year.assign(wres_year=last_year["wres_year"] + 1, _hit=True)
    rolling = f[area + ["indicator"]].merge(last_year, on=area + ["indicator"], how="left")["_hit"]
    table.hide(np.flatnonzero(((f["measure"] == "relative_likelihood_as_published").to_numpy()
                               & rolling.fillna(False).astype(bool).to_numpy())))


def couple_rates_to_headcounts(table: Table) -> None:
    """A rate of indicator 3 or 4 times its published headcount gives the event count: where
    secondary suppression hides a trust's white or BME headcount, its rate is hidden too."""
    f = table.frame
    base = f[(f["indicator"] == 1) & (f["breakdown"] == "all") & f["measure"].isin(["headcount_white", "headcount_bme"])]
    hit = base[table.hidden[base.index] & (base["suppression_reason"] != "declaration<80%").to_numpy()]
    hit = hit.assign(measure=hit["measure"].str.replace("headcount_", "rate_"), _hit=True)[
        ["wres_year", "level", "area_code", "measure", "_hit"]]
    rows = f[f["indicator"].isin([3, 4])][["wres_year", "level", "area_code", "measure"]]
    matched = rows.merge(hit, on=["wres_year", "level", "area_code", "measure"], how="left")["_hit"]
    table.hide(rows.index.to_numpy()[matched.fillna(False).astype(bool).to_numpy()])


def apply_secondary_suppression(measures: pd.DataFrame, trust_areas: pd.DataFrame,
                                previous: pd.DataFrame | None = None,
                                hidden_rates_before: pd.DataFrame | None = None) -> pd.DataFrame:
    """The measures, in canonical order, with `suppression_reason` 'secondary' where they must be hidden too.

    `measures` has the columns of int_indicator_measures_reasoned (`suppression_reason` holding
    the primary reasons, `is_sensitive`); `trust_areas` has wres_year, org_code and a column per
    area level (region, trust_type, icb where known); `previous` the cells of the releases
    published before (KEY and value, null where they were hidden); `hidden_rates_before` the
    `hidden_rates` of years before those of `measures` (the years are otherwise independent, so they
    can be suppressed one at a time, each given the hidden rates of the year before).
    """
    table = prepare(measures, previous, trust_areas)
    f = table.frame
    years = {year: f[f["wres_year"] == year] for year in sorted(f["wres_year"].unique())}
    areas_of = {year: Areas(rows[["level", "area_code"]], trust_areas[trust_areas["wres_year"] == year])
                for year, rows in years.items()}
    for year, year_rows in years.items():
        protect_headcounts(table, year_rows, areas_of[year])
    couple_rates_to_headcounts(table)
    for year, year_rows in years.items():
        areas = areas_of[year]
        # Indicator 2 publishes neither appointments nor shortlisted, only their ratios: a hidden
        # rate leaves two unknowns per trust that no sum pins down (the audit checks it), so only
        # the event counts of indicators 3 and 4, whose bases are published, need partners.
        for indicator in (*EVENT_INDICATORS, *SURVEY_INDICATORS):
            for group in ("white", "bme"):
                units = _units(year_rows, indicator, group)
                if indicator in SURVEY_INDICATORS:
                    _sensitive_unit_members(table, units)
                protect_area_family(table, units, areas)
    hide_derived(table, hidden_rates_before)
    out = f.copy()
    out.loc[table.secondary & out["suppression_reason"].isna().to_numpy(), "suppression_reason"] = SECONDARY
    return out


def suppress_year_by_year(years: list[int], load_year, previous: pd.DataFrame | None = None,
                          hidden_rates_before: pd.DataFrame | None = None) -> pd.DataFrame:
    """`apply_secondary_suppression` of `years` one at a time, in order, so that memory holds one
    year's frames. `load_year(year)` gives that year's (measures, trust_areas); `previous` the cells
    published before (any years); `hidden_rates_before` the `hidden_rates` of years that are not
    rebuilt (the one before each built year is used). The result equals one call on every year."""
    built: dict[int, pd.DataFrame] = {}  # the hidden rates of each year built here
    results = []
    for year in sorted(years):
        measures, trust_areas = load_year(year)
        published = None if previous is None else previous[previous["wres_year"] == year]
        # The year before as just built, not its stored rows, when it is built too.
        before = built.get(year - 1)
        if before is None and hidden_rates_before is not None:
            before = hidden_rates_before[hidden_rates_before["wres_year"] == year - 1]
        result = apply_secondary_suppression(measures, trust_areas, published, before)
        results.append(result)
        built[year] = hidden_rates(result)
    return pd.concat(results, ignore_index=True) if results else pd.DataFrame()
