"""Charts of the report: Vega-Lite specifications through Altair, rendered to inline SVG.

vl-convert renders offline (no CDN, no JavaScript in the page). Every figure carries a text
alternative written from its numbers and the table of those numbers, shown beside it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import altair as alt
import pandas as pd
import vl_convert

FOUR_FIFTHS_COLOUR = "#d9ead3"
PALETTE = ["#005eb8", "#ed8b00", "#7c2855", "#009639", "#425563"]


@dataclass
class Figure:
    title: str
    svg: str
    alt: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    spec: str = ""  # a Vega-Lite specification for the browser, when there is no inline SVG


def number(value, digits: int = 2) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{value:,.{digits}f}"


def _svg(chart: alt.TopLevelMixin) -> str:
    # Altair's JSON-schema validation of every spec took a tenth of a publication; vl-convert
    # compiles the spec itself and fails on one it cannot draw.
    svg = vl_convert.vegalite_to_svg(chart.to_dict(validate=False))
    return _stable_ids(svg).replace("<svg ", '<svg role="img" aria-hidden="true" focusable="false" ', 1)


def _stable_ids(svg: str) -> str:
    """vl-convert numbers its gradients (`gradient_0`, ...) by a counter of the process, so the same
    chart would get another id in another build: name them after the chart's content instead
    (unique on a page for different charts, the same for the same chart, whatever came before)."""
    found = list(dict.fromkeys(re.findall(r'id="(gradient_\d+)"', svg)))
    if not found:
        return svg
    for k, name in enumerate(found):
        svg = re.sub(rf"\b{name}(?!\d)", f"@gradient@{k}", svg)
    tag = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:12]
    return svg.replace("@gradient@", f"gradient-{tag}-")


def trend(title: str, data: pd.DataFrame, y_title: str, four_fifths: tuple[float, float] | None = None,
          digits: int = 2) -> Figure:
    """Lines over years, one per series; `data` has year, series, value and optionally lower/upper."""
    data = data.dropna(subset=["value"]).sort_values(["series", "year"])
    x = alt.X("year:O", title="WRES year")
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))
    colour = alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="bottom"))
    layers = []
    if four_fifths:
        band = pd.DataFrame({"lower": [four_fifths[0]], "upper": [four_fifths[1]]})
        layers.append(alt.Chart(band).mark_rect(color=FOUR_FIFTHS_COLOUR, opacity=0.7).encode(
            y="lower:Q", y2="upper:Q"))
        layers.append(alt.Chart(pd.DataFrame({"parity": [1.0]})).mark_rule(strokeDash=[4, 3], color="#425563")
                      .encode(y="parity:Q"))
    if {"lower", "upper"} <= set(data.columns) and data["lower"].notna().any():
        layers.append(alt.Chart(data).mark_rule().encode(x=x, y="lower:Q", y2="upper:Q", color=colour))
    layers.append(alt.Chart(data).mark_line(point=True).encode(x=x, y=y, color=colour))
    chart = alt.layer(*layers).properties(width=420, height=220, title=title)
    rows, parts = [], []
    for series, group in data.groupby("series", sort=True):
        values = ", ".join(f"{int(r.year)} {number(r.value, digits)}" for r in group.itertuples())
        parts.append(f"{series}: {values}")
        for r in group.itertuples():
            ci = f"{number(r.lower, digits)} to {number(r.upper, digits)}" \
                if "lower" in data.columns and not pd.isna(getattr(r, "lower", None)) else ""
            rows.append([str(int(r.year)), str(series), number(r.value, digits), ci])
    alt_text = f"Line chart, {title}. " + ("; ".join(parts) if parts else "No published values.")
    if four_fifths:
        alt_text += f" The shaded band is the four-fifths range {four_fifths[0]} to {four_fifths[1]}."
    return Figure(title, _svg(chart), alt_text, ["WRES year", "series", "value", "95% interval"], rows)


def bars(title: str, data: pd.DataFrame, x_title: str, reference: float | None = None,
         reference_label: str = "England", digits: int = 2, label_title: str = "area") -> Figure:
    """Horizontal bars, one per area (`label`, `value`), with a rule at the reference value."""
    shown = data.dropna(subset=["value"]).sort_values(["value", "label"])
    base = alt.Chart(shown).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y("label:N", title=None, sort=None), x=alt.X("value:Q", title=x_title))
    layers = [base]
    if reference is not None and not pd.isna(reference):
        layers.append(alt.Chart(pd.DataFrame({"reference": [reference]})).mark_rule(color=PALETTE[1], size=2)
                      .encode(x="reference:Q"))
    chart = alt.layer(*layers).properties(width=420, height=max(60, 18 * len(shown)), title=title)
    rows = [[str(r.label), number(r.value, digits) if not pd.isna(r.value) else f"suppressed ({r.reason})"]
            for r in data.sort_values("label").itertuples()]
    listed = ", ".join(f"{r.label} {number(r.value, digits)}" for r in shown.itertuples())
    alt_text = f"Bar chart, {title}: {listed}."
    if reference is not None and not pd.isna(reference):
        alt_text += f" The line marks {reference_label}, {number(reference, digits)}."
    return Figure(title, _svg(chart), alt_text, [label_title, "value"], rows)


@lru_cache(maxsize=1)
def _multiples_template() -> str:
    """The small-multiples specification without its data (built once: Altair's validation is slow)."""
    chart = alt.Chart(alt.NamedData("values")).mark_line(point=True).encode(
        x=alt.X("year:O", title=None), y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="bottom")),
    ).properties(width=170, height=90).facet(facet=alt.Facet("panel:N", title=None), columns=3) \
        .resolve_scale(y="independent")
    return json.dumps(chart.to_dict())


def small_multiples(title: str, points: list[dict]) -> Figure:
    """One small line chart per indicator (`panel`), series over years, independent scales; `points`
    are dicts of panel, year, series and value (None or NaN where there is none).

    Rendered in the reader's browser by the Vega bundle shipped in the report (a trust page
    each: rendering them all to SVG here would take minutes), with its table in the page.
    """
    shown = [p for p in points if not _missing(p["value"])]
    spec = json.loads(_multiples_template())
    spec.pop("$schema", None)  # a name, not a download; kept out so the pages hold no address at all
    spec["data"] = {"values": [{"panel": p["panel"], "year": int(p["year"]), "series": str(p["series"]),
                                "value": float(p["value"])} for p in shown]}
    spec["title"] = title
    rows = [[p["panel"], str(int(p["year"])), str(p["series"]),
             "not available" if _missing(p["value"]) else number(p["value"])]
            for p in sorted(points, key=lambda p: (p["panel"], p["year"], p["series"]))]
    panels = ", ".join(sorted({p["panel"] for p in shown}))
    alt_text = f"Small line charts, {title}, one per indicator ({panels or 'none published'}); the table lists every value."
    return Figure(title, "", alt_text, ["indicator", "WRES year", "series", "value"], rows,
                  spec=json.dumps(spec, sort_keys=True).replace("<", "\\u003c") if shown else "")


def _missing(value) -> bool:
    return value is None or value != value  # None or NaN


def distribution(title: str, data: pd.DataFrame, x_title: str, reference: float | None = None,
                 band: tuple[float, float] | None = None, digits: int = 2) -> Figure:
    """Every trust as a point (`label` its name, `group` its region, `value`), one row per group."""
    shown = data.dropna(subset=["value"])
    layers = []
    if band:
        layers.append(alt.Chart(pd.DataFrame({"lower": [band[0]], "upper": [band[1]]}))
                      .mark_rect(color=FOUR_FIFTHS_COLOUR, opacity=0.7).encode(x="lower:Q", x2="upper:Q"))
    layers.append(alt.Chart(shown).mark_circle(size=28, opacity=0.6, color=PALETTE[0]).encode(
        x=alt.X("value:Q", title=x_title, scale=alt.Scale(zero=False)), y=alt.Y("group:N", title=None)))
    if reference is not None and not pd.isna(reference):
        layers.append(alt.Chart(pd.DataFrame({"reference": [reference]})).mark_rule(color=PALETTE[1], size=2)
                      .encode(x="reference:Q"))
    chart = alt.layer(*layers).properties(width=420, height=max(60, 22 * shown["group"].nunique()), title=title)
    rows = [[str(r.label), str(r.group), number(r.value, digits) if not pd.isna(r.value) else f"suppressed ({r.reason})"]
            for r in data.sort_values(["group", "label"]).itertuples()]
    hidden = int(data["value"].isna().sum())
    summary = ", ".join(f"{g} median {number(v, digits)}" for g, v in shown.groupby("group")["value"].median().items())
    alt_text = (f"Dot chart, {title}: {len(shown)} trusts with a published value, {hidden} suppressed or undefined; "
                f"{summary}.")
    return Figure(title, _svg(chart), alt_text, ["trust", "region", "value"], rows)


# --- indicator 1 in depth ----------------------------------------------------------------------

GROUP_COLOURS = {"BME": PALETTE[0], "White": PALETTE[1], "Unknown": "#aeb7bd"}
SUPPRESSED_COLOUR = "#e8edee"


def composition(title: str, data: pd.DataFrame, digits: int = 2) -> Figure:
    """One stacked bar per pay band (`band`, in `order`), its % White, BME and Unknown (`group`, `value`).

    `data` holds every band and group, hidden values null with their `reason`; the table gives
    the headcounts (`headcount`) beside the percentages.
    """
    shown = data.dropna(subset=["value"])
    bands = list(dict.fromkeys(data.sort_values("order")["band"]))
    groups = list(GROUP_COLOURS)
    chart = alt.Chart(shown).mark_bar().encode(
        y=alt.Y("band:N", title=None, sort=bands),
        x=alt.X("value:Q", title="% of the band's staff", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("group:N", title=None, sort=groups,
                        scale=alt.Scale(domain=groups, range=[GROUP_COLOURS[g] for g in groups]),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("rank:Q"),
    ).transform_calculate(rank="datum.group === 'BME' ? 0 : datum.group === 'White' ? 1 : 2") \
        .properties(width=420, height=max(60, 20 * len(bands)), title=title)
    rows, parts = [], []
    for band in bands:
        cells = {r.group: r for r in data[data["band"] == band].itertuples()}
        line = [band]
        for group in groups:
            r = cells.get(group)
            line += [_cell(r, "headcount", 0, "headcount_reason"), _cell(r, "value", digits)]
        rows.append(line)
        bme = cells.get("BME")
        parts.append(f"{band} {_cell(bme, 'value', digits)}{'%' if bme is not None and not pd.isna(bme.value) else ''}")
    alt_text = f"Stacked bar chart, {title}: % BME by band: " + "; ".join(parts) + "."
    columns = ["band"] + [c for g in groups for c in (f"{g} staff", f"% {g}")]
    return Figure(title, _svg(chart) if len(shown) else "", alt_text, columns, rows)


def _cell(r, field: str, digits: int, reason: str = "reason") -> str:
    """A value of a row (a namedtuple with its `reason`) as shown: the number, 'suppressed (reason)' or
    'not defined' (a ratio with a zero in it)."""
    if r is None:
        return "not reported"
    value, why = getattr(r, field), getattr(r, reason)
    if pd.isna(value):
        return f"suppressed ({why})" if isinstance(why, str) else "not defined"
    return number(value, digits)


def heatmap(title: str, data: pd.DataFrame, x_title: str, digits: int = 1, colour_title: str = "% BME",
            columns_noun: str = "bands", meaning: str = "a higher BME share", missing: str = "no staff",
            table_digits: int = 2) -> Figure:
    """A grid of areas (`area`, rows) by bands (`band` in `order`, columns), coloured by `value`.

    A hidden cell is drawn grey and marked 's'; the table gives every value or its reason, and
    `missing` ("no staff") where an area has no row for a band (no staff of the group in it).
    """
    bands = list(dict.fromkeys(data.sort_values("order")["band"]))
    areas = sorted(data["area"].unique())
    shown = data.assign(label=[number(v, digits) if not pd.isna(v) else "s" for v in data["value"]])
    base = alt.Chart(shown).encode(x=alt.X("band:N", title=x_title, sort=bands, axis=alt.Axis(labelAngle=-40)),
                                   y=alt.Y("area:N", title=None, sort=areas))
    cells = base.mark_rect(stroke="#ffffff").encode(
        color=alt.condition("isValid(datum.value)", alt.Color("value:Q", title=colour_title,
                                                              scale=alt.Scale(scheme="blues")),
                            alt.value(SUPPRESSED_COLOUR)))
    text = base.mark_text(fontSize=9).encode(
        text="label:N", color=alt.condition("datum.value > 50", alt.value("#ffffff"), alt.value("#212b32")))
    chart = alt.layer(cells, text).properties(width=max(120, 34 * len(bands)), height=max(40, 20 * len(areas)),
                                              title=title)
    rows = []
    for area in areas:
        here = {r.band: r for r in data[data["area"] == area].itertuples()}
        rows.append([area] + [_cell(here.get(b), "value", table_digits) if b in here else missing for b in bands])
    hidden = int(data["value"].isna().sum())
    alt_text = (f"Grid, {title}: {len(areas)} areas by {len(bands)} {columns_noun}, darker is {meaning}; "
                f"{hidden} cells suppressed (marked s). The table lists every value.")
    return Figure(title, _svg(chart) if data["value"].notna().any() else "", alt_text, ["area"] + bands, rows)


RATIO_NAMES = {"disparity_lower_to_middle": "lower to middle", "disparity_middle_to_upper": "middle to upper",
               "disparity_lower_to_upper": "lower to upper"}


def disparity(title: str, data: pd.DataFrame, digits: int = 2) -> Figure:
    """Grouped bars: for each area (`area`, England first), its three disparity ratios (`measure`, `value`).

    Rows with `in_chart` false are in the table only. A rule marks parity (1); a hidden ratio has no
    bar and reads 'suppressed (reason)' in the table.
    """
    names = list(RATIO_NAMES.values())
    areas = list(dict.fromkeys(data["area"]))
    charted = list(dict.fromkeys(data.loc[data["in_chart"], "area"]))
    shown = data[data["in_chart"]].dropna(subset=["value"]).assign(ratio=lambda d: d["measure"].map(RATIO_NAMES))
    y = alt.Y("area:N", title=None, sort=charted)
    bars_ = alt.Chart(shown).mark_bar().encode(
        y=y, yOffset=alt.YOffset("ratio:N", sort=names), x=alt.X("value:Q", title="disparity ratio (1 = parity)"),
        color=alt.Color("ratio:N", title=None, sort=names, scale=alt.Scale(domain=names, range=PALETTE[:3]),
                        legend=alt.Legend(orient="bottom")))
    parity = alt.Chart(pd.DataFrame({"parity": [1.0]})).mark_rule(strokeDash=[4, 3], color="#212b32").encode(
        x="parity:Q")
    chart = alt.layer(bars_, parity).properties(width=420, height=alt.Step(8), title=title)
    rows, parts = [], []
    for area in areas:
        here = {r.measure: r for r in data[data["area"] == area].itertuples()}
        cells = [_cell(here.get(m), "value", digits) for m in RATIO_NAMES]
        rows.append([area] + cells)
        published = [f"{n} {c}" for n, c, m in zip(names, cells, RATIO_NAMES)
                     if here.get(m) is not None and not pd.isna(here[m].value)]
        if published and area in charted:
            parts.append(f"{area} " + ", ".join(published))
    hidden = int((data["in_chart"] & data["value"].isna() & data["reason"].notna()).sum())
    alt_text = (f"Grouped bar chart, {title}: " + ("; ".join(parts) or "no published ratio") +
                f". {hidden} ratios of the charted areas suppressed (see the table). "
                f"Above 1, white staff are more likely to be in the higher band group.")
    return Figure(title, _svg(chart) if len(shown) else "", alt_text, ["area"] + [f"{n} ratio" for n in names], rows)


# --- every trust on one chart -----------------------------------------------------------------


def _jitter(k: int) -> float:
    """A deterministic spread in -0.4..0.4 for the k-th point of a row (golden-ratio sequence)."""
    return round(((k * 0.6180339887498949) % 1.0 - 0.5) * 0.8, 3)


def trust_strips(title: str, data: pd.DataFrame, x_title: str, reference: float | None = None,
                 band: tuple[float, float] | None = None, parity: bool = False, digits: int = 2,
                 domains: dict[str, list[str]] | None = None, white: str | None = None) -> Figure:
    """Every trust as a point on two strip charts: rows by region coloured by trust type, and rows by
    trust type coloured by region. `data` has code, label (name), region, trust_type, value, reason and
    reported (false for a trust with no row for the measure). `domains` fixes the order (and so the
    colours) of the regions and trust types, the same on every chart.

    With `white` (the survey indicators: `data` then also has white and white_reason), a third chart
    puts each trust's BME figure against its white one, the diagonal marking equal figures.

    Drawn in the reader's browser by the bundled Vega (one specification, the trusts' values once);
    the table lists every trust with its value or 'suppressed (reason)'.
    """
    data = data.sort_values(["label", "code"])
    shown = data.dropna(subset=["value"]).sort_values(["value", "code"])
    values, seen = [], {}
    for r in shown.itertuples():
        k_region, k_type = seen.get(("r", r.region), 0), seen.get(("t", r.trust_type), 0)
        seen[("r", r.region)], seen[("t", r.trust_type)] = k_region + 1, k_type + 1
        values.append({"trust": str(r.label), "code": str(r.code), "region": str(r.region),
                       "trust_type": str(r.trust_type), "value": round(float(r.value), 4),
                       "jr": _jitter(k_region), "jt": _jitter(k_type)})
        if white and not pd.isna(r.white):
            values[-1]["white"] = round(float(r.white), 4)
    pairs = shown.dropna(subset=["white"]) if white else shown.iloc[:0]

    def view(rows: str, rows_title: str, colour: str, colour_title: str, jitter: str) -> dict:
        layers = []
        if band:
            layers.append({"data": {"values": [{"lower": band[0], "upper": band[1]}]},
                           "mark": {"type": "rect", "color": FOUR_FIFTHS_COLOUR, "opacity": 0.7},
                           "encoding": {"x": {"field": "lower", "type": "quantitative"},
                                        "x2": {"field": "upper"}}})
        if parity:
            layers.append({"data": {"values": [{"parity": 1.0}]},
                           "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#425563"},
                           "encoding": {"x": {"field": "parity", "type": "quantitative"}}})
        layers.append({"mark": {"type": "circle", "size": 30, "opacity": 0.75},
                       "encoding": {
                           "x": {"field": "value", "type": "quantitative", "title": x_title,
                                 "scale": {"zero": False}},
                           "y": {"field": rows, "type": "nominal", "title": rows_title,
                                 **({"sort": domains[rows]} if domains else {})},
                           "yOffset": {"field": jitter, "type": "quantitative",
                                       "scale": {"domain": [-0.5, 0.5]}},
                           "color": {"field": colour, "type": "nominal", "title": colour_title,
                                     "scale": {"scheme": "tableau10", **({"domain": domains[colour]}
                                                                          if domains else {})},
                                     "legend": {"orient": "right"}},
                           "tooltip": [{"field": "trust", "title": "trust"}, {"field": "region"},
                                       {"field": "trust_type", "title": "trust type"},
                                       {"field": "value", "type": "quantitative", "format": f".{digits}f"}]}})
        if reference is not None and not pd.isna(reference):
            layers.append({"data": {"values": [{"england": float(reference)}]},
                           "mark": {"type": "rule", "color": PALETTE[1], "size": 2},
                           "encoding": {"x": {"field": "england", "type": "quantitative"}}})
        return {"title": f"by {rows_title}, coloured by {colour_title}", "data": {"name": "trusts"},
                "width": 460, "height": {"step": 34}, "layer": layers}

    def against_white() -> dict:
        low = float(min(pairs["value"].min(), pairs["white"].min()))
        high = float(max(pairs["value"].max(), pairs["white"].max()))
        scale = {"domain": [math.floor(low / 5) * 5, math.ceil(high / 5) * 5]}
        return {"title": f"BME against white staff ({white}), coloured by region", "data": {"name": "trusts"},
                "transform": [{"filter": "isValid(datum.white)"}], "width": 300, "height": 300, "layer": [
                    {"data": {"values": [{"d": scale["domain"][0]}, {"d": scale["domain"][1]}]},
                     "mark": {"type": "line", "strokeDash": [4, 3], "color": "#425563"},
                     "encoding": {"x": {"field": "d", "type": "quantitative", "scale": scale},
                                  "y": {"field": "d", "type": "quantitative", "scale": scale}}},
                    {"mark": {"type": "circle", "size": 30, "opacity": 0.75},
                     "encoding": {
                         "x": {"field": "white", "type": "quantitative", "title": f"white staff, {white}",
                               "scale": scale},
                         "y": {"field": "value", "type": "quantitative", "title": f"BME staff, {white}",
                               "scale": scale},
                         "color": {"field": "region", "type": "nominal", "title": "region",
                                   "scale": {"scheme": "tableau10", **({"domain": domains["region"]}
                                                                        if domains else {})},
                                   "legend": {"orient": "right"}},
                         "tooltip": [{"field": "trust", "title": "trust"}, {"field": "region"},
                                     {"field": "value", "title": "BME", "type": "quantitative",
                                      "format": f".{digits}f"},
                                     {"field": "white", "title": "white", "type": "quantitative",
                                      "format": f".{digits}f"}]}}]}

    views = [view("region", "region", "trust_type", "trust type", "jr"),
             view("trust_type", "trust type", "region", "region", "jt")]
    if len(pairs):
        views.append(against_white())
    spec = {"title": title, "datasets": {"trusts": values}, "vconcat": views,
            "resolve": {"scale": {"color": "independent", "y": "independent", "x": "independent"}},
            "config": {"view": {"stroke": "#d8dde0"}}}

    def text(value, reason) -> str:
        return number(value, digits) if not pd.isna(value) else \
            f"suppressed ({reason})" if isinstance(reason, str) else "not defined"
    rows = [[str(r.label), str(r.code), str(r.region), str(r.trust_type)] +
            (["not reported"] * (2 if white else 1) if not r.reported else
             [text(r.value, r.reason)] + ([text(r.white, r.white_reason)] if white else []))
            for r in data.itertuples()]
    hidden = int(data["value"].isna().sum())

    def medians(column: str) -> str:
        return ", ".join(f"{g} {number(v, digits)} ({n})" for (g, v), n in zip(
            shown.groupby(column)["value"].median().items(), shown.groupby(column)["value"].size()))
    alt_text = (f"Strip charts, {title}: each of {len(shown)} trusts with a published value is a point "
                f"({hidden} suppressed, not defined or not reported are listed in the table). Median (trusts) by region: "
                f"{medians('region') or 'none'}. By trust type: {medians('trust_type') or 'none'}.")
    if reference is not None and not pd.isna(reference):
        alt_text += f" The orange line marks England, {number(reference, digits)}."
    if band:
        alt_text += f" The shaded band is the four-fifths range {band[0]} to {band[1]}."
    if white:
        above = int((pairs["value"] > pairs["white"]).sum())
        below = int((pairs["value"] < pairs["white"]).sum())
        alt_text += (f" Against white staff: of {len(pairs)} trusts with both figures published, the BME figure is "
                     f"higher at {above} and lower at {below}.")
    columns = ["trust", "code", "region", "trust type"] + (["BME", "white"] if white else ["value"])
    return Figure(title, "", alt_text, columns, rows,
                  spec=json.dumps(spec, sort_keys=True).replace("<", "\\u003c") if values else "")
