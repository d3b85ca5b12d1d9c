"""The report of a release: a static site in `<release>/report/` that opens from disk.

Pages: England (key findings in words, a chart per indicator over the years, regional
comparisons), indicator 1 in depth (each staff group by pay band, the BME share of each band
by region, the race disparity ratios by region and over the years), every trust on one chart
per indicator (by region and by trust type), one page per region and per integrated care
board, one per trust (its indicators against its trust type, region and England, and its
trend), a list of trusts, and the methodology notes. Every
value comes from the disclosure-controlled releases (wres.report.data); a hidden value is
shown as suppressed with its reason, never as zero or blank. Text from the data is escaped.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

import jinja2
import pandas as pd
import vl_convert

from wres import vocabulary
from wres.disclosure.loss import information_loss
from wres.ingest.landing import SourceGap
from wres.report import charts
from wres.report.boardpack import Area, BoardPack, History
from wres.report.comparators import Comparators, benchmark
from wres.report.findings import key_findings
from wres.report.model_employer import model_employer
from wres.report.quality_words import warning_sentences
from wres.report.survey import survey_breakdowns
from wres.report.text import SOURCES, cell_text, figure
from wres.generate.published_figures import PUBLISHED, PublishedFigure, compare
from wres.report.data import HEADLINES, LIKELIHOODS, SHORT, SURVEY, Releases, load_releases

TEMPLATES = Path(__file__).parent / "templates"
ETHNICITY = {"White": "white", "BME": "bme", "Unknown": "unknown"}
DISPARITY = list(charts.RATIO_NAMES)
AXIS_TITLES = {1: "% BME of the workforce", 2: "relative likelihood", 3: "relative likelihood",
               4: "relative likelihood", 5: "% of BME staff", 6: "% of BME staff", 7: "% of BME staff",
               8: "% of BME staff", 9: "BME % of board minus BME % of workforce (points)"}
# The pages whose charts the reader's browser draws with the bundled Vega (the rest are inline SVG).
BROWSER_CHARTS = ("region.html", "trust.html", "distributions.html")
# The pages that show the survey indicators: a release without them says so at the top of each.
SHOWS_EVERY_INDICATOR = ("england.html", "region.html", "trust.html", "distributions.html", "survey.html",
                         "methodology.html")
TABLE_MEASURES = {
    1: ["headcount_total", "pct_white", "pct_bme", "pct_unknown", "declaration_rate"],
    2: ["rate_white", "rate_bme", "relative_likelihood", "ci_lower", "ci_upper"],
    3: ["rate_white", "rate_bme", "relative_likelihood", "ci_lower", "ci_upper", "relative_likelihood_as_published"],
    4: ["rate_white", "rate_bme", "relative_likelihood", "ci_lower", "ci_upper"],
    5: ["pct_white", "pct_bme", "respondents_white", "respondents_bme"],
    6: ["pct_white", "pct_bme", "respondents_white", "respondents_bme"],
    7: ["pct_white", "pct_bme", "pct_white_legacy", "pct_bme_legacy", "respondents_white", "respondents_bme"],
    8: ["pct_white", "pct_bme", "respondents_white", "respondents_bme"],
    9: ["members_total", "members_bme", "pct_bme_board", "pct_bme_workforce", "gap_pp"],
}




def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


ROW_KEY = ("indicator", "level", "area_code", "breakdown", "measure")


def _rows_by_key(frame: pd.DataFrame) -> dict[tuple, dict]:
    """Each row of `frame` as a dict of plain Python values, by its (indicator, level, area, breakdown,
    measure); built column by column (`to_dict("records")` boxes value by value: seconds at national size)."""
    columns = list(frame.columns)
    records = [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]
    return dict(zip(zip(*(frame[c].tolist() for c in ROW_KEY)), records))


class Report:
    def __init__(self, releases: Releases, gate_warnings: list[str], four_fifths: tuple[float, float],
                 protection_notice: str = "", gaps: Sequence[SourceGap] = ()):
        self.r = releases
        self.year = releases.wres_year
        self.summary = releases.summary
        self.now = releases.year()
        self.warnings = gate_warnings
        self.four_fifths = four_fifths
        self.protection_notice = protection_notice
        self.gaps = [gap.sentence for gap in gaps]
        self.env = _environment()
        self.rows = _rows_by_key(self.now)
        self.region_names = dict(zip(releases.trusts["region_code"], releases.trusts["region_name"]))
        everything = self.summary[self.summary["breakdown"] == "all"]
        self.by_area: dict[tuple, dict[int, dict[str, float]]] = {}
        for level, area, indicator, year, measure, value in zip(
                *(everything[c].tolist() for c in ("level", "area_code", "indicator", "wres_year", "measure", "value"))):
            self.by_area.setdefault((level, area, indicator), {}).setdefault(year, {})[measure] = value
        trusts = self.now[(self.now["level"] == "trust") & (self.now["breakdown"] == "all")].merge(
            releases.trusts[["org_code", "trust_type"]], left_on="area_code", right_on="org_code")
        # (best, median, worst) of each trust type's values, by (trust type, indicator, measure).
        self.benchmarks = {key: benchmark(frame["value"].dropna().tolist(), key[1], key[2])
                           for key, frame in trusts.groupby(["trust_type", "indicator", "measure"])}
        absent = {(self.year, i): gap.reason for gap in gaps for i in gap.indicators}
        self.pack = BoardPack(History(self.summary, absent), Comparators(self.summary, releases.trusts), self.year,
                              four_fifths)

    def value_row(self, indicator, level, area, measure, breakdown="all"):
        return self.rows.get((indicator, level, area, breakdown, measure))

    def value(self, indicator, level, area, measure, breakdown="all"):
        row = self.value_row(indicator, level, area, measure, breakdown)
        return None if row is None or row["suppressed"] or pd.isna(row["value"]) else row["value"]

    # --- figures ---------------------------------------------------------------------------

    def series(self, level: str, area: str, indicator: int) -> list[dict]:
        """The indicator's headline series of an area over the years (with intervals and methods)."""
        out = []
        for year, r in sorted(self.by_area.get((level, area, indicator), {}).items()):
            get = r.get
            if indicator in LIKELIHOODS:
                out.append(dict(year=year, series="year-end" if indicator == 3 else "relative likelihood",
                                value=get("relative_likelihood"), lower=get("ci_lower"), upper=get("ci_upper")))
                if indicator == 3:
                    out.append(dict(year=year, series="as published (rolling to 2021)",
                                    value=get("relative_likelihood_as_published"), lower=None, upper=None))
            elif indicator in SURVEY:
                out += [dict(year=year, series="BME", value=get("pct_bme")),
                        dict(year=year, series="white", value=get("pct_white"))]
                if indicator == 7:
                    out += [dict(year=year, series="BME, legacy Yes/(Yes+No)", value=get("pct_bme_legacy")),
                            dict(year=year, series="white, legacy Yes/(Yes+No)", value=get("pct_white_legacy"))]
            elif indicator == 9:
                out += [dict(year=year, series="BME % of board", value=get("pct_bme_board")),
                        dict(year=year, series="BME % of workforce", value=get("pct_bme_workforce"))]
            else:
                out.append(dict(year=year, series="BME %", value=get("pct_bme")))
        return out

    def trend_figure(self, level: str, area: str, name: str, indicator: int) -> charts.Figure:
        title = f"Indicator {indicator}, {SHORT[indicator]}: {name}"
        y_title = "relative likelihood" if indicator in LIKELIHOODS else (
            "percentage points" if indicator == 9 else "%")
        data = pd.DataFrame(self.series(level, area, indicator), columns=["year", "series", "value", "lower", "upper"])
        return charts.trend(title, data.astype({"value": float, "lower": float, "upper": float}), y_title,
                            self.four_fifths if indicator in LIKELIHOODS else None)

    def regional_figure(self, indicator: int) -> charts.Figure:
        measure, meaning = HEADLINES[indicator]
        regions = self.now[(self.now["level"] == "region") & (self.now["indicator"] == indicator)
                           & (self.now["breakdown"] == "all") & (self.now["measure"] == measure)]
        data = pd.DataFrame({"label": regions["area_name"], "value": regions["value"],
                             "reason": regions["suppression_reason"]})
        england = self.value(indicator, "england", "ENG", measure)
        return charts.bars(f"Indicator {indicator} by region, {self.year}: {meaning}", data, measure.replace("_", " "),
                           england)

    def distribution_figure(self, indicator: int) -> charts.Figure:
        measure, meaning = HEADLINES[indicator]
        trusts = self.now[(self.now["level"] == "trust") & (self.now["indicator"] == indicator)
                          & (self.now["breakdown"] == "all") & (self.now["measure"] == measure)]
        trusts = trusts.merge(self.r.trusts[["org_code", "region_name"]], left_on="area_code", right_on="org_code")
        data = pd.DataFrame({"label": trusts["area_name"], "group": trusts["region_name"], "value": trusts["value"],
                             "reason": trusts["suppression_reason"]})
        return charts.distribution(f"Indicator {indicator}, every trust by region, {self.year}: {meaning}", data,
                                   measure.replace("_", " "), self.value(indicator, "england", "ENG", measure),
                                   self.four_fifths if indicator in LIKELIHOODS else None)

    # --- indicator 1 in depth --------------------------------------------------------------

    def _indicator_1(self, level: str) -> pd.DataFrame:
        rows = self.now[(self.now["indicator"] == 1) & (self.now["level"] == level)]
        return rows.reset_index(drop=True)

    def staff_groups(self) -> list[dict]:
        """Per staff group (in seed order): its England composition by band, BME share by band in each
        region, and for Agenda for Change groups its disparity ratios by region and over the years."""
        england, regions = self._indicator_1("england"), self._indicator_1("region")
        trust_types = self._indicator_1("trust_type")
        out = []
        for group, bands in vocabulary.pay_bands().items():
            order = {b: i for i, b in enumerate(bands)}
            here = england[england["breakdown"].str.startswith(f"{group}|")]
            present = [b for b in bands if (here["breakdown"] == f"{group}|{b}").any()]
            section = {"group": group, "present": bool(present), "afc": any(
                vocabulary.band_levels().get((group, b)) in ("lower", "middle", "upper") for b in bands)}
            section["totals"] = [cell_text(self.value_row(1, "england", "ENG", m, f"{group}|all"))
                                 for m in ("headcount_total", "pct_white", "pct_bme", "pct_unknown")]
            if present:
                records = []
                for band in present:
                    for name, key in ETHNICITY.items():
                        pct = self.value_row(1, "england", "ENG", f"pct_{key}", f"{group}|{band}")
                        count = self.value_row(1, "england", "ENG", f"headcount_{key}", f"{group}|{band}")
                        records.append({"band": band, "order": order[band], "group": name,
                                        "value": None if pct is None else pct["value"],
                                        "reason": None if pct is None else pct["suppression_reason"],
                                        "headcount": None if count is None else count["value"],
                                        "headcount_reason": None if count is None else count["suppression_reason"]})
                section["composition"] = charts.composition(
                    f"{group} staff by pay band, England, {self.year}: % BME, white and unknown",
                    pd.DataFrame(records).astype({"value": float, "headcount": float}))
                grid = regions[regions["breakdown"].isin([f"{group}|{b}" for b in present])
                               & (regions["measure"] == "pct_bme")]
                section["regions"] = charts.heatmap(
                    f"{group} staff, % BME by pay band and region, {self.year}",
                    pd.DataFrame({"area": grid["area_name"], "band": grid["breakdown"].str.split("|").str[1],
                                  "order": grid["breakdown"].str.split("|").str[1].map(order),
                                  "value": grid["value"].astype(float),
                                  "reason": grid["suppression_reason"]}), "pay band")
            if section["afc"] and present:
                records = []
                for level, frame, in_chart in (("england", england, True), ("region", regions, True),
                                               ("trust_type", trust_types, False)):
                    ratios = frame[(frame["breakdown"] == group) & frame["measure"].isin(DISPARITY)]
                    for r in ratios.sort_values(["area_name", "measure"]).itertuples():
                        records.append({"area": r.area_name if level != "trust_type" else f"{r.area_name} (trust type)",
                                        "measure": r.measure, "value": r.value, "reason": r.suppression_reason,
                                        "in_chart": in_chart})
                data = pd.DataFrame(records, columns=["area", "measure", "value", "reason", "in_chart"])
                section["disparity"] = charts.disparity(
                    f"{group} staff, race disparity ratios by region, {self.year} (trust types in the table)",
                    data.astype({"value": float, "in_chart": bool}))
                history = self.summary[(self.summary["indicator"] == 1) & (self.summary["level"] == "england")
                                       & (self.summary["breakdown"] == group)
                                       & self.summary["measure"].isin(DISPARITY)]
                trend = charts.trend(
                    f"{group} staff, race disparity ratios, England, over the years",
                    pd.DataFrame({"year": history["wres_year"], "series": history["measure"].map(charts.RATIO_NAMES),
                                  "value": history["value"].astype(float)}), "disparity ratio (1 = parity)")
                if history["value"].isna().all():
                    trend.svg = ""  # an empty frame says less than "no published values"
                section["trend"] = trend
            out.append(section)
        return out

    # --- every trust on one chart ----------------------------------------------------------

    def trust_distribution(self, indicator: int) -> charts.Figure:
        measure, meaning = HEADLINES[indicator]
        trusts = self.r.trusts[["org_code", "trust_name", "region_name", "trust_type"]]
        rows = self.now[(self.now["level"] == "trust") & (self.now["indicator"] == indicator)
                        & (self.now["breakdown"] == "all") & (self.now["measure"] == measure)]
        rows = trusts.merge(rows[["area_code", "value", "suppression_reason"]], how="left",
                            left_on="org_code", right_on="area_code")
        data = pd.DataFrame({"code": rows["org_code"], "label": rows["trust_name"], "region": rows["region_name"],
                             "trust_type": rows["trust_type"], "value": rows["value"].astype(float),
                             "reason": rows["suppression_reason"], "reported": rows["area_code"].notna()})
        if indicator in SURVEY:  # the white staff's figure beside the BME one
            white = self.now[(self.now["level"] == "trust") & (self.now["indicator"] == indicator)
                             & (self.now["breakdown"] == "all") & (self.now["measure"] == "pct_white")]
            white = trusts[["org_code"]].merge(white[["area_code", "value", "suppression_reason"]], how="left",
                                               left_on="org_code", right_on="area_code")
            data["white"] = white["value"].astype(float).to_numpy()
            data["white_reason"] = white["suppression_reason"].to_numpy()
        types = set(trusts["trust_type"].dropna())
        domains = {"region": sorted(set(trusts["region_name"].dropna())),
                   "trust_type": [t for t in vocabulary.TRUST_TYPES if t in types] +
                   sorted(types - set(vocabulary.TRUST_TYPES))}
        return charts.trust_strips(f"Indicator {indicator}, every trust, {self.year}: {meaning}", data,
                                   AXIS_TITLES[indicator], self.value(indicator, "england", "ENG", measure),
                                   self.four_fifths if indicator in LIKELIHOODS else None,
                                   parity=indicator in LIKELIHOODS, domains=domains,
                                   white="% of staff" if indicator in SURVEY else None)

    # --- tables ----------------------------------------------------------------------------

    def area_table(self, level: str, area: str, trust_type: str | None = None, region: str | None = None):
        rows = []
        for indicator, measures in TABLE_MEASURES.items():
            for measure in measures:
                row = self.value_row(indicator, level, area, measure)
                if row is None and level != "england":
                    continue
                labels = vocabulary.measure(indicator, measure)
                line = {"indicator": indicator, "name": SHORT[indicator], "measure": labels.heading,
                        "extremes": labels.extremes,
                        "value": cell_text(row), "suppressed": bool(row is not None and row["suppressed"]),
                        "flags": row["flags"] if row is not None and isinstance(row["flags"], str) else "",
                        "england": cell_text(self.value_row(indicator, "england", "ENG", measure))}
                if region is not None:
                    line["region"] = cell_text(self.value_row(indicator, "region", region, measure))
                if trust_type is not None:
                    line["best"], line["median"], line["worst"] = self.benchmarks.get(
                        (trust_type, indicator, measure), benchmark([], indicator, measure))
                rows.append(line)
        return rows

    # --- the national report beside this release -------------------------------------------

    def published_comparison(self, figures: tuple[PublishedFigure, ...] = PUBLISHED) -> list[list[str]]:
        """The national report's figures of this release's year beside this release's: one row each."""
        mine = tuple(f for f in figures if f.wres_year == self.year)
        if not mine:
            return []
        share = self.r.trust_share[self.r.trust_share["wres_year"] == self.year]
        result = compare(self.now, share, mine)
        rows = []
        for r in result.itertuples(index=False):
            ours = "not in this release" if pd.isna(r.ours) else figure(r.ours)
            difference = "" if pd.isna(r.relative_difference) else f"{100 * r.relative_difference:+.1f}%"
            rows.append([str(r.indicator), r.area, "" if r.breakdown == "all" else r.breakdown.replace("+", " + "),
                         r.measure, figure(r.published, exact=True), ours, difference, r.source])
        return rows

    # --- pages -----------------------------------------------------------------------------

    def render(self, template: str, path: Path, depth: int, **context) -> None:
        root = "../" * depth
        html = self.env.get_template(template).render(year=self.year, root=root,
                                                      browser_charts=template in BROWSER_CHARTS,
                                                      gaps=self.gaps if template in SHOWS_EVERY_INDICATOR else [],
                                                      **context)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")

    def build_in_depth(self, folder: Path) -> None:
        """The pages beyond the areas: indicator 1 by staff group and band, every trust on one chart, the
        survey breakdowns and the Model Employer."""
        row = self.value_row(1, "england", "ENG", "headcount_total")
        source = SOURCES.get(row["source"], row["source"]) if row is not None and isinstance(row["source"], str) else ""
        self.render("indicator1.html", folder / "indicator-1.html", 0, groups=self.staff_groups(), source=source)
        self.render("distributions.html", folder / "distributions.html", 0, four_fifths=self.four_fifths,
                    sections=[(i, HEADLINES[i][1], self.trust_distribution(i)) for i in HEADLINES])
        self.render("survey.html", folder / "survey.html", 0, sections=survey_breakdowns(self.r.survey_breakdown, self.year))
        self.render("model_employer.html", folder / "model-employer.html", 0, me=model_employer(self.r.model_employer, self.year))

    def build(self, folder: Path) -> list[Path]:
        trusts = self.r.trusts.sort_values(["region_name", "trust_name"])
        regions = sorted(self.region_names.items(), key=lambda kv: kv[1])
        icbs = sorted(set(zip(trusts["icb_code"], trusts["icb_name"])), key=lambda kv: (kv[1], kv[0])) \
            if "icb_code" in trusts else []
        self.render("england.html", folder / "index.html", 0,
                    findings=key_findings(self.summary, self.r.trust_share, self.year),
                    sections=[(i, HEADLINES[i][1], self.trend_figure("england", "ENG", "England", i),
                               self.regional_figure(i), self.distribution_figure(i)) for i in HEADLINES],
                    table=self.area_table("england", "ENG"), regions=regions, icbs=icbs,
                    comparison=self.published_comparison())
        for level, folder_name, column, areas in (("region", "regions", "region_code", regions),
                                                  ("icb", "icbs", "icb_code", icbs)):
            for code, name in areas:
                members = trusts[trusts[column] == code]
                self.render("region.html", folder / folder_name / f"{code}.html", 1, name=name, code=code,
                            kind="Integrated care board" if level == "icb" else "NHS England region",
                            table=self.area_table(level, code), four_fifths=self.four_fifths,
                            sections=self.pack.sections(Area(level, code, name)),
                            trusts=list(zip(members["org_code"], members["trust_name"], members["trust_type"])))
        for t in trusts.itertuples():
            self.render("trust.html", folder / "trusts" / f"{t.org_code}.html", 1, trust=t,
                        sections=self.pack.sections(Area.of_trust(t)), four_fifths=self.four_fifths,
                        table=self.area_table("trust", t.org_code, t.trust_type, t.region_code))
        self.build_in_depth(folder)
        self.render("trusts.html", folder / "trusts.html", 0,
                    trusts=list(zip(trusts["org_code"], trusts["trust_name"], trusts["region_name"],
                                    trusts["trust_type"])))
        counts = self.now["suppression_reason"].fillna("published").value_counts().sort_index()
        self.render("methodology.html", folder / "methodology.html", 0, counts=list(counts.items()),
                    warnings=self.warnings, four_fifths=self.four_fifths, loss=information_loss(self.now),
                    protection_notice=self.protection_notice)
        (folder / "report.css").write_text((TEMPLATES / "report.css").read_text(encoding="utf-8"), encoding="utf-8")
        # Vega, Vega-Lite and vega-embed in one file, for the charts drawn in the browser: offline.
        (folder / "vega.js").write_text(vega_bundle(), encoding="utf-8")
        return sorted(folder.rglob("*.html"))


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    return vl_convert.javascript_bundle()


def build_report(release_folder: Path, con, wres_year: int, gate_warnings: list, thresholds,
                 protection_notice: str = "", gaps: Sequence[SourceGap] = ()) -> Path:
    """Write the report of the release in `release_folder` to `release_folder/report/`; the earlier
    years come from the warehouse connection `con` (published cells only); `gate_warnings` are the
    gate's failed warning checks, told in sentences. The board packs of the
    newest year are also printed to PDF (Chromium takes a second or two a trust: every year's would
    add minutes to each refresh)."""
    releases = load_releases(release_folder, con, wres_year)
    folder = Path(release_folder) / "report"
    names = dict(zip(releases.trusts["org_code"], releases.trusts["trust_name"]))
    Report(releases, warning_sentences(gate_warnings, names, thresholds),
           (thresholds.four_fifths_lower, thresholds.four_fifths_upper), protection_notice, gaps).build(folder)
    newest = con.execute("select max(wres_year) from marts.wres_indicator_summary").fetchone()[0]
    if wres_year == newest:
        print_board_packs(folder)
    return folder / "index.html"


def print_board_packs(folder: Path) -> None:
    """`trusts/<code>.pdf` beside each board pack, printed by Chromium when it is installed."""
    from wres.report import browser

    if not browser.available():
        return
    browser.print_pdfs([(page, page.with_suffix(".pdf")) for page in sorted((folder / "trusts").glob("*.html"))])
