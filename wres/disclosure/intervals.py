"""Feasibility intervals by linear programming: the smallest and largest value each hidden
sensitive cell can take given what a reader has (docs/METHODOLOGY.md, "Disclosure control").

The constraints are the audit's own (wres.disclosure.audit.build_system): every linear relation
the release carries, the values a reader knows (published now, or unchanged from the previous
release of the year) fixed, and non-negativity (counts, events, respondents, answers at least 0;
percentages from 0 to 100). Two linear programs per cell, solved with HiGHS through highspy, one
thread and a fixed order, so the same release gives the same intervals. It is an independent
measurement, not the gate's proof (the certificates are): one LP per cell is too slow at
national size, and meant for tests and small landing zones. An LP relaxation treats counts as
real numbers, so its interval is what a reader learns at least (integer reasoning may narrow it).
"""

from __future__ import annotations

import math

import highspy
import numpy as np
import pandas as pd

from wres.disclosure.audit import KEY, reader_system

WITHHELD = "declaration<80%"
NON_NEGATIVE = ("hc", "ev", "base", "n", "y", "nl")
PERCENTAGES = ("p", "q")


def value_unknown(key: tuple) -> tuple | None:
    """The audit unknown whose value a release cell (indicator, level, area, breakdown, measure)
    is, in the unit of that unknown: a headcount, indicator 3 and 4's event count behind a rate,
    a survey group's respondents or percentage. None for a figure the relations do not carry."""
    ind, lv, ac, bd, m = key
    if ind == 1 and m.startswith("headcount_"):
        return ("hc", lv, ac, bd, m.removeprefix("headcount_"))
    if ind in (3, 4) and m in ("rate_white", "rate_bme"):
        return ("ev", ind, lv, ac, m.removeprefix("rate_"))
    if ind in (5, 6, 7, 8):
        for prefix, kind in (("respondents_", "n"), ("pct_", "p")):
            if m.startswith(prefix):
                group = m.removeprefix(prefix)
                if group.endswith("_legacy"):
                    kind, group = "q", group.removesuffix("_legacy")
                if group in ("white", "bme"):
                    return (kind, ind, lv, ac, group)
    return None


def feasibility_intervals(published: pd.DataFrame, trusts: pd.DataFrame, truth: pd.DataFrame,
                          previous: pd.DataFrame | None = None, withheld_known: bool = False,
                          cells: list[tuple] | None = None) -> pd.DataFrame:
    """One row per hidden sensitive cell (or per cell of `cells`, release keys without the year)
    that the relations carry: KEY, `unknown` (what the interval is of), `lower` and `upper`
    (inf when nothing bounds it above).

    `withheld_known`: take every withheld trust's (declaration<80%) values as known to a reader,
    as the standard requires of any cell but the one measured (area totals may give them away).
    """
    known_rows, effective, system, stands_for, known = reader_system(published, trusts, truth, previous)
    year = int(published["wres_year"].iloc[0]) if len(published) else None
    keys = list(zip(*(effective[c].tolist() for c in KEY[1:])))
    shown = dict(zip(keys, effective["value"].astype(float).tolist()))
    true = dict(zip(zip(*(truth[c].tolist() for c in KEY[1:])), truth["value"].astype(float).tolist()))
    fixed: dict[int, float] = {}
    for key in sorted(known_rows):
        for name in stands_for.get(key, []):
            v = system.ids.get(name)
            if v in known and not pd.isna(shown.get(key)):
                fixed[v] = float(shown[key])
    withheld: dict[int, float] = {}
    if withheld_known and "suppression_reason" in published:
        for key, reason in zip(keys, published["suppression_reason"].tolist()):
            name = value_unknown(key)
            if reason == WITHHELD and name in system.ids and name[0] in ("hc", "n") and not pd.isna(true.get(key)):
                withheld[system.ids[name]] = float(true[key])
    if cells is None:
        sensitive = truth[truth["is_sensitive"].fillna(False).astype(bool)]
        cells = sorted(k for k in zip(*(sensitive[c].tolist() for c in KEY[1:])) if pd.isna(shown.get(k)))
    targets = [(k, value_unknown(k)) for k in cells]
    targets = [(k, name) for k, name in targets if name is not None and name in system.ids]

    lp = _model(system, fixed, withheld)
    rows = []
    for key, name in targets:
        v = system.ids[name]
        lower, upper = _bounds_of(lp, v, system, fixed, withheld)
        rows.append((year, *key, "/".join(map(str, name)), lower, upper))
    return pd.DataFrame(rows, columns=KEY + ["unknown", "lower", "upper"])


def _column_bounds(name: tuple) -> tuple[float, float]:
    if name[0] in PERCENTAGES:
        return 0.0, 100.0
    if name[0] in NON_NEGATIVE:
        return 0.0, math.inf
    return -math.inf, math.inf


def _model(system, fixed: dict[int, float], withheld: dict[int, float]) -> highspy.Highs:
    lp = highspy.Highs()
    lp.setOptionValue("output_flag", False)
    lp.setOptionValue("threads", 1)
    lp.setOptionValue("random_seed", 0)
    inf = highspy.kHighsInf
    count = len(system.names)
    lower = np.empty(count)
    upper = np.empty(count)
    for v, name in enumerate(system.names):
        lo, hi = _column_bounds(name)
        if v in fixed or v in withheld:
            lo = hi = fixed.get(v, withheld.get(v))
        lower[v], upper[v] = lo, (inf if math.isinf(hi) else hi)
    lower[np.isinf(lower)] = -inf
    lp.addVars(count, lower, upper)
    for relation in system.relations:
        index = np.array(sorted(relation), dtype=np.int32)
        values = np.array([float(relation[i]) for i in index], dtype=np.float64)
        lp.addRow(0.0, 0.0, len(index), index, values)
    return lp


def _bounds_of(lp: highspy.Highs, v: int, system, fixed: dict[int, float], withheld: dict[int, float]
               ) -> tuple[float, float]:
    """min and max of unknown v (its own withheld value, if any, freed while it is measured)."""
    inf = highspy.kHighsInf
    if v in fixed:
        return fixed[v], fixed[v]
    if v in withheld:
        lo, hi = _column_bounds(system.names[v])
        lp.changeColBounds(v, lo, inf if math.isinf(hi) else hi)
    out = []
    lp.changeColCost(v, 1.0)
    for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
        lp.changeObjectiveSense(sense)
        lp.run()
        status = lp.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            out.append(round(lp.getInfo().objective_function_value, 6) + 0.0)
        elif status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible) \
                and sense == highspy.ObjSense.kMaximize:
            out.append(math.inf)
        else:
            raise RuntimeError(f"feasibility interval of {'/'.join(map(str, system.names[v]))}: "
                               f"the release's relations have no solution ({lp.modelStatusToString(status)})")
    lp.changeColCost(v, 0.0)
    if v in withheld:
        lp.changeColBounds(v, withheld[v], withheld[v])
    return out[0], out[1]
