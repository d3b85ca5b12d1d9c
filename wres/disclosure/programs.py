"""Protection by linear program, where no move of the hypercube protects a band count without
hiding a region's, ICB's or trust type's race disparity ratio (docs/METHODOLOGY.md, "Disclosure
control").

A trust's Band 9 BME count of 1 must be able to reach 8. The hypercube's moves (`suppression.py`)
take the 7 from one partner band of the trust, or through one other trust in the same band: when
the trust's other senior bands hold 5 BME staff and its ICB's trusts have few in Band 9, every such
move reaches past the ICB, and the region's upper-band sum, with the ratios built from it, changes.
Yet the 7 can be found: 5 from the trust's other senior bands, 2 more from a band of its middle
group balanced by a trust of its ICB and type that gives 2 from its own senior bands, and the
region's Band 9 balanced, through England, by a London trust that moves 2 from Band 9 to Band 8d.

So, for such a cell, the two ends of its feasibility interval are looked for directly: integer
vectors `d_down` (the target goes to 0) and `d_up` (it goes to T) over the staff group's band counts
at every level, each a null vector of the relations the release carries for them (the four parts
add up to the total; the bands add up to the staff group's total, which stays as it is; trusts add
up to each area, and England stays as it is), with every count at least 0 at the end, no band-group
white or BME sum of an area changed where a ratio is published (nor a trust's the previous release
published), a trust's at a cost, and no cell a reader knows, nor a published zero, moved. The cost
is the L1 norm: a unit through a trust's cell costs 1, through an area's cell `AREA_UNIT`, through a
trust's band-group sum `RATIO_UNIT`; through a cell hidden already `HIDDEN_SHARE` of its own, so that
nothing moves without need. HiGHS (one thread, no presolve, fixed seed) solves it as a linear
program. The feasibility interval is the linear program's (a reader's bound over real numbers, as
tau-ARGUS audits), so a vertex with halves or quarters is as good a witness as a whole one: each end
is written as whole deltas taken 1/k of the way (k = 1, 2, 4 or 8, exact in JSON); a vertex with
other fractions is not used. The two ends are the certificate's two moves (deltas any non-zero
integer), with steps (1/k, 0) down and (0, 1/k) up: the audit checks them against its own relations
exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

from wres.vocabulary import BAND_GROUPS as BAND_LEVELS
from wres.vocabulary import DISPARITY_RATIOS
from wres.vocabulary import HEADCOUNT_PARTS as PARTS

AREA_UNIT = 50.0
RATIO_UNIT = 500.0
TOWARDS_GOAL = 1e5    # a unit of the target's way, when its goal is out of reach, outweighs any path's cost
HIDDEN_SHARE = 0.01   # a cell hidden already costs this share of its unit: nothing moves without need
SCALES = (1, 2, 4, 8)  # a vertex's fractions: powers of two, so that a step 1/scale is exact in a certificate's JSON


@dataclass(frozen=True)
class End:
    """One end of a target's interval: whole deltas `d` over a program's rows, taken `1/scale` of the way."""

    d: np.ndarray
    scale: int

    @property
    def step(self) -> float:
        return 1.0 / self.scale


class GroupProgram:
    """One staff group's band counts over every area of a year, as a linear program whose bounds
    and costs change with each target (the structure does not)."""

    def __init__(self, grid: np.ndarray, values: np.ndarray, names: list[str], group: str, areas,
                 band_levels: dict[str, str], ratio_columns: list[tuple[str, str]]):
        self.bands = [j for j, n in enumerate(names) if n.startswith(f"{group}|") and not n.endswith("|all")]
        sub = grid[:, self.bands, :]                                      # (areas, bands, parts)
        complete = (sub >= 0).all(axis=2)                                 # a band with all four parts
        present = np.broadcast_to(complete[:, :, None], sub.shape).ravel()
        n = int(present.sum())
        var = np.full(sub.size, -1, dtype=np.int64)
        var[present] = np.arange(n)
        self.var = var.reshape(sub.shape)
        self.n = n
        self.rows = sub.ravel()[present]
        self.values = values[:, self.bands, :].ravel()[present]
        self.where = np.argwhere(self.var >= 0)                           # (n, 3): area, band, part
        relations = []
        white, bme, unknown, total = (self.var[:, :, q] for q in range(4))
        # The parts add up to the total.
        for i in np.flatnonzero(complete.ravel()):
            a, b = divmod(int(i), len(self.bands))
            relations.append(([white[a, b], bme[a, b], unknown[a, b], total[a, b]], [1, 1, 1, -1]))
        # The bands add up to the staff group's total, which stays.
        for a in range(self.var.shape[0]):
            for q in range(4):
                cols = self.var[a, :, q][self.var[a, :, q] >= 0]
                if len(cols):
                    relations.append((cols.tolist(), [1] * len(cols)))
        # The trusts add up to each area; England (and any level without its area) stays.
        trust_vars = self.var[areas.trusts]                               # (trusts, bands, parts)
        england = [i for (lv, _), i in areas.index.items() if lv == "england"]
        parents = [(areas.parent[lv], None) for lv in areas.levels] + [(np.zeros(len(areas.trusts), dtype=int),
                                                                        england[0] if england else None)]
        for parent, fixed_area in parents:
            for p in np.unique(parent[parent >= 0] if fixed_area is None else parent):
                members = trust_vars[parent == p]
                own = self.var[p if fixed_area is None else fixed_area]
                for b in range(len(self.bands)):
                    for q in range(4):
                        cols = members[:, b, q][members[:, b, q] >= 0].tolist()
                        coef = [1] * len(cols)
                        if own[b, q] >= 0:
                            cols, coef = cols + [int(own[b, q])], coef + [-1]
                        if cols:
                            relations.append((cols, coef))
        self.relations = _matrix(relations, n)
        # Band-group sums of white and BME per area: a row each, with a slack whose bounds and cost
        # say whether the sum may change.
        level_of = [band_levels.get(names[j]) for j in self.bands]
        sums = []
        self.sum_key = []
        for a in range(self.var.shape[0]):
            for level in BAND_LEVELS:
                members = [b for b, lv in enumerate(level_of) if lv == level]
                for q in (PARTS.index("white"), PARTS.index("bme")):
                    cols = [int(self.var[a, b, q]) for b in members if self.var[a, b, q] >= 0]
                    if cols:
                        sums.append((cols, [1] * len(cols)))
                        self.sum_key.append((a, level))
        self.sums = _matrix(sums, n)
        self.ratio_columns = [c for c, (g, _) in enumerate(ratio_columns) if g == group]
        self.ratio_levels = [DISPARITY_RATIOS[m] for g, m in ratio_columns if g == group]
        self.is_trust = np.zeros(self.var.shape[0], dtype=bool)
        self.is_trust[areas.trusts] = True
        # Per sum row: its area, and which of the group's ratio columns are built from it.
        self.sum_area = np.array([a for a, _ in self.sum_key], dtype=np.int64)
        self.sum_uses = np.array([[level in levels for levels in self.ratio_levels] for _, level in self.sum_key],
                                 dtype=bool).reshape(len(self.sum_key), len(self.ratio_levels))
        self.highs = self._model()

    def _model(self) -> highspy.Highs:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", 0)
        # Measured on the national landing zone: presolve costs 0.2 s a program, the simplex 0.03 s.
        h.setOptionValue("presolve", "off")
        n, r = self.n, self.sums.shape[0]
        # Columns: d = p - m (p, m >= 0), then the sums' slacks s = u - w (u, w >= 0).
        h.addVars(2 * n + 2 * r, np.zeros(2 * n + 2 * r), np.zeros(2 * n + 2 * r))
        eye = sparse.identity(r, format="csr")
        no_slack = sparse.csr_matrix((self.relations.shape[0], 2 * r))
        a = sparse.vstack([sparse.hstack([self.relations, -self.relations, no_slack]),
                           sparse.hstack([self.sums, -self.sums, -eye, eye])]).tocsr()
        zeros = np.zeros(a.shape[0])
        h.addRows(a.shape[0], zeros, zeros, a.nnz, a.indptr.astype(np.int32), a.indices.astype(np.int32),
                  a.data.astype(np.float64))
        return h

    def solve(self, target_row: int, goal: float, hidden: np.ndarray, fixed: np.ndarray,
              ratio_hidden: np.ndarray, ratio_known: np.ndarray, as_far: bool = False) -> End | None:
        """Deltas over `self.rows` taking the target row by `goal`, or None when there are none.
        `hidden`, `fixed`: per release row; `ratio_hidden`, `ratio_known`: per area and ratio column.
        `as_far`: as far towards `goal` as the relations allow, when it cannot be reached (a withheld
        trust's count inside an area's keeps the area's from 0); None when not even one step."""
        n, r = self.n, self.sums.shape[0]
        inf = highspy.kHighsInf
        where = np.flatnonzero(self.rows == target_row)
        if not len(where):
            return None
        t = int(where[0])
        still = fixed[self.rows] | ((self.values == 0) & ~hidden[self.rows]) | (self.values < 0)
        p_upper = np.where(still, 0.0, inf)
        m_upper = np.where(still, 0.0, np.maximum(self.values, 0.0))
        p_upper[t] = max(goal, 0.0)
        m_upper[t] = max(-goal, 0.0)
        p_lower = np.zeros(n)
        m_lower = np.zeros(n)
        if not as_far:
            p_lower[t], m_lower[t] = p_upper[t], m_upper[t]
        area = self.where[:, 0]
        cost = np.where(self.is_trust[area], 1.0, AREA_UNIT) * np.where(hidden[self.rows], HIDDEN_SHARE, 1.0)
        # A band-group sum: fixed where an area's ratio built from it is published, or a trust's that a
        # reader has; a trust's costs RATIO_UNIT a unit; free where no published ratio uses it.
        published = self.sum_uses & ~ratio_hidden[self.sum_area][:, self.ratio_columns]
        unknown = ~(published & ratio_known[self.sum_area][:, self.ratio_columns]).any(axis=1)
        at_cost = published.any(axis=1) & self.is_trust[self.sum_area] & unknown
        s_upper = np.where(~published.any(axis=1) | at_cost, inf, 0.0)
        s_cost = np.where(at_cost, RATIO_UNIT, 0.0)
        lower = np.concatenate([p_lower, m_lower, np.zeros(2 * r)])
        upper = np.concatenate([p_upper, m_upper, s_upper, s_upper])
        if as_far:
            cost[t] = -TOWARDS_GOAL
        costs = np.concatenate([cost, cost, s_cost, s_cost])
        columns = np.arange(2 * n + 2 * r, dtype=np.int32)
        h = self.highs
        h.clearSolver()     # from scratch: the last target's basis only slows this one
        h.changeColsBounds(len(columns), columns, lower, upper)
        h.changeColsCost(len(columns), columns, costs)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.array(h.getSolution().col_value)
        end = whole_multiple(x[:n] - x[n:2 * n])
        if end is None:
            return None
        d, scale = end.d, end.scale
        # Checked exactly: every relation, every count it moves at least 0 (a missing value never moves),
        # the target at its goal, and every sum that may not change unchanged.
        reached = d[t] == round(goal) * scale if not as_far else d[t] * goal > 0
        if (self.relations @ d != 0).any() or ((self.values * scale + d < 0) & (d != 0)).any() or not reached:
            return None
        if (((self.sums @ d) != 0) & (s_upper == 0)).any() or (d[still] != 0).any():
            return None
        return End(d, scale)


def whole_multiple(found: np.ndarray) -> End | None:
    """A solver's vertex as whole deltas and the fraction of them it is: a vertex may have halves or
    quarters, and the feasibility interval is the linear program's (a reader's bound over real
    numbers, as tau-ARGUS audits), so such a point is as good a witness as a whole one. None when
    its fractions are not halves, quarters or eighths (a step would not be exact in JSON)."""
    for scale in SCALES:
        scaled = found * scale
        if np.abs(scaled - np.round(scaled)).max(initial=0.0) < 1e-6:
            return End(np.round(scaled).astype(np.int64), scale)
    return None


def _matrix(relations: list[tuple[list[int], list[int]]], n: int) -> sparse.csr_matrix:
    rows = np.repeat(np.arange(len(relations)), [len(c) for c, _ in relations])
    cols = np.concatenate([np.asarray(c, dtype=np.int64) for c, _ in relations]) if relations else np.array([], int)
    data = np.concatenate([np.asarray(v, dtype=np.int64) for _, v in relations]) if relations else np.array([], int)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(relations), n), dtype=np.int64)
