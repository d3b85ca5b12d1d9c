"""Secondary suppression: hide further cells until every sensitive cell is protected.

The standard (docs/METHODOLOGY.md, "Disclosure control"): a sensitive cell (`is_sensitive`: a
white, BME or total count of 1-7, a survey group under 11 respondents, or a withheld value built
from one) is protected when its feasibility interval, given everything published, reaches 0 below
and the threshold T above (8 for counts, 11 for respondents). "Not determined exactly" is not
enough: [0, 2] tells a reader the count is tiny.

For each sensitive count, in a fixed order, this module finds a *move*: a vector `d` of +1 and -1
over hidden cells that keeps every relation a release publishes (the hypercube of tau-ARGUS and
sdcTable, a product of one small null vector per dimension, exact for these hierarchies):
- parts: two ethnicity groups (`+1, -1`), or a group and the total (`+1, +1`);
- breakdowns: two bands of a staff group, two bands of different staff groups with their
  staff-group totals, or a band with its staff group and all staff;
- areas: two trusts, with the area totals of every level at which they differ (England is
  never hidden, and the two trusts' `+1` and `-1` cancel there), or four trusts that shift no
  area total (`Areas.cycles`), tried when every two-trust move costs a headline figure.
Where every such move (or combination of moves) would hide a region's, ICB's or trust type's
disparity ratio, a linear program finds the cell's two ends directly, keeping every area's ratios
(`wres.disclosure.programs`: a senior-band 1 in a trust with few BME staff in its other senior bands).
Every cell the move shifts other than the target is at least m = max(v0, T - v0), where v0 is the
target's value: along `x + t d` for t in [-v0, T - v0] nothing goes negative, so the target reaches
both 0 and T while every published relation holds. That move is the cell's *protection
certificate*, written beside it for the gate's audit to check against its own relations; the
move's cells are hidden (`secondary`). A published zero, or any cell below m, cannot be a partner.

Costs are tiers (METHODOLOGY.md): any number of a trust's detail cells (tier 3) before one cell of
a region, ICB or trust type (tier 2), any of those before one headline figure (tier 1: indicator 1's
all-staff row, the race disparity ratios, and what hiding a partner would take with it: a trust's
relative likelihood, a survey percentage); within a tier, fewer cells, then smaller values. A
region's, ICB's or trust type's headline figure costs `AREA_HEADLINE`, more than any move's worth
of trusts'. A move that changes a band group's white or BME sum (lower, middle, upper) would hide
the race disparity ratios built from it, so it costs a tier-1 figure for each such ratio not
already lost (`Ratios`); moves between bands of one band group leave the ratios published.

A cell a reader already knows cannot be a partner: England, a value the previous release of the
year published whose inputs have not changed since (no trust it is built from has a published
value that changed), and a withheld trust's values, which area totals may give away (the
protection must not rely on them). Nor may any move, not even the best-effort move of a cell that
cannot be certified, change the band-group sums of a disparity ratio the previous release published:
a reader has the ratio, so hiding it would protect nothing. Cells the previous release hid stay
hidden, so a republished year changes its pattern only where its new figures force it and the same
inputs give the same release.
"""

from __future__ import annotations

import json
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from wres.disclosure.programs import End, GroupProgram
from wres.processes import Workers
from wres.vocabulary import BAND_GROUPS, DISPARITY_RATIOS, HEADCOUNT_PARTS

SECONDARY = "secondary"
KEY = ["wres_year", "indicator", "level", "area_code", "breakdown", "measure"]
PARTS = HEADCOUNT_PARTS
AREA_LEVELS = ("region", "icb", "trust_type")
SURVEY_INDICATORS = (5, 6, 7, 8)
RATE_INDICATORS = (2, 3, 4)
EVENT_INDICATORS = (3, 4)
BAND_LEVELS = BAND_GROUPS
DISPARITY = DISPARITY_RATIOS
# Costs: one cell of a tier outweighs any hypercube's worth (at most 64 cells) of the tier below.
VALUE_CAP = 10**6 - 1
TIER_WEIGHT = {1: 10**12, 2: 10**9, 3: 10**6}
WEIGHT_OF_TIER = np.array([0, *TIER_WEIGHT.values()], dtype=np.int64)
# A region's, ICB's or trust type's headline figure outweighs any move's worth of trusts' headline figures.
AREA_HEADLINE = 100 * TIER_WEIGHT[1]
ZERO = 10**14             # a zero: only when nothing else keeps a cell from being determined
BLOCKED = 10**17          # a cell that cannot be a partner


@dataclass(frozen=True)
class Thresholds:
    """The top of the interval a sensitive cell must reach: counts, survey respondents."""

    count: int = 8
    respondents: int = 11


def bounds(v0: float, threshold: int) -> dict[int, float]:
    """The least value a cell moved with a target of value v0 may have, by its sign relative to the
    target: along t in [-v0, T - v0] a cell moved the same way drops by v0, one moved the other way by
    T - v0."""
    return {1: float(v0), -1: float(threshold - v0)}


def tiers(frame: pd.DataFrame) -> np.ndarray:
    """1: a headline figure; 2: another cell of a region, ICB or trust type; 3: a trust's detail cell."""
    ind, measure = frame["indicator"], frame["measure"]
    headline = (((ind == 1) & ((frame["breakdown"] == "all") | measure.str.startswith("disparity_")))
                | (ind.isin(RATE_INDICATORS) & (measure == "relative_likelihood"))
                | (ind.isin(SURVEY_INDICATORS) & measure.isin(["pct_white", "pct_bme"]))
                | ((ind == 9) & (measure == "gap_pp")))
    return np.where(headline, 1, np.where(frame["level"] == "trust", 3, 2)).astype(np.int64)


@dataclass
class Table:
    """The measures in canonical order with the flags suppression works on."""

    frame: pd.DataFrame
    hidden: np.ndarray
    blocked: np.ndarray
    sensitive: np.ndarray
    secondary: np.ndarray
    tier: np.ndarray = field(default=None)
    certificates: dict[int, dict] = field(default_factory=dict)   # target row -> its moves and steps
    uncertified: list[list[tuple[int, int]]] = field(default_factory=list)  # moves short of the standard
    recent: list[list[tuple[int, int]]] = field(default_factory=list)       # moves not yet looked at

    def __post_init__(self):
        if self.tier is None:
            self.tier = tiers(self.frame)
        self.value = self.frame["value"].to_numpy(dtype=float)
        area = (self.frame["level"] != "trust").to_numpy()
        self.weight = np.where((self.tier == 1) & area, AREA_HEADLINE, WEIGHT_OF_TIER[self.tier])
        # A withheld trust's values may be given away by area totals: no protection may rest on them.
        self.withheld = (self.frame["suppression_reason"] == "declaration<80%").to_numpy()
        self.known = self.blocked.copy()   # what a reader has whatever this release does
        self.blocked |= self.withheld

    def hide(self, rows: np.ndarray) -> None:
        rows = rows[rows >= 0]
        new = rows[~self.hidden[rows]]
        self.hidden[new] = True
        self.secondary[new] = True

    def base_cost(self, rows: np.ndarray) -> np.ndarray:
        """Cost of hiding each row before any bound: 0 when hidden, BLOCKED when it cannot be a partner
        (-1: no such cell)."""
        r = rows.clip(min=0)
        cost = self.weight[r] + np.minimum(np.nan_to_num(self.value[r]), VALUE_CAP).round().astype(np.int64)
        cost = np.where(self.hidden[r], 0, cost)
        cost = np.where(self.blocked[r] | np.isnan(self.value[r]), BLOCKED, cost)
        return np.where(rows < 0, BLOCKED, cost)

    def protect(self, target: int, moves: list[list[tuple[int, int]]], threshold: int,
                down: list[float], up: list[float]) -> None:
        """Record the target's certificate and hide the cells it moves: moves (lists of (row, delta))
        and the steps along each that take the target down to 0 (`down`) and up to T (`up`)."""
        self.certificates[target] = {"threshold": int(threshold), "moves": [sorted(m) for m in moves],
                                     "down": [float(t) for t in down], "up": [float(t) for t in up]}
        self.recent += moves
        self.hide(np.array([r for m in moves for r, _ in m], dtype=np.int64))

    def hide_uncertified(self, move: list[tuple[int, int]]) -> None:
        """Hide a move that falls short of the standard (the audit reports its target)."""
        self.uncertified.append(move)
        self.recent.append(move)
        self.hide(np.array([r for r, _ in move], dtype=np.int64))

    @property
    def moves(self) -> list[list[tuple[int, int]]]:
        return [m for c in self.certificates.values() for m in c["moves"]] + self.uncertified


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


def prepare(measures: pd.DataFrame, previous: pd.DataFrame | None, trust_areas: pd.DataFrame) -> Table:
    frame = canonical(measures)
    reason = frame["suppression_reason"]
    hidden = reason.notna().to_numpy().copy()
    sensitive = np.array(frame["is_sensitive"].fillna(False).astype(bool).to_numpy() & hidden)
    blocked = np.array(frame["level"] == "england")
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
        """Supports of the small area null vectors through `area`: rows of area indexes, -1 padded.
        Columns alternate in sign: the first trust and its areas +1, the second trust and its areas -1."""
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

    def cycles(self, area: int, width: int) -> np.ndarray:
        """Moves of four trusts that shift no area at all, for a trust `area` (A): A +1 and D -1 in the
        same ICB (so the same region), B -1 of A's trust type in another ICB, C +1 of D's type in B's
        ICB. Every area sum is kept, so none of the areas' figures has to be hidden. Rows as in
        `options` (A, B, C, D alternate in sign), -1 padded to `width`."""
        if self.codes.at[area, "level"] != "trust" or "trust_type" not in self.levels:
            return np.empty((0, width), dtype=np.int64)
        places = [lv for lv in self.levels if lv != "trust_type"]
        place = np.stack([self.parent[lv] for lv in places], axis=1) if places else \
            np.zeros((len(self.trusts), 1), dtype=np.int64)
        kind = self.parent["trust_type"]
        a = int(np.flatnonzero(self.trusts == area)[0])
        if kind[a] < 0 or (place[a] < 0).any():
            return np.empty((0, width), dtype=np.int64)
        n = np.arange(len(self.trusts))
        same_place = (place == place[a]).all(axis=1)
        ds = n[same_place & (n != a) & (kind >= 0)]
        bs = n[(kind == kind[a]) & ~same_place & (place >= 0).all(axis=1)]
        rows = []
        for b in bs.tolist():
            at_b = n[(place == place[b]).all(axis=1) & (n != b)]
            for d in ds.tolist():
                rows += [(a, b, c, d) for c in at_b[kind[at_b] == kind[d]].tolist()]
        if not rows:
            return np.empty((0, width), dtype=np.int64)
        moves = self.trusts[np.array(rows, dtype=np.int64)]
        return np.concatenate([moves, np.full((len(moves), width - 4), -1, dtype=np.int64)], axis=1)


def area_signs(width: int) -> np.ndarray:
    return np.where(np.arange(width) % 2 == 0, 1, -1)


# --- indicator 1: areas x breakdowns x ethnicity parts ----------------------------------------

def _part_options(part: int) -> list[list[tuple[int, int]]]:
    """(part, sign) lists: a group with another group (+1, -1) or with the total (+1, +1)."""
    total = PARTS.index("total")
    if part == total:
        return [[(total, 1), (q, 1)] for q in range(3)]
    return [[(part, 1), (q, -1)] for q in range(3) if q != part] + [[(part, 1), (total, 1)]]


def _breakdown_options(breakdown: str, names: list[str]) -> list[list[tuple[int, int]]]:
    """(breakdown, sign) lists of the small null vectors through `breakdown` (-1: no such row)."""
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
            options += [[(everything, 1), (total(g), 1), (index[b], 1)] for b in bands]
    elif breakdown.endswith("|all"):
        group = breakdown.split("|", 1)[0]
        for b in groups.get(group, []):
            options.append([(total(group), 1), (index[b], 1), (everything, 1)])
            for other, bands in groups.items():
                if other != group:
                    options += [[(total(group), 1), (index[b], 1), (total(other), -1), (index[c], -1)]
                                for c in bands]
    else:
        group = breakdown.split("|", 1)[0]
        me = index[breakdown]
        options += [[(me, 1), (index[c], -1)] for c in groups[group] if c != breakdown]
        for other, bands in groups.items():
            if other != group:
                options += [[(me, 1), (total(group), 1), (index[c], -1), (total(other), -1)] for c in bands]
        options.append([(me, 1), (total(group), 1), (everything, 1)])
    return options


def _matrices(n: int, options: list[list[tuple[int, int]]]) -> dict[int, np.ndarray]:
    """The options' cells as 0/1 matrices (options x n), one per sign: the cells moved +1, those moved -1."""
    out = {1: np.zeros((len(options), n)), -1: np.zeros((len(options), n))}
    for k, option in enumerate(options):
        for i, sign in option:
            if i >= 0:
                out[sign][k, i] = 1
    return out


class Ratios:
    """Indicator 1's race disparity ratios per area, as suppression goes: which are hidden already
    (for a primary reason, or because a move has changed the band-group sums they compare, so that
    `hide_derived` will hide them), which a reader already has (the previous release of the year
    published them: no move may change them), and what a move costs in ratios not yet hidden: a
    tier-1 figure for each of a trust's, `AREA_HEADLINE` for each of a region's, ICB's or trust type's.
    A move through ratios already hidden costs none, so moves gather where ratios are lost anyway."""

    def __init__(self, table: Table, year_rows: pd.DataFrame, areas: Areas, names: list[str],
                 band_levels: dict[str, str] | None):
        ratios = year_rows[(year_rows["indicator"] == 1) & year_rows["measure"].isin(list(DISPARITY))]
        self.groups = sorted(set(ratios["breakdown"])) if band_levels else []
        self.columns = [(g, m) for g in self.groups for m in DISPARITY]
        column = {c: i for i, c in enumerate(self.columns)}
        self.hidden = np.ones((areas.size + 1, len(self.columns)), dtype=bool)   # no ratio: nothing to lose
        self.known = np.zeros((areas.size + 1, len(self.columns)), dtype=bool)
        for row, level, code, group, measure in zip(ratios.index.tolist(), ratios["level"].tolist(),
                                                    ratios["area_code"].tolist(), ratios["breakdown"].tolist(),
                                                    ratios["measure"].tolist()):
            if (group, measure) in column and (level, code) in areas.index:
                at = (areas.index[(level, code)], column[(group, measure)])
                self.hidden[at] = table.hidden[row]
                self.known[at] = table.known[row] and not table.hidden[row]
        self.weight = np.zeros(areas.size + 1)
        self.weight[:-1] = np.where(areas.codes["level"].to_numpy() == "trust", TIER_WEIGHT[1], AREA_HEADLINE)
        self.band = [(b.split("|", 1)[0], (band_levels or {}).get(b)) for b in names]
        self._by_area: dict[int, tuple] = {}   # per breakdown options' changes, until a ratio is lost

    def changes(self, option: list[tuple[int, int]]) -> np.ndarray:
        """The ratio columns whose band-group sums a breakdown option ((breakdown, sign) list) changes."""
        net: dict[tuple[str, str], int] = {}
        for i, sign in option:
            if i >= 0:
                net[self.band[i]] = net.get(self.band[i], 0) + sign
        moved = {key for key, d in net.items() if d}
        return np.array([any((g, level) in moved for level in DISPARITY[m]) for g, m in self.columns], dtype=bool)

    def cost(self, a_options: np.ndarray, b_changes: np.ndarray) -> np.ndarray:
        """(area options x breakdown options): the ratios a move would newly hide, weighted, and
        BLOCKED where it would change one a reader already has."""
        if id(b_changes) not in self._by_area:
            b = b_changes.T.astype(float)
            self._by_area[id(b_changes)] = (((~self.hidden).astype(float) @ b) * self.weight[:, None],
                                            (self.known.astype(float) @ b) > 0)     # (areas + 1, options)
        open_cost, known_hit = self._by_area[id(b_changes)]
        columns = np.where(a_options >= 0, a_options, len(self.weight) - 1)
        cost = open_cost[columns].sum(axis=1)
        return np.where(known_hit[columns].any(axis=1), cost + float(BLOCKED), cost)

    def mark(self, moves: list[list[tuple[int, int]]], where_of: dict[int, tuple[int, int, int]]) -> None:
        """After moves ((row, delta) lists) are made: the ratios they change are as good as hidden."""
        white_or_bme = {PARTS.index("white"), PARTS.index("bme")}
        for move in moves:
            net: dict[tuple, int] = {}
            for row, delta in move:
                area, bd, part = where_of[row]
                if part in white_or_bme:
                    key = (area, *self.band[bd], part)
                    net[key] = net.get(key, 0) + delta
            for (area, group, level, _), d in net.items():
                if d:
                    for c, (g, m) in enumerate(self.columns):
                        if g == group and level in DISPARITY[m] and not self.hidden[area, c]:
                            self.hidden[area, c] = True
                            self._by_area.clear()


def _signed_slabs(usable: dict[int, np.ndarray], b_matrices: dict, p_matrices: dict) -> dict[int, np.ndarray]:
    """Per sign of the area dimension: (areas + padding, breakdown options, part options), the cost of
    the cells each (breakdown option, part option) moves in one area, each at the bound of the sign
    it ends with (`usable[s]`: BLOCKED where a cell is below the bound of sign s)."""
    # Breakdowns first, so each product below reads its operand without a copy; computed once per
    # distinct array (the two signs often share one).
    transposed = {id(u): np.ascontiguousarray(u.transpose(1, 0, 2)) for u in usable.values()}
    by_part = {(s, sp): transposed[id(usable[s])] @ p_matrices[sp].T for s in (1, -1) for sp in (1, -1)}  # (B, A, P)
    b_sparse = {sb: sparse.csr_matrix(b_matrices[sb]) for sb in (1, -1)}   # two to four breakdowns an option
    slabs: dict[int, np.ndarray] = {}
    done: dict[tuple, np.ndarray] = {}
    for sa in (1, -1):
        key = tuple(id(by_part[(sa * sb * sp, sp)]) for sb in (1, -1) for sp in (1, -1))
        if key not in done:
            total = 0.0
            for sb in (1, -1):
                for sp in (1, -1):
                    x = by_part[(sa * sb * sp, sp)]
                    total = total + b_sparse[sb] @ x.reshape(x.shape[0], -1)
            total = total.reshape(b_sparse[1].shape[0], *x.shape[1:])          # (options, areas, P)
            done[key] = np.concatenate([total.transpose(1, 0, 2), np.zeros((1, *total.shape[::2]))])
        slabs[sa] = done[key]
    return slabs


def _one_area_slab(usable: dict[int, np.ndarray], b_matrices: dict, p_matrices: dict, sa: int) -> np.ndarray:
    """The slab of one area (breakdowns x parts costs per sign) moved with area sign `sa`."""
    return sum(b_matrices[sb] @ usable[sa * sb * sp] @ p_matrices[sp].T for sb in (1, -1) for sp in (1, -1))


def protect_headcounts(table: Table, year_rows: pd.DataFrame, areas: Areas, threshold: int,
                       band_levels: dict[str, str] | None) -> None:
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
    present = grid >= 0
    values = np.full(grid.shape, -1.0)
    values[a, b, p] = np.nan_to_num(cells["value"].to_numpy(dtype=float), nan=-1.0)
    withheld = present & table.withheld[grid.clip(min=0)]
    ratios = Ratios(table, year_rows, areas, names, band_levels)
    part_options = {q: _part_options(q) for q in range(len(PARTS))}
    part_matrices = {q: _matrices(len(PARTS), part_options[q]) for q in range(len(PARTS))}
    # Part options that move the white or BME count (a total moved with the unknown count does not).
    part_moves_groups = {q: np.array([any(PARTS[i] in ("white", "bme") for i, _ in o) for o in part_options[q]],
                                     dtype=float) for q in range(len(PARTS))}
    breakdown_cache: dict[int, tuple] = {}
    area_cache: dict[tuple, tuple] = {}
    programs: dict = {}    # staff group -> its GroupProgram; "tried" -> the last target's certified ends
    # England's own count bounds every part of it: below T, no interval reaches T (the audit reports
    # the cell as unprotectable) and only the hypercube's cheapest move keeps it from being exact.
    england = areas.index.get(("england", "ENG"), areas.size)
    pairs_of: dict[int, np.ndarray] = {}
    # Costs as floats (exact for these integers) so the contractions below run as matrix products;
    # kept current as cells are hidden rather than recomputed.
    cost = np.full(grid.shape, float(BLOCKED))
    cost[present] = table.base_cost(grid[present]).astype(float)

    targets = np.argwhere(present & table.sensitive[grid.clip(min=0)] & (values >= 1) & (values < threshold))
    target_values = np.array([values[tuple(t)] for t in targets])
    # One (breakdown, part, value) at a time: the cost of each (area, breakdown option, part option)
    # is computed once as matrix products and then kept current as cells are hidden.
    order = np.lexsort((targets[:, 0], target_values, targets[:, 2], targets[:, 1])) if len(targets) else []
    slab_of, current = None, (None, None, None, None)
    where_of = {int(row): (i, j, q) for (i, j, q), row in np.ndenumerate(grid) if row >= 0}
    table.recent.clear()
    for k in list(order):
        ratios.mark(table.recent, where_of)
        table.recent.clear()
        a0, b0, p0 = targets[k].tolist()
        least = bounds(target_values[k], threshold)
        if b0 not in breakdown_cache:
            options = _breakdown_options(names[b0], names)
            changes = np.array([ratios.changes(o) for o in options], dtype=bool).reshape(len(options), -1)
            breakdown_cache[b0] = (options, _matrices(len(names), options), changes)
        b_options, b_matrices, b_changes = breakdown_cache[b0]
        if a0 not in pairs_of:
            pairs_of[a0] = areas.options(a0)
        if not len(b_options) or not len(pairs_of[a0]):
            continue
        p_matrices = part_matrices[p0]
        if slab_of != (b0, p0, target_values[k]):
            usable = {s: np.where(values >= least[s], cost, float(BLOCKED)) for s in (1, -1)}
            slabs = _signed_slabs(usable, b_matrices, p_matrices)
            slab_of = (b0, p0, target_values[k])
            current = (slabs, b_matrices, p_matrices, least)

        # Four-trust moves shift no area at all: worth their cost only when every two-trust move
        # costs a headline figure.
        for with_cycles in (False, True):
            key = (a0, with_cycles)
            if key not in area_cache:
                options = pairs_of[a0]
                if with_cycles:
                    options = np.concatenate([options, areas.cycles(a0, options.shape[1])])
                signs = area_signs(options.shape[1])
                area_cache[key] = (options, {s: areas.option_matrix(np.where(signs == s, options, -1)) for s in (1, -1)})
            a_options, a_matrices = area_cache[key]
            ratio_cost = ratios.cost(a_options, b_changes)
            totals = sum((a_matrices[s] @ slabs[s].reshape(len(slabs[s]), -1)) for s in (1, -1))
            totals = totals.reshape(len(a_options), len(b_options), -1)
            # A move that changes band-group sums hides the disparity ratios of every area it moves.
            totals = totals + ratio_cost[:, :, None] * part_moves_groups[p0][None, None, :]
            if withheld[a0, b0, p0]:
                # A withheld trust's cells protect no one else, but its own sensitive cell moves with them.
                mine = {s: np.where((grid[a0] >= 0) & (values[a0] >= least[s]), 0.0, float(BLOCKED)) for s in (1, -1)}
                totals = totals + (_one_area_slab(mine, b_matrices, p_matrices, 1) - slabs[1][a0])[None, :, :]
            if totals.min() < TIER_WEIGHT[1]:
                break
        ia, ib, ip = np.unravel_index(int(np.argmin(totals)), totals.shape)
        certified = totals[ia, ib, ip] < BLOCKED
        dims = ((a_options, a_matrices, ratio_cost), (b_options, b_matrices),
                (part_options[p0], p_matrices, part_moves_groups[p0]))
        # The one move would cost a headline figure (a disparity ratio, say): several moves that cost
        # none are better, and if there are none, several that cost only trusts' headline figures.
        ceilings = [c for c in (TIER_WEIGHT[1], AREA_HEADLINE) if c <= totals[ia, ib, ip] < BLOCKED]
        hidden_rows = _by_steps(table, (a0, b0, p0), grid, values, cost, withheld, threshold, *dims,
                                ceilings=ceilings) if ceilings else None
        if hidden_rows is not None:
            _keep_current(table, grid, values, cost, current, [where_of[row] for row in hidden_rows])
            continue
        # What the hypercube offers costs a region's, ICB's or trust type's headline figure (a disparity
        # ratio): first what costs less, then a linear program that keeps every area's ratios, and
        # only then the cheapest of the rest.
        hidden_rows = None
        if not certified and p0 == PARTS.index("total"):
            hidden_rows = _total_by_parts(table, a0, b0, grid, values, cost, withheld, threshold, a_options,
                                          a_matrices, b_options, b_matrices, ratio_cost, ceiling=AREA_HEADLINE)
        if hidden_rows is None and not certified:
            hidden_rows = _by_steps(table, (a0, b0, p0), grid, values, cost, withheld, threshold, *dims,
                                    ceilings=(TIER_WEIGHT[1], AREA_HEADLINE))
        program_may = bool(totals[ia, ib, ip] >= AREA_HEADLINE and band_levels and "|" in names[b0]
                           and not names[b0].endswith("|all")
                           and _england_value(grid, values, england, b0, p0) >= threshold)
        if hidden_rows is None and program_may:
            hidden_rows = _by_program(table, programs, (a0, b0, p0), grid, values, names, areas, ratios, band_levels,
                                      threshold, certified_only=True)
        if hidden_rows is None and not certified:
            if p0 == PARTS.index("total"):
                hidden_rows = _total_by_parts(table, a0, b0, grid, values, cost, withheld, threshold, a_options,
                                              a_matrices, b_options, b_matrices, ratio_cost)
            if hidden_rows is None:
                hidden_rows = _by_steps(table, (a0, b0, p0), grid, values, cost, withheld, threshold, *dims)
            # Nothing certifies it: as far as a program keeping the areas' ratios goes, uncertified.
            if hidden_rows is None and program_may:
                hidden_rows = _by_program(table, programs, (a0, b0, p0), grid, values, names, areas, ratios,
                                          band_levels, threshold, certified_only=False)
        if hidden_rows is not None:
            _keep_current(table, grid, values, cost, current, [where_of[row] for row in hidden_rows])
            continue
        if not certified:
            # No move reaches both 0 and T (England's own figure below T, say): the audit reports the
            # cell. Still hide the cheapest move, through non-zero cells where one will do, so that it
            # is not determined exactly.
            # Withheld trusts' cells may serve here: the exact audit does not take them as known.
            relaxed_cost = np.where(withheld & ~table.known[grid.clip(min=0)], 0.0, cost)
            relaxed_cost = np.where(values >= 1, relaxed_cost,
                                    np.where(values == 0, relaxed_cost + ZERO, float(BLOCKED)))
            usable = {s: relaxed_cost for s in (1, -1)}
            relaxed = _signed_slabs(usable, b_matrices, p_matrices)
            totals = sum((a_matrices[s] @ relaxed[s].reshape(len(relaxed[s]), -1)) for s in (1, -1))
            totals = totals.reshape(len(a_options), len(b_options), -1)
            # Nor may this move change a disparity ratio a reader already has (the previous release
            # of the year published it): the ratio would rule the move out, and hiding it now
            # protects nothing. Ratios no reader has yet are not priced here (a first release keeps
            # its pattern).
            known_ratio = np.where(ratio_cost >= BLOCKED, float(BLOCKED), 0.0)
            totals = totals + known_ratio[:, :, None] * part_moves_groups[p0][None, None, :]
            ia, ib, ip = np.unravel_index(int(np.argmin(totals)), totals.shape)
            if totals[ia, ib, ip] >= BLOCKED:
                continue
        move, block = [], []
        for area, sa in zip(a_options[ia].tolist(), area_signs(a_options.shape[1]).tolist()):
            if area < 0:
                continue
            for bd, sb in b_options[ib]:
                if bd < 0:
                    continue
                for part, sp in part_options[p0][ip]:
                    move.append((int(grid[area, bd, part]), sa * sb * sp))
                    block.append((area, bd, part, sa * sb * sp))
        v0 = target_values[k]
        if certified:
            table.protect(int(grid[a0, b0, p0]), [move], threshold, [-v0], [threshold - v0])
        else:
            table.hide_uncertified(move)
        _keep_current(table, grid, values, cost, current, [cell[:3] for cell in block])


def _pinned_above_zero(table: Table, grid, values, areas, target: tuple[int, int, int], fixed: np.ndarray) -> bool:
    """Whether an area's cell holds a trust's count above 0 that may not move."""
    a0, b0, p0 = target
    level = areas.codes.at[a0, "level"]
    if level not in areas.parent:
        return False
    members = areas.trusts[areas.parent[level] == a0]
    rows = grid[members, b0, p0]
    return bool(((rows >= 0) & fixed[rows.clip(min=0)] & (values[members, b0, p0] > 0)).any())


def _england_value(grid, values, england: int, b0: int, p0: int) -> float:
    """England's value of a breakdown and part (infinite when the release has none)."""
    return float(values[england, b0, p0]) if england < len(grid) and grid[england, b0, p0] >= 0 else np.inf


def _by_program(table: Table, programs: dict, target: tuple[int, int, int], grid, values, names: list[str], areas,
                ratios: Ratios, band_levels: dict[str, str], threshold: int, certified_only: bool) -> list[int] | None:
    """The target's two ends found by linear program (wres.disclosure.programs), keeping every area's
    published disparity ratios: records the certificate and returns the rows it hides, or None.
    Unless `certified_only` (the hypercube certifies the cell, at the price of an area's ratios:
    protection comes first), ends that fall short are taken as far as they go, uncertified."""
    group = names[target[1]].split("|", 1)[0]
    if group not in programs:
        programs[group] = GroupProgram(grid, values, names, group, areas, band_levels, ratios.columns)
    program = programs[group]
    row = int(grid[target])
    v0 = values[target]
    fixed = table.blocked
    if table.withheld[row]:
        # A withheld trust's cells protect no one else, but its own sensitive cell moves with them.
        own = grid[target[0]][grid[target[0]] >= 0]
        fixed = fixed.copy()
        fixed[own] = table.known[own]
    state = (table.hidden, fixed, ratios.hidden, ratios.known)
    # Solved once per target: nothing is hidden between a certified_only call and the one after it.
    if programs.get("tried", (None,))[0] != row:
        # An area's count that holds a fixed trust's (a withheld one's) cannot reach 0: no need to ask.
        down = None if _pinned_above_zero(table, grid, values, areas, target, fixed) else \
            program.solve(row, -v0, *state)
        programs["tried"] = (row, [down, program.solve(row, threshold - v0, *state) if down is not None else None])
    ends = programs["tried"][1]
    certified = all(d is not None for d in ends)
    if not certified and certified_only:
        return None
    if not certified:
        # Out of reach (an area's count holds a withheld trust's, which may not move): as far as the
        # relations allow, uncertified (the audit reports the cell), still keeping the areas' ratios.
        # One way only, if need be: the exact audit's "not determined" needs no more.
        ends = [d if d is not None else program.solve(row, goal, *state, as_far=True)
                for d, goal in zip(ends, (-v0, threshold - v0))]
        ends = [d for d in ends if d is not None]
        if not ends:
            # Nor that: the area's count is a withheld trust's, which may serve here (the exact audit
            # does not take withheld values as known).
            loose = (table.hidden, table.known, ratios.hidden, ratios.known)
            ends = [d for d in (program.solve(row, goal, *loose, as_far=True) for goal in (-v0, threshold - v0))
                    if d is not None]
        if not ends:
            return None
    moves = [_move(program, e) for e in ends]
    if certified:
        table.protect(row, moves, threshold, [ends[0].step, 0.0], [0.0, ends[1].step])
    else:
        for move in moves:
            table.hide_uncertified(move)
    return sorted({r for m in moves for r, _ in m})


def _move(program: GroupProgram, end: End) -> list[tuple[int, int]]:
    """A program's end as a move: (release row, whole delta) for each cell it shifts."""
    moved = end.d != 0
    return [(int(r), int(x)) for r, x in zip(program.rows[moved].tolist(), end.d[moved].tolist())]


def _keep_current(table: Table, grid, values, cost, current, cells) -> None:
    """After cells are hidden: their cost (0 where they may be partners) and the current slabs, so
    that the slabs need not be computed again."""
    if not cells:
        return
    slabs, b_matrices, p_matrices, least = current
    index = tuple(np.array(cells, dtype=np.int64).T)
    new_cost = table.base_cost(grid[index]).astype(float)
    delta = new_cost - cost[index]
    cost[index] = new_cost
    if slabs is None:
        return
    for k in np.flatnonzero(delta).tolist():
        area, bd, part = (int(x[k]) for x in index)
        for sa in (1, -1):
            for sb in (1, -1):
                for sp in (1, -1):
                    if values[area, bd, part] >= least[sa * sb * sp]:
                        slabs[sa][area] += delta[k] * np.outer(b_matrices[sb][:, bd], p_matrices[sp][:, part])


CANDIDATES = 64   # the cheapest single moves a cell may combine, when no one of them is enough
MOST_CANDIDATES = 4096


def _diverse_candidates(totals: np.ndarray, a_options: np.ndarray, ceiling: float) -> np.ndarray:
    """Flat indexes of `totals` (area options x breakdown options x part options) worth combining, in
    order of cost: the cheapest overall, and, for each breakdown and part option, the cheapest through
    each area in each place of the area options (each trust of a four-trust move). A small cell with no large
    partner needs several: each partner band, and each partner trust, gives what it holds."""
    # Each (breakdown option, part option) on its own: the parts differ in which of the target's own
    # cells they lower (its white count, or its total).
    flat = totals.reshape(len(totals), -1)
    rows, options = np.nonzero(flat < ceiling)
    cost = flat[rows, options]
    cheapest = np.argsort(cost, kind="stable")[:CANDIDATES]
    picks = [rows[cheapest] * flat.shape[1] + options[cheapest]]
    for column in range(min(a_options.shape[1], 4)):         # the trusts (the rest are their areas)
        keys = a_options[rows, column]
        ranked = np.lexsort((rows, cost, keys, options))                     # by option and key, then cost
        o_sorted, k_sorted = options[ranked], keys[ranked]
        first = np.ones(len(ranked), dtype=bool)
        first[1:] = (o_sorted[1:] != o_sorted[:-1]) | (k_sorted[1:] != k_sorted[:-1])
        chosen = ranked[first]                                               # the cheapest of each
        picks.append(rows[chosen] * flat.shape[1] + options[chosen])
    picks = np.unique(np.concatenate(picks).astype(np.int64))
    return picks[np.lexsort((picks, totals.ravel()[picks]))][:MOST_CANDIDATES]


def _by_steps(table: Table, target: tuple[int, int, int], grid, values, cost, withheld, threshold: int,
              area_dim, breakdown_dim, part_dim, ceilings: tuple = (BLOCKED,)) -> list[int] | None:
    """When no single move both empties the target and fills it to T (a 1 in Band 8d of a trust
    whose other senior bands hold 2 or 3 each), several moves can: down, each taken as many steps
    as its cells moved the target's way allow, until the target is at 0; up, likewise with the
    cells moved the other way, until it is at T. The moves are the cheapest of all (every cell at
    least 1) below the first of `ceilings` with which they can do it, tried in order of cost. Records
    the certificate; returns the rows it hides, or None when they cannot do it."""
    a0, b0, p0 = target
    a_options, a_matrices, ratio_cost = area_dim
    b_options, b_matrices = breakdown_dim
    p_options, p_matrices, p_groups = part_dim
    usable = np.where(values >= 1, cost, float(BLOCKED))
    slabs = _signed_slabs({1: usable, -1: usable}, b_matrices, p_matrices)
    totals = sum((a_matrices[s] @ slabs[s].reshape(len(slabs[s]), -1)) for s in (1, -1))
    totals = totals.reshape(len(a_options), len(b_options), -1)
    totals = totals + ratio_cost[:, :, None] * p_groups[None, None, :]
    if withheld[a0, b0, p0]:
        mine = np.where(values[a0] >= 1, 0.0, float(BLOCKED))
        totals = totals + (_one_area_slab({1: mine, -1: mine}, b_matrices, p_matrices, 1) - slabs[1][a0])[None]
    for ceiling in ceilings:
        found = _steps_below(totals, ceiling, target, grid, values, threshold, a_options, b_options, p_options)
        if found is not None:
            break
    else:
        return None
    index, signs, valid, steps = found
    used = np.flatnonzero(steps.any(axis=1)).tolist()
    rows = grid.ravel()
    moves = [[(int(rows[i]), int(sign)) for i, sign in zip(index[k][valid[k]].tolist(), signs[k][valid[k]].tolist())]
             for k in used]
    table.protect(int(grid[target]), moves, threshold, [float(steps[k, 0]) for k in used],
                  [float(steps[k, 1]) for k in used])
    return sorted({r for m in moves for r, _ in m})


def _steps_below(totals, ceiling: float, target, grid, values, threshold: int, a_options, b_options, p_options):
    """The candidates below `ceiling` (their cells, signs and validity, one row each) and the steps
    along each that take the target down to 0 and up to T, or None when they cannot."""
    order = _diverse_candidates(totals, a_options, ceiling)
    if not len(order):
        return None
    ia, ib, ip = np.unravel_index(order, totals.shape)
    # Every candidate's cells at once: (candidates, areas x breakdowns x parts), -1 where there is none.
    b_cells, b_signs = _padded(b_options)
    p_cells, p_signs = _padded(p_options)
    a_cells = a_options[ia]
    shape = (len(order), a_cells.shape[1], b_cells.shape[1], p_cells.shape[1])
    a_, b_, p_ = (np.broadcast_to(x, shape) for x in (a_cells[:, :, None, None], b_cells[ib][:, None, :, None],
                                                      p_cells[ip][:, None, None, :]))
    valid = ((a_ >= 0) & (b_ >= 0) & (p_ >= 0)).reshape(len(order), -1)
    index = np.where(valid, np.ravel_multi_index((a_.clip(min=0), b_.clip(min=0), p_.clip(min=0)), grid.shape)
                     .reshape(len(order), -1), -1)
    signs = (area_signs(a_cells.shape[1])[None, :, None, None] * b_signs[ib][:, None, :, None]
             * p_signs[ip][:, None, None, :]).reshape(len(order), -1)
    target_flat = int(np.ravel_multi_index(target, grid.shape))
    flat_values = values.ravel()
    v0 = values[target]
    steps = np.zeros((len(order), 2))
    for side, (direction, need) in enumerate(((-1, v0), (1, threshold - v0))):
        taken = _greedy_steps(index, signs, valid, flat_values, target_flat, direction, need)
        if taken is None:
            return None
        steps[:, side] = direction * taken
    return index, signs, valid, steps


def _greedy_steps(index, signs, valid, flat_values, target_flat: int, direction: int, need: float
                  ) -> np.ndarray | None:
    """Steps along each candidate (in order of cost) that take the target `need` its way: each
    candidate as far as its cells moved the other way allow, the cheapest first. None when they run out."""
    virtual = flat_values.copy()
    lowered = valid & (signs * direction < 0) & (index != target_flat)
    taken = np.zeros(len(index))
    remaining = need
    while remaining > 0:
        room = np.where(lowered, virtual[index.clip(min=0)], np.inf).min(axis=1)
        whole = np.flatnonzero(room >= remaining)
        some = np.flatnonzero(room >= 1)
        if not len(some):
            return None
        k = int(whole[0]) if len(whole) else int(some[0])
        step = min(room[k], remaining)
        np.add.at(virtual, index[k][valid[k]], direction * signs[k][valid[k]] * step)
        taken[k] += step
        remaining -= step
    return taken


def _padded(options: list[list[tuple[int, int]]]) -> tuple[np.ndarray, np.ndarray]:
    """Options (lists of (index, sign)) as two arrays padded with -1 (index) and 0 (sign)."""
    width = max(len(o) for o in options)
    cells = np.full((len(options), width), -1, dtype=np.int64)
    signs = np.zeros((len(options), width), dtype=np.int64)
    for k, option in enumerate(options):
        for j, (i, sign) in enumerate(option):
            cells[k, j], signs[k, j] = i, sign
    return cells, signs


def _total_by_parts(table: Table, a0: int, b0: int, grid, values, cost, withheld, threshold: int,
                    a_options, a_matrices, b_options, b_matrices, ratio_cost, ceiling: float = BLOCKED
                    ) -> list[int] | None:
    """A small total whose parts are each smaller than it (3 white and 2 BME make 5) cannot go down
    to 0 along one move: the part moved with it would go negative first. Down, it goes with each
    part p along that part's move (the total and p together, over one area and breakdown option)
    taken -x_p times; up, along the move of one part q taken T - v0 times. Every cell moved the
    target's way must hold its part's share of the drop (a total v0, a part x_p), every cell moved
    the other way, for q and the total, T - v0. Records the certificate; returns the rows it hides."""
    total = PARTS.index("total")
    v0 = values[a0, b0, total]
    present = grid >= 0
    local = cost.copy()
    if withheld[a0, b0, total]:
        local[a0] = np.where(present[a0], 0.0, float(BLOCKED))  # its own hidden cells move with it
    own = {p: values[a0, b0, p] for p in range(3) if values[a0, b0, p] > 0}
    best = None
    for q in range(3):
        moved = sorted(set(own) | {q})
        by_sign = {}
        for sign in (1, -1):
            need = {p: (own.get(p, 0.0) if sign > 0 else (threshold - v0 if p == q else 0.0)) for p in moved}
            need[total] = v0 if sign > 0 else threshold - v0
            by_sign[sign] = sum(np.where(present[:, :, p] & (values[:, :, p] >= n), local[:, :, p], float(BLOCKED))
                                for p, n in need.items())
        totals = 0.0
        for sa in (1, -1):
            x = sum(by_sign[sa * sb] @ b_matrices[sb].T for sb in (1, -1))
            totals = totals + a_matrices[sa] @ np.vstack([x, np.zeros((1, x.shape[1]))])
        totals = totals + ratio_cost * any(PARTS[p] in ("white", "bme") for p in moved)
        ia, ib = np.unravel_index(int(np.argmin(totals)), totals.shape)
        if totals[ia, ib] < ceiling and (best is None or totals[ia, ib] < best[0]):
            best = (totals[ia, ib], q, ia, ib, moved)
    if best is None:
        return None
    _, q, ia, ib, moved = best
    moves, down, up, rows = [], [], [], []
    for p in moved:
        move = []
        for area, sa in zip(a_options[ia].tolist(), area_signs(a_options.shape[1]).tolist()):
            for bd, sb in b_options[ib]:
                if area >= 0 and bd >= 0:
                    move += [(int(grid[area, bd, total]), sa * sb), (int(grid[area, bd, p]), sa * sb)]
        moves.append(move)
        down.append(-own.get(p, 0.0))
        up.append(threshold - v0 if p == q else 0.0)
        rows += [r for r, _ in move]
    table.protect(int(grid[a0, b0, total]), moves, threshold, down, up)
    return sorted(set(rows))


# --- one-dimensional families: event counts of indicators 3 and 4, survey groups --------------

@dataclass
class Units:
    """One family (an indicator and a group) over areas: per area the cell that stands for the unit
    (`anchor`), the count a move shifts (`count`: events or respondents), the cells hidden with it
    (`members`) and those its hiding costs (`dependents`: members and the figures computed from them)."""

    area: np.ndarray
    anchor: np.ndarray
    count: np.ndarray
    members: list[np.ndarray]
    dependents: list[np.ndarray]


def _units(year_rows: pd.DataFrame, indicator: int, group: str, areas: Areas) -> Units | None:
    rows = year_rows[year_rows["indicator"] == indicator]
    if indicator in SURVEY_INDICATORS:
        anchor = rows[rows["measure"] == f"respondents_{group}"]
        count = anchor["value"].to_numpy(dtype=float)
        together = rows["measure"].isin([f"respondents_{group}", f"pct_{group}", f"pct_{group}_legacy"])
        costly = together
    else:
        anchor = rows[rows["measure"] == f"rate_{group}"]
        # The latent event count: the rate times the group's all-staff headcount of indicator 1.
        base = year_rows[(year_rows["indicator"] == 1) & (year_rows["breakdown"] == "all")
                         & (year_rows["measure"] == f"headcount_{group}")]
        headcount = anchor[["level", "area_code"]].merge(base[["level", "area_code", "value"]],
                                                         on=["level", "area_code"], how="left")["value"]
        count = (anchor["value"].to_numpy(dtype=float) * headcount.to_numpy(dtype=float) / 100).round()
        together = rows["measure"] == f"rate_{group}"
        costly = together | rows["measure"].isin(["relative_likelihood", "ci_lower", "ci_upper",
                                                  "relative_likelihood_as_published"])
    if anchor.empty:
        return None

    def by_area(mask: pd.Series) -> list[np.ndarray]:
        chosen = rows[mask]
        grouped = chosen.groupby(["level", "area_code"], sort=False).indices
        index = chosen.index.to_numpy()
        return [index[grouped[key]] if key in grouped else np.array([r], dtype=np.int64)
                for key, r in zip(zip(anchor["level"].tolist(), anchor["area_code"].tolist()), anchor.index.tolist())]

    area = np.array([areas.index[k] for k in zip(anchor["level"], anchor["area_code"])], dtype=np.int64)
    return Units(area, anchor.index.to_numpy(), count, by_area(together), by_area(costly))


def _sensitive_unit_members(table: Table, units: Units) -> None:
    """A survey unit is sensitive when any of its cells is; all its cells are hidden together."""
    for rows in units.members:
        if table.sensitive[rows].any():
            table.sensitive[rows] = True
            table.hide(np.asarray(rows))


def protect_area_family(table: Table, units: Units, areas: Areas, threshold: int, certify: bool = True) -> None:
    """Protect each sensitive unit with a move along areas only: two trusts and their differing areas,
    every unit the move shifts keeping a count at or above its bound (see `bounds`). With `certify`
    false the move is made but no certificate written: a survey move shifts respondents with each
    trust's percentage fixed, which a published area percentage pooling both trusts, or England's
    weighted mean, need not allow, so such a move is no proof."""
    row_of_area = np.full(areas.size, -1, dtype=np.int64)
    row_of_area[units.area] = np.arange(len(units.area))
    count = np.full(areas.size + 1, -1.0)
    count[units.area] = np.nan_to_num(units.count, nan=-1.0)
    # A sensitive unit whose own count is 0 or at least T (a rate of 0 from a small base, indicator
    # 7's legacy figure from fewer respondents than the current one) cannot be certified here: it is
    # kept from being determined exactly and the audit reports it.
    targets = [u for u in range(len(units.area)) if table.sensitive[units.members[u]].any()]
    trusts = set(areas.trusts.tolist())
    for u in targets:
        a0 = int(units.area[u])
        options = areas.options(a0)
        if not len(options):
            continue
        options = np.concatenate([options, areas.cycles(a0, options.shape[1])])
        cost = np.full(areas.size + 1, float(BLOCKED))
        cost[-1] = 0.0
        withheld = np.zeros(areas.size + 1, dtype=bool)
        for v, a in enumerate(units.area.tolist()):
            withheld[a] = table.withheld[units.anchor[v]] and not table.known[units.anchor[v]]
            if table.known[units.anchor[v]]:
                continue
            shown = units.dependents[v][~table.hidden[units.dependents[v]]]
            cost[a] = 0.0 if not len(shown) else float(
                WEIGHT_OF_TIER[table.tier[shown].min()] + min(count[a], VALUE_CAP)
                + (AREA_HEADLINE if table.tier[shown].min() == 1 and a not in trusts else 0))
        relaxed = cost.copy()
        cost[withheld] = float(BLOCKED)   # a withheld trust's values protect no one
        cost[a0] = relaxed[a0] = 0.0      # the target itself
        least = bounds(units.count[u], threshold)
        signs = area_signs(options.shape[1])
        usable = {s: np.where(count >= least[s], cost, float(BLOCKED)) for s in (1, -1)}
        usable[1][-1] = usable[-1][-1] = 0.0
        totals = sum(usable[s][np.where(signs == s, options, -1)].sum(axis=1) for s in (1, -1))
        best = int(np.argmin(totals))
        certified = certify and totals[best] < BLOCKED and 1 <= units.count[u] < threshold
        if totals[best] >= BLOCKED:
            # No move reaches both 0 and T (England's own count below T, say): the audit reports the
            # cell. Still hide the cheapest move, through non-zero counts where one will do, so that
            # it is not determined exactly.
            # Withheld trusts' counts may serve here: the exact audit does not take them as known.
            relaxed = np.where(count >= 1, relaxed, np.where(count == 0, relaxed + ZERO, float(BLOCKED)))
            relaxed[-1] = 0.0
            totals = relaxed[options].sum(axis=1)
            best = int(np.argmin(totals))
            if totals[best] >= BLOCKED:
                continue
        chosen = [(a, sign) for a, sign in zip(options[best].tolist(), signs.tolist()) if a >= 0]
        move = [(int(units.anchor[row_of_area[a]]), sign) for a, sign in chosen]
        for a, _ in chosen:
            table.hide(np.asarray(units.members[row_of_area[a]], dtype=np.int64))
        if not certified:
            continue
        v0 = units.count[u]
        table.protect(int(units.anchor[u]), [move], threshold, [-v0], [threshold - v0])
        # Every sensitive cell of the unit carries the unit's certificate.
        for row in units.members[u].tolist():
            if row != units.anchor[u] and table.sensitive[row]:
                table.certificates[row] = table.certificates[int(units.anchor[u])]


# --- cells derived from others --------------------------------------------------------------

def hidden_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """(wres_year, level, area_code, indicator) of the hidden white or BME rates of indicators 2-4 in
    measures with their `suppression_reason` (null: published): what the next year's two-year rolling
    rate must not give back."""
    rates = (frame["indicator"].isin(RATE_INDICATORS) & frame["measure"].isin(["rate_white", "rate_bme"])
             & frame["suppression_reason"].notna())
    return frame.loc[rates, ["wres_year", "level", "area_code", "indicator"]].drop_duplicates()


def moved_band_groups(table: Table, band_levels: dict[str, str] | None) -> set[tuple]:
    """(wres_year, level, area_code, staff group, band group) whose white or BME sum some move changes;
    band group None for every band group of the staff group when the band groups are not known."""
    moves = table.moves
    if not moves:
        return set()
    f = table.frame
    cells = pd.DataFrame([(k, row, sign) for k, move in enumerate(moves) for row, sign in move],
                         columns=["move", "row", "sign"])
    rows = f.loc[cells["row"], ["wres_year", "indicator", "level", "area_code", "breakdown", "measure"]]
    cells = pd.concat([cells, rows.reset_index(drop=True)], axis=1)
    banded = cells[(cells["indicator"] == 1) & cells["measure"].isin(["headcount_white", "headcount_bme"])
                   & cells["breakdown"].str.contains("|", regex=False) & ~cells["breakdown"].str.endswith("|all")]
    banded = banded.assign(group=banded["breakdown"].str.split("|", n=1).str[0],
                           band_level=banded["breakdown"].map(band_levels) if band_levels is not None else None)
    if band_levels is not None:
        banded = banded[banded["band_level"].isin(BAND_LEVELS)]
        keys = ["move", "wres_year", "level", "area_code", "group", "band_level", "measure"]
        net = banded.groupby(keys, sort=False)["sign"].sum()
        changed = net[net != 0].reset_index()
    else:
        changed = banded
    return set(zip(changed["wres_year"].astype(int).tolist(), changed["level"].tolist(),
                   changed["area_code"].tolist(), changed["group"].tolist(),
                   changed["band_level"].tolist() if band_levels is not None else [None] * len(changed)))


def hide_derived(table: Table, hidden_rates_before: pd.DataFrame | None = None,
                 band_levels: dict[str, str] | None = None) -> None:
    """Hide the values computed from hidden ones that would give a move away, so that every
    certificate holds against what is published.
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
    # Disparity ratios depend on the band groups' white and BME sums only: hidden when a move changes
    # one of the two sums they compare.
    moved = moved_band_groups(table, band_levels)
    ratio_rows = f[one & f["measure"].isin(list(DISPARITY))]
    hit = [row for row, y, lv, ac, g, m in zip(ratio_rows.index.tolist(), ratio_rows["wres_year"].tolist(),
                                               ratio_rows["level"].tolist(), ratio_rows["area_code"].tolist(),
                                               ratio_rows["breakdown"].tolist(), ratio_rows["measure"].tolist())
           if any((int(y), lv, ac, g, b) in moved for b in (*DISPARITY[m], None))]
    table.hide(np.array(hit, dtype=np.int64))
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


def certificates(table: Table) -> list[str | None]:
    """Each protected cell's certificate as JSON (null elsewhere): the threshold T, the moves (each a
    list of cells named by their release key with the delta each takes: a null vector of the
    relations), and the steps along them that take the cell down to 0 (`down`) and up to T (`up`):
    the cell's value plus the sum of step x delta is 0, resp. T, and no cell goes negative."""
    f = table.frame
    keys = list(zip(*(f[c].tolist() for c in KEY[1:])))
    out: list[str | None] = [None] * len(f)
    for target, certificate in table.certificates.items():
        moves = [sorted([*keys[row], delta] for row, delta in move) for move in certificate["moves"]]
        out[target] = json.dumps({**certificate, "moves": moves}, separators=(",", ":"))
    return out


def apply_secondary_suppression(measures: pd.DataFrame, trust_areas: pd.DataFrame,
                                previous: pd.DataFrame | None = None,
                                hidden_rates_before: pd.DataFrame | None = None,
                                thresholds: Thresholds = Thresholds(),
                                band_levels: dict[str, str] | None = None) -> pd.DataFrame:
    """The measures, in canonical order, with `suppression_reason` 'secondary' where they must be
    hidden too and `protection_certificate` on each sensitive cell protected by a move.

    `measures` has the columns of int_indicator_measures_reasoned (`suppression_reason` holding
    the primary reasons, `is_sensitive`); `trust_areas` has wres_year, org_code and a column per
    area level (region, trust_type, icb where known); `previous` the cells of the releases
    published before (KEY and value, null where they were hidden); `hidden_rates_before` the
    `hidden_rates` of years before those of `measures` (the years are otherwise independent, so they
    can be suppressed one at a time, each given the hidden rates of the year before);
    `band_levels` maps 'Staff group|Band' to its band group (lower, middle, upper: the pay_bands seed),
    without which every move through a band hides its staff group's disparity ratios.
    """
    return finish(protect(measures, trust_areas, previous, thresholds, band_levels), hidden_rates_before,
                  band_levels)


def protect(measures: pd.DataFrame, trust_areas: pd.DataFrame, previous: pd.DataFrame | None = None,
            thresholds: Thresholds = Thresholds(), band_levels: dict[str, str] | None = None) -> Table:
    """Every sensitive cell protected (the arguments as `apply_secondary_suppression`'s): the table with
    the cells hidden so far and the certificates, before the figures derived from hidden cells are
    hidden (`finish`), the one step that needs the year before."""
    table = prepare(measures, previous, trust_areas)
    f = table.frame
    years = {year: f[f["wres_year"] == year] for year in sorted(f["wres_year"].unique())}
    areas_of = {year: Areas(rows[["level", "area_code"]], trust_areas[trust_areas["wres_year"] == year])
                for year, rows in years.items()}
    for year, year_rows in years.items():
        protect_headcounts(table, year_rows, areas_of[year], thresholds.count, band_levels)
    couple_rates_to_headcounts(table)
    for year, year_rows in years.items():
        areas = areas_of[year]
        # Indicator 2 publishes neither appointments nor shortlisted, at any level, only their ratios:
        # a hidden rate leaves two unknowns per trust that no sum pins down, so only the event counts
        # of indicators 3 and 4, whose bases are published, need partners.
        for indicator in (*EVENT_INDICATORS, *SURVEY_INDICATORS):
            threshold = thresholds.respondents if indicator in SURVEY_INDICATORS else thresholds.count
            for group in ("white", "bme"):
                units = _units(year_rows, indicator, group, areas)
                if units is None:
                    continue
                if indicator in SURVEY_INDICATORS:
                    _sensitive_unit_members(table, units)
                protect_area_family(table, units, areas, threshold, certify=indicator not in SURVEY_INDICATORS)
    return table


def finish(table: Table, hidden_rates_before: pd.DataFrame | None = None,
           band_levels: dict[str, str] | None = None) -> pd.DataFrame:
    """A protected table (`protect`) as the measures with their reasons and certificates, the figures
    derived from hidden cells hidden too (given `hidden_rates_before`, the year before's hidden rates)."""
    hide_derived(table, hidden_rates_before, band_levels)
    out = table.frame.copy()
    out.loc[table.secondary & out["suppression_reason"].isna().to_numpy(), "suppression_reason"] = SECONDARY
    out["protection_certificate"] = pd.Series(certificates(table), index=out.index, dtype="str")
    return out


def suppress_year_by_year(years: list[int], load_year, previous: pd.DataFrame | None = None,
                          hidden_rates_before: pd.DataFrame | None = None, thresholds: Thresholds = Thresholds(),
                          band_levels: dict[str, str] | None = None, processes: int = 1) -> pd.DataFrame:
    """`apply_secondary_suppression` of `years` one at a time, in order, so that memory holds a year's
    frames (with `processes`, a few years'). `load_year(year)` gives that year's (measures, trust_areas); `previous` the cells
    published before (any years); `hidden_rates_before` the `hidden_rates` of years that are not
    rebuilt (the one before each built year is used). The result equals one call on every year.

    With `processes` above 1, years are protected side by side in that many processes of their own:
    `protect` needs nothing of another year, so the result is the same; only `finish` takes the years
    in order, here."""
    built: dict[int, pd.DataFrame] = {}  # the hidden rates of each year built here
    results = []
    years = sorted(set(years))

    def inputs(year: int) -> tuple:
        measures, trust_areas = load_year(year)
        published = None if previous is None else previous[previous["wres_year"] == year]
        return measures, trust_areas, published, thresholds, band_levels

    for year, table in _protected(years, inputs, processes):
        # The year before as just built, not its stored rows, when it is built too.
        before = built.get(year - 1)
        if before is None and hidden_rates_before is not None:
            before = hidden_rates_before[hidden_rates_before["wres_year"] == year - 1]
        result = finish(table, before, band_levels)
        results.append(result)
        built[year] = hidden_rates(result)
    return pd.concat(results, ignore_index=True) if results else pd.DataFrame()


def _protected(years: list[int], inputs, processes: int):
    """(year, `protect` of it) for each year, in year order: here, or in up to `processes` worker
    processes (`wres.processes`) that go on with the next years while the caller finishes the one
    yielded. The inputs are read here, in year order, as a worker comes free; at most twice
    `processes` years are in hand at once (being protected, or protected and waiting for an earlier one)."""
    if processes <= 1 or len(years) < 2:
        for year in years:
            yield year, protect(*inputs(year))
        return
    count = min(processes, len(years))
    # Workers last in, first out: on an error they are stopped before the calls waiting on them are joined.
    with ThreadPoolExecutor(count) as calls, Workers(count) as workers:
        waiting = iter(years)
        running: dict[int, Future] = {}
        done: dict[int, Table] = {}

        def start_more() -> None:
            while len(running) < count and len(running) + len(done) < 2 * count:
                year = next(waiting, None)
                if year is None:
                    return
                running[year] = calls.submit(workers.call, protect, inputs(year))

        start_more()
        for year in years:
            while year not in done:
                finished, _ = wait(running.values(), return_when=FIRST_COMPLETED)
                for ready in sorted(y for y, call in running.items() if call in finished):
                    done[ready] = running.pop(ready).result()
                start_more()
            yield year, done.pop(year)
            start_more()
