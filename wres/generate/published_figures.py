"""The England (and regional) figures the WRES 2022 national report publishes, and a comparison
of a release folder with them.

The demo landing zone at `--scale 1.0` is calibrated so that the warehouse reproduces these
figures (`calibration` holds the generator's targets). Every figure carries the report section
and sentence it comes from; the report has no page numbers, so the citation is its section
heading. Figures are by WRES year: the staff survey figures the report gives for survey year
2021 are WRES 2022 figures (docs/METHODOLOGY.md, "Years").

Not compared, though the report gives them: breakdowns by gender, detailed ethnicity and
occupation (mart `wres_survey_breakdown`, published in a release as rounded percentages,
but not modelled by the generator); "just under half of trusts" above 1.25 for indicator 3 (not a number, and the
release counts trusts outside 0.80-1.25 on both sides); board member counts (the report's
"increase of 38.1% (128 individuals)" is dated both 2020-2022 and 2021-2022).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPORT = "WRES 2022 national report"
# Relative tolerance: England and regional figures must be within 2% of the published value.
# Shares of trusts depend on trust-level spread, not on the England calibration: 5%.
TOLERANCE = 0.02
TRUST_SHARE_TOLERANCE = 0.05


@dataclass(frozen=True)
class PublishedFigure:
    wres_year: int
    indicator: int
    measure: str  # a measure of wres_indicator_summary, or a column of wres_trust_share
    published: float
    source: str  # "section: sentence" of the report
    area_code: str = "ENG"  # ENG or an NHS England region code
    # A breakdown of wres_indicator_summary; several joined by "+" are pooled from their
    # headcounts (pct_bme = sum headcount_bme / sum headcount_total).
    breakdown: str = "all"
    table: str = "wres_indicator_summary"  # or wres_trust_share
    tolerance: float = TOLERANCE

    @property
    def label(self) -> str:
        area = "" if self.area_code == "ENG" else f" {REGION_NAMES.get(self.area_code, self.area_code)}"
        breakdown = "" if self.breakdown == "all" else f" {self.breakdown.replace('+', ' + ')}"
        return f"{self.measure}{breakdown}{area}"


REGION_NAMES = {"Y56": "London", "Y58": "South West", "Y59": "South East", "Y60": "Midlands",
                "Y61": "East of England", "Y62": "North West", "Y63": "North East and Yorkshire"}

_KEY = "Key findings"
_I1 = "WRES indicator 1, National, March 2022"
_I1R = "WRES indicator 1, Regional, March 2022"
_I1NC = "WRES indicator 1, AfC pay band, non-clinical staff, March 2022"
_I1C = "WRES indicator 1, AfC pay band, clinical staff outside of doctors, March 2022"
_I1M = "WRES indicator 1, doctors, March 2022"
_I1B = "WRES indicator 1, AfC pay band, March 2022"
_AFC_BAND_5 = "Non-clinical|Band 5+Clinical non-medical|Band 5"
_AFC_VSM = "Non-clinical|VSM+Clinical non-medical|VSM"


def _f(year, indicator, measure, published, section, sentence, **kw) -> PublishedFigure:
    return PublishedFigure(year, indicator, measure, published, f'{REPORT}, {section}: "{sentence}"', **kw)


PUBLISHED: tuple[PublishedFigure, ...] = (
    # Indicator 1: BME share of all staff (unknown ethnicity in the denominator) and headcount.
    _f(2022, 1, "pct_bme", 24.2, _I1, "In March 2022, 24.2% of the workforce across NHS trusts came from a "
       "BME background (337,038 people)."),
    _f(2022, 1, "headcount_bme", 337_038, _I1, "In March 2022, 24.2% of the workforce across NHS trusts came "
       "from a BME background (337,038 people)."),
    _f(2021, 1, "pct_bme", 22.4, _KEY, "As at 31 March 2021, 22.4% (309,532) of staff working in NHS trusts in "
       "England were from a BME background."),
    _f(2021, 1, "headcount_bme", 309_532, _KEY, "As at 31 March 2021, 22.4% (309,532) of staff working in NHS "
       "trusts in England were from a BME background."),
    _f(2018, 1, "pct_bme", 19.1, _KEY, "Since 2018 the number of BME staff has increased by over 100,000 (with "
       "BME representation increasing from 19.1% to 24.2%)."),
    _f(2018, 1, "headcount_bme", 337_038 - 101_680, _I1, "Across all NHS trusts there were 101,680 more BME "
       "staff in 2022 compared to 2018 (337,038 - 101,680)."),
    _f(2022, 1, "pct_bme", 49.9, _I1R, "London had the highest percentage of BME staff at 49.9%", area_code="Y56"),
    _f(2022, 1, "pct_bme", 12.8, _I1R, "whilst the South West had the lowest percentage of BME staff at 12.8%.",
       area_code="Y58"),
    _f(2022, 1, "pct_bme", 34.3, _I1B, "34.3% of the workforce at AfC band 5 was from a BME background.",
       breakdown=_AFC_BAND_5),
    _f(2022, 1, "pct_bme", 10.3, _I1B, "BME representation fell after AfC band 5 to a low of 10.3% at the Very "
       "Senior Manager level.", breakdown=_AFC_VSM),
    _f(2022, 1, "headcount_bme", 341, _KEY, "The total number of BME staff at very senior manager level has "
       "increased by 69.7% since 2018 from 201 to 341.", breakdown=_AFC_VSM),
    _f(2018, 1, "headcount_bme", 201, _KEY, "The total number of BME staff at very senior manager level has "
       "increased by 69.7% since 2018 from 201 to 341.", breakdown=_AFC_VSM),
    _f(2022, 1, "pct_bme", 16.3, _I1NC, "In non-clinical roles, BME representation was at 16.3% overall.",
       breakdown="Non-clinical|all"),
    _f(2022, 1, "pct_bme", 18.8, _I1NC, "BME representation peaked at 18.8% at AfC band 6",
       breakdown="Non-clinical|Band 6"),
    _f(2022, 1, "pct_bme", 15.7, _I1NC, "underrepresentation occurs from AfC band 8A (15.7%) and above.",
       breakdown="Non-clinical|Band 8a"),
    _f(2022, 1, "pct_bme", 9.7, _I1NC, "BME representation fell from band 8a and above to a low of 9.7% at Very "
       "Senior Manager level.", breakdown="Non-clinical|VSM"),
    _f(2022, 1, "pct_bme", 24.2, _I1C, "In clinical roles outside of medicine, BME representation was at 24.2% "
       "overall.", breakdown="Clinical non-medical|all"),
    _f(2022, 1, "pct_bme", 36.8, _I1C, "BME representation was highest at clinical AfC band 5 (36.8%)",
       breakdown="Clinical non-medical|Band 5"),
    _f(2022, 1, "pct_bme", 20.9, _I1C, "Progression above that falls dramatically, to 20.9% at AfC band 6",
       breakdown="Clinical non-medical|Band 6"),
    _f(2022, 1, "pct_bme", 16.6, _I1C, "and 16.6% at AfC band 7", breakdown="Clinical non-medical|Band 7"),
    _f(2022, 1, "pct_bme", 44.3, _I1M, "Within medicine BME representation was at 44.3% overall.",
       breakdown="Medical and dental|all"),
    _f(2022, 1, "pct_bme", 57.5, _I1M, "BME representation peaked in non consultant grades at 57.5%",
       breakdown="Medical and dental|Non-consultant career grade"),
    _f(2022, 1, "pct_bme", 39.0, _I1M, "falling to 39.0% amongst consultants",
       breakdown="Medical and dental|Consultant"),
    # Indicator 2: white relative to BME likelihood of appointment from shortlisting.
    _f(2022, 2, "relative_likelihood", 1.54, "Foreword", "the welcome change in this indicator (from 1.61 in "
       "2021 to 1.54 in 2022)"),
    _f(2021, 2, "relative_likelihood", 1.61, "Foreword", "the welcome change in this indicator (from 1.61 in "
       "2021 to 1.54 in 2022)"),
    _f(2022, 2, "pct_trusts_bme_worse_significant", 72.0, "WRES indicator 2, National and regional, March 2022",
       "At 72% of trusts white applicants were significantly more likely than BME applicants to be appointed "
       "from shortlisting.", table="wres_trust_share", tolerance=TRUST_SHARE_TOLERANCE),
    _f(2021, 2, "pct_trusts_bme_worse_significant", 71.5, "WRES indicator 2, National and regional, March 2022",
       "This is similar to the 71.5% last year", table="wres_trust_share", tolerance=TRUST_SHARE_TOLERANCE),
    # Indicator 3: BME relative to white likelihood of entering the formal disciplinary process,
    # on the method published that year (two-year rolling up to 2021, year end from 2022). The
    # warehouse starts in 2016, so 2016 has no rolling figure: it compares the year-end one.
    _f(2022, 3, "relative_likelihood_as_published", 1.14, _KEY, "BME staff were 1.14 times more likely to enter "
       "the formal disciplinary process compared to white staff."),
    _f(2021, 3, "relative_likelihood_as_published", 1.14, _KEY, "This is the same as in 2021."),
    _f(2016, 3, "relative_likelihood", 1.56, _KEY, "There is a significant improvement from 2016 when the "
       "likelihood ratio was 1.56."),
    # Indicators 5-8: England, headcount-weighted; WRES 2022 = staff survey 2021.
    _f(2022, 5, "pct_bme", 29.2, "WRES indicator 5", "In 2021, a higher percentage of BME staff (29.2%) than "
       "white staff (27.0%) have been harassed, bullied, or abused by patients"),
    _f(2022, 5, "pct_white", 27.0, "WRES indicator 5", "In 2021, a higher percentage of BME staff (29.2%) than "
       "white staff (27.0%) have been harassed, bullied, or abused by patients"),
    _f(2022, 5, "pct_trusts_bme_worse", 71.5, "WRES indicator 5", "For 71.5% of trusts, a higher proportion of "
       "BME staff compared to white staff experienced harassment, bullying or abuse from patients",
       table="wres_trust_share", tolerance=TRUST_SHARE_TOLERANCE),
    _f(2021, 5, "pct_trusts_bme_worse", 72.3, "WRES indicator 5", "This figure was 72.3% in 2020.",
       table="wres_trust_share", tolerance=TRUST_SHARE_TOLERANCE),
    _f(2022, 6, "pct_bme", 27.6, "WRES indicator 6", "higher for BME staff (27.6%) than for white staff (22.5%) "
       "in 2021."),
    _f(2022, 6, "pct_white", 22.5, "WRES indicator 6", "higher for BME staff (27.6%) than for white staff "
       "(22.5%) in 2021."),
    _f(2022, 6, "pct_trusts_bme_worse", 93.5, "WRES indicator 6", "For 93.5% of trusts, a higher proportion of "
       "BME staff compared to white staff experienced harassment, bullying or abuse from staff",
       table="wres_trust_share", tolerance=TRUST_SHARE_TOLERANCE),
    _f(2021, 6, "pct_trusts_bme_worse", 92.7, "WRES indicator 6", "This figure was 92.7% in 2020.",
       table="wres_trust_share", tolerance=TRUST_SHARE_TOLERANCE),
    _f(2022, 7, "pct_bme", 44.4, "WRES indicator 7", "A lower percentage of BME staff (44.4%) than white staff "
       "(58.7%) felt that their trust provides equal opportunities"),
    _f(2022, 7, "pct_white", 58.7, "WRES indicator 7", "A lower percentage of BME staff (44.4%) than white "
       "staff (58.7%) felt that their trust provides equal opportunities"),
    _f(2022, 7, "pct_trusts_bme_worse", 99.5, "WRES indicator 7", "At 99.5% of trusts, a lower percentage of "
       "BME staff than white staff felt that their trust provides equal opportunities",
       table="wres_trust_share", tolerance=TRUST_SHARE_TOLERANCE),
    _f(2021, 7, "pct_trusts_bme_worse", 98.6, "WRES indicator 7", "The figure was 98.6% in 2020.",
       table="wres_trust_share", tolerance=TRUST_SHARE_TOLERANCE),
    _f(2022, 8, "pct_bme", 17.0, "WRES indicator 8", "A higher percentage of BME staff (17.0%) than white staff "
       "(6.8%) experienced discrimination from other staff"),
    _f(2022, 8, "pct_white", 6.8, "WRES indicator 8", "A higher percentage of BME staff (17.0%) than white "
       "staff (6.8%) experienced discrimination from other staff"),
    _f(2022, 8, "pct_trusts_bme_worse", 100.0, "WRES indicator 8", "At all trusts, a higher percentage of BME "
       "staff than white staff experienced discrimination", table="wres_trust_share",
       tolerance=TRUST_SHARE_TOLERANCE),
    _f(2021, 8, "pct_trusts_bme_worse", 98.6, "WRES indicator 8", "In 2020 it was 98.6% of trusts.",
       table="wres_trust_share", tolerance=TRUST_SHARE_TOLERANCE),
    # Indicator 9: BME share of board members, and the gap to the workforce (board minus workforce, pp).
    _f(2022, 9, "pct_bme_board", 13.2, "WRES Indicator 9", "Nationally, 13.2% of board members recorded their "
       "ethnicity as BME"),
    _f(2022, 9, "gap_pp", -11.0, "WRES Indicator 9", "the gap between BME representation on boards and BME "
       "representation in workforces has increased from -9.7% in 2021 to -11.0% in 2022."),
    _f(2021, 9, "gap_pp", -9.7, "WRES Indicator 9", "the gap between BME representation on boards and BME "
       "representation in workforces has increased from -9.7% in 2021 to -11.0% in 2022."),
    _f(2022, 9, "gap_pp", -26.1, "WRES Indicator 9, all board members", "London, with almost 50% BME "
       "representation in its workforce, had the largest disparity [...] with a gap of 26.1%.",
       area_code="Y56"),
    _f(2022, 9, "pct_bme_board", 9.6, "WRES Indicator 9, executive board members", "9.6%, of executive "
       "directors recorded their ethnicity as BME", breakdown="executive"),
    _f(2021, 9, "pct_bme_board", 8.9, "WRES Indicator 9, executive board members", "compared to 2021, when "
       "representation was at 8.9%.", breakdown="executive"),
    _f(2022, 9, "gap_pp", -14.6, "WRES Indicator 9, executive board members", "the gap between BME "
       "representation in the workforce and on the board has increased, from 13.5% to 14.6%",
       breakdown="executive"),
    _f(2021, 9, "gap_pp", -13.5, "WRES Indicator 9, executive board members", "the gap between BME "
       "representation in the workforce and on the board has increased, from 13.5% to 14.6%",
       breakdown="executive"),
    _f(2022, 9, "pct_bme_board", 16.3, "WRES Indicator 9, non-executive board members", "16.3% of "
       "non-executive directors recorded their ethnicity as BME in 2022", breakdown="non_executive"),
    _f(2021, 9, "pct_bme_board", 16.2, "WRES Indicator 9, non-executive board members", "similar to the 16.2% "
       "seen in 2021.", breakdown="non_executive"),
    _f(2022, 9, "gap_pp", -7.9, "WRES Indicator 9, non-executive board members", "the gap between BME "
       "representation in the workforce and amongst non-executive board members has increased from 6.1% to "
       "7.9%", breakdown="non_executive"),
    _f(2021, 9, "gap_pp", -6.1, "WRES Indicator 9, non-executive board members", "the gap between BME "
       "representation in the workforce and amongst non-executive board members has increased from 6.1% to "
       "7.9%", breakdown="non_executive"),
)

COLUMNS = ["wres_year", "indicator", "area", "breakdown", "measure", "published", "ours", "relative_difference",
           "tolerance", "within_tolerance", "source"]


def published_frame() -> pd.DataFrame:
    """The published figures, one row each."""
    return pd.DataFrame([vars(f) for f in PUBLISHED])


def _summary_value(summary: pd.DataFrame, figure: PublishedFigure) -> float | None:
    level = "england" if figure.area_code == "ENG" else "region"
    rows = summary[(summary["wres_year"] == figure.wres_year) & (summary["indicator"] == figure.indicator)
                   & (summary["level"] == level) & (summary["area_code"] == figure.area_code)]

    def value(breakdown: str, measure: str) -> float | None:
        match = rows[(rows["breakdown"] == breakdown) & (rows["measure"] == measure)]["value"].dropna()
        return float(match.iloc[0]) if len(match) else None

    parts = figure.breakdown.split("+")
    if len(parts) == 1:
        return value(parts[0], figure.measure)
    # Pooled breakdowns: add the headcounts, then compute the share.
    counts = {m: [value(p, m) for p in parts] for m in ("headcount_bme", "headcount_total")}
    if any(v is None for vs in counts.values() for v in vs):
        return None
    bme, total = sum(counts["headcount_bme"]), sum(counts["headcount_total"])
    if figure.measure == "headcount_bme":
        return bme
    if figure.measure == "pct_bme":
        return 100.0 * bme / total if total else None
    raise ValueError(f"cannot pool {figure.measure} over {figure.breakdown}")


def _trust_share_value(share: pd.DataFrame, figure: PublishedFigure) -> float | None:
    rows = share[(share["wres_year"] == figure.wres_year) & (share["indicator"] == figure.indicator)]
    if figure.measure not in rows.columns:
        return None
    values = rows[figure.measure].dropna()
    return float(values.iloc[0]) if len(values) else None


def compare(summary: pd.DataFrame, trust_share: pd.DataFrame | None = None,
            figures: tuple[PublishedFigure, ...] = PUBLISHED) -> pd.DataFrame:
    """Published figures beside ours: one row per figure, `ours` null when the release lacks it.

    `summary` has the columns of wres_indicator_summary (wres_year, indicator, level, area_code,
    breakdown, measure, value); `trust_share` those of wres_trust_share. relative_difference is
    (ours - published) / |published|.
    """
    rows = []
    for figure in figures:
        if figure.table == "wres_trust_share":
            ours = None if trust_share is None else _trust_share_value(trust_share, figure)
        else:
            ours = _summary_value(summary, figure)
        difference = None if ours is None else (ours - figure.published) / abs(figure.published)
        rows.append({
            "wres_year": figure.wres_year, "indicator": figure.indicator,
            "area": "England" if figure.area_code == "ENG" else REGION_NAMES.get(figure.area_code, figure.area_code),
            "breakdown": figure.breakdown, "measure": figure.measure, "published": figure.published,
            "ours": ours, "relative_difference": difference, "tolerance": figure.tolerance,
            "within_tolerance": None if difference is None else bool(abs(difference) <= figure.tolerance + 1e-12),
            "source": figure.source,
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["indicator", "wres_year", "area", "breakdown", "measure"], kind="stable",
                             ignore_index=True)


def compare_publish_dir(publish_dir: Path | str) -> pd.DataFrame:
    """Compare the releases in `publish_dir` (one folder per WRES year) with the published figures."""
    publish_dir = Path(publish_dir)
    summaries, shares = [], []
    for year in sorted({f.wres_year for f in PUBLISHED}):
        folder = publish_dir / str(year)
        if (folder / "wres_indicator_summary.parquet").exists():
            summaries.append(pd.read_parquet(folder / "wres_indicator_summary.parquet",
                                             filters=[("level", "in", ["england", "region"])]))
        if (folder / "wres_trust_share.parquet").exists():
            shares.append(pd.read_parquet(folder / "wres_trust_share.parquet"))
    if not summaries:
        raise FileNotFoundError(f"no release with wres_indicator_summary.parquet under {publish_dir}")
    summary = pd.concat(summaries, ignore_index=True)
    share = pd.concat(shares, ignore_index=True) if shares else None
    return compare(summary, share)


def markdown_table(comparison: pd.DataFrame) -> str:
    """The comparison as a markdown table (the source sentence left out)."""
    lines = ["| year | ind. | area | breakdown | measure | published | ours | rel. diff | ok |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in comparison.itertuples(index=False):
        ours = "" if r.ours is None or (isinstance(r.ours, float) and math.isnan(r.ours)) else _number(r.ours)
        diff = "" if pd.isna(r.relative_difference) else f"{100 * r.relative_difference:+.2f}%"
        ok = "" if pd.isna(r.within_tolerance) else ("yes" if r.within_tolerance else "**no**")
        lines.append(f"| {r.wres_year} | {r.indicator} | {r.area} | {r.breakdown.replace('|', ' / ')} | "
                     f"{r.measure} | {_number(r.published)} | {ours} | {diff} | {ok} |")
    return "\n".join(lines)


def _number(value: float) -> str:
    if abs(value) >= 100 and float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.2f}"
