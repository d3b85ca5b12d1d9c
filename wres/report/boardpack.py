"""A trust's board pack: each indicator this year against the two years before, the trusts of its
type and region, and England, with one sentence that says it plainly and one chart. A region's or
an ICB's page has the same, against England only.

Every figure is a published one (wres.report.data); a hidden value says why it is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wres import vocabulary
from wres.report import charts
from wres.report.comparators import Comparators, quartile, quartile_words
from wres.report.data import HEADLINES, LIKELIHOODS, SHORT, SURVEY
from wres.report.text import why_hidden

# The measures of each indicator a board reads, first the one its sentence and chart lead with.
PACK_MEASURES = {1: ["pct_bme"], 2: ["relative_likelihood"], 3: ["relative_likelihood"], 4: ["relative_likelihood"],
                 5: ["pct_bme", "pct_white"], 6: ["pct_bme", "pct_white"], 7: ["pct_bme", "pct_white"],
                 8: ["pct_bme", "pct_white"], 9: ["pct_bme_board", "pct_bme_workforce", "gap_pp"]}
# Who is compared with whom in the relative likelihoods: (more likely group, other group, what happens).
LIKELIHOOD_WORDS = {2: ("White applicants", "BME applicants", "to be appointed from shortlisting"),
                    3: ("BME staff", "white staff", "to enter the formal disciplinary process"),
                    4: ("White staff", "BME staff", "to access non-mandatory training")}
SURVEY_WORDS = {5: "experienced harassment, bullying or abuse from patients, relatives or the public",
                6: "experienced harassment, bullying or abuse from staff",
                7: "believed the trust gives equal opportunities for career progression",
                8: "experienced discrimination at work from a manager, team leader or colleague"}
# The lines of each indicator's chart: measure -> its name on the chart.
CHART_SERIES = {1: {"pct_bme": "BME staff"}, 9: {"pct_bme_board": "BME % of board", "pct_bme_workforce": "BME % of staff"}}
CHART_SERIES.update({i: {"relative_likelihood": "relative likelihood"} for i in LIKELIHOODS})
CHART_SERIES.update({i: {"pct_bme": "BME staff", "pct_white": "white staff"} for i in SURVEY})


@dataclass(frozen=True)
class Area:
    """Whose pack: a trust (with its type and region, its comparators) or a region or ICB (England only)."""

    level: str
    code: str
    name: str
    trust_type: str | None = None
    region_code: str | None = None

    @classmethod
    def of_trust(cls, t) -> "Area":
        return cls("trust", t.org_code, t.trust_name, t.trust_type, t.region_code)


@dataclass
class Cell:
    """One published value as the pack uses it: its number, or why there is none."""

    value: float | None
    reason: str  # "" when there is a value
    flags: str = ""


@dataclass
class PackRow:
    heading: str
    years: list[tuple[int, str]]
    change: str
    type_median: str
    quartile: str
    region_median: str
    england: str
    four_fifths: str = ""
    significance: str = ""


@dataclass
class PackSection:
    indicator: int
    title: str
    sentence: str
    rows: list[PackRow] = field(default_factory=list)
    chart: charts.Figure | None = None


class History:
    """Every published value (breakdown 'all') by (year, level, area, indicator, measure)."""

    def __init__(self, summary: pd.DataFrame, absent: dict[tuple[int, int], str] | None = None):
        """`absent`: why an indicator of a year has no value, by (year, indicator) (a source gap)."""
        self.absent = absent or {}
        rows = summary[summary["breakdown"] == "all"]
        keys = zip(*(rows[c].tolist() for c in ("wres_year", "level", "area_code", "indicator", "measure")))
        cells = zip(rows["value"].tolist(), rows["suppressed"].tolist(), rows["suppression_reason"].tolist(),
                    rows["flags"].tolist())
        self.cells = {(int(y), lv, a, int(i), m): Cell(None if s or pd.isna(v) else float(v),
                                                         why_hidden(r) if s else ("not defined" if pd.isna(v) else ""),
                                                         f if isinstance(f, str) else "")
                      for (y, lv, a, i, m), (v, s, r, f) in zip(keys, cells)}
        self.years = sorted({k[0] for k in self.cells})

    def get(self, year, level, area, indicator, measure) -> Cell:
        return self.cells.get((year, level, area, indicator, measure),
                              Cell(None, self.absent.get((year, indicator), "not reported")))


def formatted(value: float | None, measure: str, signed: bool = False) -> str:
    if value is None:
        return ""
    if measure == "gap_pp":
        text = f"{value:+.1f} points" if signed else f"{value:.1f} points"
    elif measure.startswith(("pct_", "rate_")):
        text = f"{value:+.1f} points" if signed else f"{value:.1f}%"
    else:
        text = f"{value:+.2f}" if signed else f"{value:.2f}"
    return text


def _text(cell: Cell, measure: str) -> str:
    return formatted(cell.value, measure) if cell.value is not None else cell.reason


class BoardPack:
    def __init__(self, history: History, comparators: Comparators, year: int, four_fifths: tuple[float, float]):
        self.h, self.c, self.year, self.four_fifths = history, comparators, year, four_fifths

    def sections(self, area: Area) -> list[PackSection]:
        return [self.section(area, indicator) for indicator in PACK_MEASURES]

    def section(self, area: Area, indicator: int) -> PackSection:
        level, code, kind, region = area.level, area.code, area.trust_type, area.region_code
        years = [y for y in (self.year - 2, self.year - 1, self.year) if y in self.h.years]
        rows = []
        for measure in PACK_MEASURES[indicator]:
            m = vocabulary.measure(indicator, measure)
            now, before = self.h.get(self.year, level, code, indicator, measure), \
                self.h.get(self.year - 1, level, code, indicator, measure)
            change = formatted(now.value - before.value, measure, signed=True) \
                if now.value is not None and before.value is not None else ""
            peers = self.c.values(self.year, "trust_type", kind, indicator, measure) if kind else []
            row = PackRow(
                heading=m.heading,
                years=[(y, _text(self.h.get(y, level, code, indicator, measure), measure)) for y in years],
                change=change,
                type_median=formatted(self.c.median(self.year, "trust_type", kind, indicator, measure), measure)
                if kind else "",
                quartile=quartile_words(quartile(peers, now.value, m.direction), m.direction)
                if now.value is not None and len(peers) >= 4 else "",
                region_median=formatted(self.c.median(self.year, "region_code", region, indicator, measure), measure)
                if region else "",
                england=_text(self.h.get(self.year, "england", "ENG", indicator, measure), measure))
            if measure == "relative_likelihood":
                row.four_fifths = ("outside the four-fifths range" if "adverse_impact" in now.flags
                                   else "within the four-fifths range") if now.value is not None else ""
                row.significance = ("statistically significant" if "significant" in now.flags
                                    else "not statistically significant") if now.value is not None else ""
            rows.append(row)
        return PackSection(indicator, f"Indicator {indicator}: {HEADLINES[indicator][1]}",
                           self.sentence(area, indicator), rows, self.chart(area, indicator))

    # --- the sentence --------------------------------------------------------------------------

    def _against_peers(self, value: float, indicator: int, measure: str, kind: str | None) -> str:
        median = self.c.median(self.year, "trust_type", kind, indicator, measure) if kind else None
        if median is None:
            return ""
        same = formatted(value, measure) == formatted(median, measure)  # as the reader sees them
        side = "the same as" if same else "higher than" if value > median else "lower than"
        return f"{side} at most {kind} trusts (median {formatted(median, measure)})" if side != "the same as" \
            else f"the same as the median {kind} trust ({formatted(median, measure)})"

    def _since(self, now: float, indicator: int, measure: str, area: Area) -> str:
        before = self.h.get(self.year - 1, area.level, area.code, indicator, measure).value
        if before is None:
            return ""
        # Compared as the reader sees them: 29.43 against 29.38, both shown as 29.4, is unchanged.
        shown_now, shown_before = formatted(now, measure), formatted(before, measure)
        word = "unchanged from" if shown_now == shown_before else "up from" if now > before else "down from"
        return f"{word} {shown_before} in {self.year - 1}"

    def sentence(self, area: Area, indicator: int) -> str:
        level, code, kind = area.level, area.code, area.trust_type
        measure = PACK_MEASURES[indicator][0]
        cell = self.h.get(self.year, level, code, indicator, measure)
        if cell.value is None:
            what = HEADLINES[indicator][1].split(" (")[0]
            return f"{what}: the {self.year} figure is {cell.reason}."
        v = cell.value
        if indicator in LIKELIHOODS:
            more, other, event = LIKELIHOOD_WORDS[indicator]
            lead = f"{more} were {v:.2f} times as likely as {other} {event}"
            tail = ["outside the four-fifths range" if "adverse_impact" in cell.flags else "within the four-fifths range"]
        elif indicator in SURVEY:
            white = self.h.get(self.year, level, code, indicator, "pct_white").value
            lead = f"{v:.1f}% of BME staff {SURVEY_WORDS[indicator]}"
            if white is not None:
                lead += f", against {white:.1f}% of white staff"
            tail = []
        elif indicator == 9:
            gap = self.h.get(self.year, level, code, 9, "gap_pp").value
            lead = f"{v:.1f}% of board members were BME"
            if gap is not None:
                lead += f", {abs(gap):.1f} percentage points {'below' if gap < 0 else 'above'} the BME share of staff"
            tail = []
        else:
            lead = f"{v:.1f}% of staff were BME"
            tail = []
        parts = [lead, self._since(v, indicator, measure, area)]
        parts = [", ".join(p for p in parts if p)]
        england = self.h.get(self.year, "england", "ENG", indicator, measure).value
        parts += [self._against_peers(v, indicator, measure, kind)]
        parts += [f"England {formatted(england, measure)}" if england is not None else ""] + tail
        return "; ".join(p for p in parts if p) + "."

    # --- the chart -------------------------------------------------------------------------------

    def chart(self, area: Area, indicator: int) -> charts.Figure:
        level, code, kind = area.level, area.code, area.trust_type
        series = CHART_SERIES[indicator]
        points, band = [], []
        lead = PACK_MEASURES[indicator][0]
        for year in self.h.years:
            for measure, name in series.items():
                points.append({"year": year, "series": name,
                               "value": self.h.get(year, level, code, indicator, measure).value})
            quarters = self.c.quarters(year, "trust_type", kind, indicator, lead) if kind else None
            if quarters:
                band.append({"year": year, "lower": quarters[0], "upper": quarters[1]})
        unit = vocabulary.measure(indicator, lead).unit
        band_name = f"middle half of {kind} trusts ({series[lead]})"
        return charts.labelled_lines(f"Indicator {indicator}, {SHORT[indicator].lower()}: {area.name}",
                                     points, unit, band, band_name,
                                     self.four_fifths if indicator in LIKELIHOODS else None)
