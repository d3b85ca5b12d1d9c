"""Comparator groups of a trust: the published values of the trusts of its type and of its region,
each year, their best/median/worst (lowest/median/highest where no direction is better) and the
trust's quartile within its type."""

from __future__ import annotations

import bisect
import math
import statistics

import pandas as pd

from wres import vocabulary
from wres.report.text import shown


def order_key(direction: str):
    """A key ordering values from best to worst (None when neither way is better)."""
    if direction == "parity":
        return lambda v: abs(math.log(v)) if v > 0 else math.inf
    if direction == "lower":
        return lambda v: v
    if direction == "higher":
        return lambda v: -v
    return None


def benchmark(values: list[float], indicator: int, measure: str) -> tuple[str, str, str]:
    """(best, median, worst) of a comparator group's published values, or (lowest, median, highest)
    when the measure has no better direction: `vocabulary.measure(...).extremes` names them."""
    if not values:
        return ("", "", "")
    key = order_key(vocabulary.measure(indicator, measure).direction)
    ordered = sorted(values, key=key) if key else sorted(values)
    return (shown(ordered[0], measure), shown(statistics.median(values), measure), shown(ordered[-1], measure))


def quartile(values: list[float], value: float, direction: str) -> int:
    """The quarter (1-4) of `values` that `value` falls in, ordered best first where a direction is
    better, lowest first otherwise: 1 + the share of the other values ahead of it, in quarters."""
    key = order_key(direction) or (lambda v: v)
    ranked = sorted(key(v) for v in values)
    ahead = bisect.bisect_left(ranked, key(value))
    return min(4, 1 + (4 * ahead) // max(len(values), 1))


QUARTERS = {"": ("lowest quarter", "second-lowest quarter", "second-highest quarter", "highest quarter"),
            "best": ("best quarter", "second-best quarter", "second-worst quarter", "worst quarter")}


def quartile_words(q: int, direction: str) -> str:
    return QUARTERS["best" if direction else ""][q - 1]


class Comparators:
    """Published trust values by (year, group kind, group, indicator, measure), breakdown 'all'."""

    def __init__(self, summary: pd.DataFrame, trusts: pd.DataFrame):
        rows = summary[(summary["level"] == "trust") & (summary["breakdown"] == "all") & summary["value"].notna()]
        rows = rows.merge(trusts[["org_code", "trust_type", "region_code"]], left_on="area_code", right_on="org_code")
        self.groups: dict[tuple, list[float]] = {}
        for kind in ("trust_type", "region_code"):
            for key, frame in rows.groupby(["wres_year", kind, "indicator", "measure"], sort=True):
                year, group, indicator, measure = key
                self.groups[(int(year), kind, group, int(indicator), measure)] = sorted(frame["value"].tolist())

    def values(self, year: int, kind: str, group: str, indicator: int, measure: str) -> list[float]:
        return self.groups.get((year, kind, group, indicator, measure), [])

    def median(self, year: int, kind: str, group: str, indicator: int, measure: str) -> float | None:
        values = self.values(year, kind, group, indicator, measure)
        return statistics.median(values) if values else None

    def quarters(self, year: int, kind: str, group: str, indicator: int, measure: str) -> tuple | None:
        """(first quartile, third quartile) of the group's values: the band the charts shade."""
        values = self.values(year, kind, group, indicator, measure)
        if len(values) < 2:
            return None
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        return q1, q3
