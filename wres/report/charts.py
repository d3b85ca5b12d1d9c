"""Charts of the report: Vega-Lite specifications, rendered to inline SVG.

vl-convert renders offline (no CDN, no JavaScript in the page). Every figure carries a text
alternative written from its numbers and the table of those numbers, shown beside it.

The specifications are written as dicts in the form Altair writes them (its default view size,
its schema address, the data inline in named `datasets`), key for key and in the same order: the
charts were first written with Altair, whose building and validation of each chart cost more
than drawing it, and the same specification draws the same SVG.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field

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


def _svg(spec: dict) -> str:
    # vl-convert compiles the spec itself and fails on one it cannot draw.
    svg = vl_convert.vegalite_to_svg(spec)
    return _stable_ids(svg).replace("<svg ", '<svg role="img" aria-hidden="true" focusable="false" ', 1)


# --- specifications as Altair writes them --------------------------------------------------------

DEFAULT_CONFIG = {"view": {"continuousWidth": 300, "continuousHeight": 300}}


def _values(frame: pd.DataFrame) -> list[dict]:
    """The rows of `frame` as Altair puts them inline: plain Python values, None for a missing value
    (and for an infinite float)."""
    columns = []
    for name, dtype in frame.dtypes.items():
        column = frame[name].tolist()
        if pd.api.types.is_float_dtype(dtype):
            columns.append([None if v != v or v in (math.inf, -math.inf) else v for v in column])
        else:
            columns.append([None if v is None or v is pd.NA or v != v else v for v in column])
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*columns)]


def _constant(**columns) -> list[dict]:
    """One row of constants (a reference line, a band) as Altair puts it inline."""
    return _values(pd.DataFrame({name: [value] for name, value in columns.items()}))


def _data(values: list[dict], datasets: dict) -> dict:
    """`values` as a named dataset of the chart, named after their content the way Altair names them."""
    text = json.dumps(values, sort_keys=True, default=str)
    name = "empty" if values == [{}] else "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]
    datasets.setdefault(name, values)
    return {"name": name}


def _layered(layers: list[tuple[list[dict], dict]], datasets: dict) -> dict:
    """Layers of (values, layer) as Altair writes them: the data once above the layers when every
    layer draws the same values (the same object), else the data in each layer."""
    first = layers[0][0]
    if all(values is first for values, _ in layers):
        return {"layer": [layer for _, layer in layers], "data": _data(first, datasets)}
    return {"layer": [{"data": _data(values, datasets), **layer} for values, layer in layers]}


def _spec(body: dict, datasets: dict) -> dict:
    return {"config": DEFAULT_CONFIG, **body, "$schema": alt.SCHEMA_URL, "datasets": datasets}


def _quantitative(field: str, **keys) -> dict:
    return {"field": field, **keys, "type": "quantitative"}


def _nominal(field: str, **keys) -> dict:
    return {"field": field, **keys, "type": "nominal"}


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
    values = _values(data)
    x = {"field": "year", "title": "WRES year", "type": "ordinal"}
    colour = _nominal("series", legend={"orient": "bottom"}, scale={"range": PALETTE}, title=None)
    layers = []
    if four_fifths:
        layers.append((_constant(lower=four_fifths[0], upper=four_fifths[1]),
                       {"mark": {"type": "rect", "color": FOUR_FIFTHS_COLOUR, "opacity": 0.7},
                        "encoding": {"y": _quantitative("lower"), "y2": {"field": "upper"}}}))
        layers.append((_constant(parity=1.0), {"mark": {"type": "rule", "color": "#425563", "strokeDash": [4, 3]},
                                               "encoding": {"y": _quantitative("parity")}}))
    if {"lower", "upper"} <= set(data.columns) and data["lower"].notna().any():
        layers.append((values, {"mark": {"type": "rule"}, "encoding": {
            "color": colour, "x": x, "y": _quantitative("lower"), "y2": {"field": "upper"}}}))
    layers.append((values, {"mark": {"type": "line", "point": True}, "encoding": {
        "color": colour, "x": x, "y": _quantitative("value", scale={"zero": False}, title=y_title)}}))
    datasets = {}
    chart = _spec({**_layered(layers, datasets), "height": 220, "title": title, "width": 420}, datasets)
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
    layers = [(_values(shown), {"mark": {"type": "bar", "color": PALETTE[0]}, "encoding": {
        "x": _quantitative("value", title=x_title), "y": _nominal("label", sort=None, title=None)}})]
    if reference is not None and not pd.isna(reference):
        layers.append(_reference_line(reference))
    datasets = {}
    chart = _spec({**_layered(layers, datasets), "height": max(60, 18 * len(shown)), "title": title,
                   "width": 420}, datasets)
    rows = [[str(r.label), number(r.value, digits) if not pd.isna(r.value) else f"suppressed ({r.reason})"]
            for r in data.sort_values("label").itertuples()]
    listed = ", ".join(f"{r.label} {number(r.value, digits)}" for r in shown.itertuples())
    alt_text = f"Bar chart, {title}: {listed}."
    if reference is not None and not pd.isna(reference):
        alt_text += f" The line marks {reference_label}, {number(reference, digits)}."
    return Figure(title, _svg(chart), alt_text, [label_title, "value"], rows)


def _reference_line(reference: float) -> tuple[list[dict], dict]:
    """The layer of the orange rule marking England's value."""
    return _constant(reference=reference), {"mark": {"type": "rule", "color": PALETTE[1], "size": 2},
                                            "encoding": {"x": _quantitative("reference")}}


def _missing(value) -> bool:
    return value is None or value != value  # None or NaN


def _inline(point: dict) -> dict:
    return {"year": point["year"], "series": point["series"], "value": _finite(point["value"])}


def _finite(value) -> float | None:
    """A number as Altair puts it inline: a float, None for a missing or infinite one."""
    return None if _missing(value) or value in (math.inf, -math.inf) else float(value)


def distribution(title: str, data: pd.DataFrame, x_title: str, reference: float | None = None,
                 band: tuple[float, float] | None = None, digits: int = 2) -> Figure:
    """Every trust as a point (`label` its name, `group` its region, `value`), one row per group."""
    shown = data.dropna(subset=["value"])
    layers = []
    if band:
        layers.append((_constant(lower=band[0], upper=band[1]),
                       {"mark": {"type": "rect", "color": FOUR_FIFTHS_COLOUR, "opacity": 0.7},
                        "encoding": {"x": _quantitative("lower"), "x2": {"field": "upper"}}}))
    layers.append((_values(shown), {"mark": {"type": "circle", "color": PALETTE[0], "opacity": 0.6, "size": 28},
                                    "encoding": {"x": _quantitative("value", scale={"zero": False}, title=x_title),
                                                 "y": _nominal("group", title=None)}}))
    if reference is not None and not pd.isna(reference):
        layers.append(_reference_line(reference))
    datasets = {}
    chart = _spec({**_layered(layers, datasets), "height": max(60, 22 * shown["group"].nunique()), "title": title,
                   "width": 420}, datasets)
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
    datasets = {}
    chart = _spec({"data": _data(_values(shown), datasets), "mark": {"type": "bar"}, "encoding": {
        "color": _nominal("group", legend={"orient": "bottom"},
                          scale={"domain": groups, "range": [GROUP_COLOURS[g] for g in groups]}, sort=groups,
                          title=None),
        "order": _quantitative("rank"),
        "x": _quantitative("value", scale={"domain": [0, 100]}, title="% of the band's staff"),
        "y": _nominal("band", sort=bands, title=None)},
        "height": max(60, 20 * len(bands)), "title": title,
        "transform": [{"calculate": "datum.group === 'BME' ? 0 : datum.group === 'White' ? 1 : 2", "as": "rank"}],
        "width": 420}, datasets)
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
    shown = _values(data.assign(label=[number(v, digits) if not pd.isna(v) else "s" for v in data["value"]]))
    x = {"axis": {"labelAngle": -40}, **_nominal("band", sort=bands, title=x_title)}
    y = _nominal("area", sort=areas, title=None)
    cells = {"mark": {"type": "rect", "stroke": "#ffffff"}, "encoding": {
        "color": {"condition": {"test": "isValid(datum.value)",
                                **_quantitative("value", scale={"scheme": "blues"}, title=colour_title)},
                  "value": SUPPRESSED_COLOUR},
        "x": x, "y": y}}
    text = {"mark": {"type": "text", "fontSize": 9}, "encoding": {
        "color": {"condition": {"test": "datum.value > 50", "value": "#ffffff"}, "value": "#212b32"},
        "text": _nominal("label"), "x": x, "y": y}}
    datasets = {}
    chart = _spec({**_layered([(shown, cells), (shown, text)], datasets), "height": max(40, 20 * len(areas)),
                   "title": title, "width": max(120, 34 * len(bands))}, datasets)
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
    bars_ = {"mark": {"type": "bar"}, "encoding": {
        "color": _nominal("ratio", legend={"orient": "bottom"}, scale={"domain": names, "range": PALETTE[:3]},
                          sort=names, title=None),
        "x": _quantitative("value", title="disparity ratio (1 = parity)"),
        "y": _nominal("area", sort=charted, title=None),
        "yOffset": _nominal("ratio", sort=names)}}
    parity = {"mark": {"type": "rule", "color": "#212b32", "strokeDash": [4, 3]},
              "encoding": {"x": _quantitative("parity")}}
    datasets = {}
    chart = _spec({**_layered([(_values(shown), bars_), (_constant(parity=1.0), parity)], datasets),
                   "height": {"step": 8}, "title": title, "width": 420}, datasets)
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


# The board pack's lines: BME blue and solid, white orange and dashed, so they differ in print too.
LINE_STYLES = {"BME staff": (PALETTE[0], []), "white staff": (PALETTE[1], [6, 3]), "relative likelihood": (PALETTE[0], []),
               "BME % of board": (PALETTE[0], []), "BME % of staff": (PALETTE[2], [6, 3])}
BAND_COLOUR = "#d8dde0"


def labelled_lines(title: str, points: list[dict], y_title: str, band: list[dict], band_name: str,
                   four_fifths: tuple[float, float] | None = None, digits: int = 1) -> Figure:
    """A trust's series over the years, each line named at its last point (no legend to decode), over
    the shaded middle half of its comparator group; `points` are dicts of year, series and value (None
    when not published), `band` of year, lower and upper. Drawn in the reader's browser (a spec, like
    the small multiples). Plain lists, not frames: a release draws one per area and indicator."""
    points = [{"year": int(r["year"]), "series": r["series"], "value": None if _missing(r["value"]) else float(r["value"])}
              for r in points]
    band = [{"year": int(r["year"]), "lower": _finite(r["lower"]), "upper": _finite(r["upper"])} for r in band]
    shown = sorted((r for r in points if r["value"] is not None), key=lambda r: (r["series"], r["year"]))
    names = list(dict.fromkeys(r["series"] for r in points))
    colours = [LINE_STYLES.get(n, (PALETTE[k % len(PALETTE)], []))[0] for k, n in enumerate(names)]
    dashes = [LINE_STYLES.get(n, ("", []))[1] for n in names]
    x = {"field": "year", "title": "WRES year", "type": "ordinal"}
    layers = []
    if four_fifths:
        layers.append({"data": {"values": [{"lower": four_fifths[0], "upper": four_fifths[1]}]},
                       "mark": {"type": "rect", "color": FOUR_FIFTHS_COLOUR, "opacity": 0.6},
                       "encoding": {"y": _quantitative("lower"), "y2": {"field": "upper"}}})
    if band:
        # The area joins the years; the bar at each year shows the range where there is only one.
        for mark in ({"type": "area", "color": BAND_COLOUR, "opacity": 0.8},
                     {"type": "rule", "color": BAND_COLOUR, "strokeWidth": 8}):
            layers.append({"data": {"values": [dict(r) for r in band]}, "mark": mark,
                           "encoding": {"x": x, "y": _quantitative("lower"), "y2": {"field": "upper"}}})
    colour = _nominal("series", legend=None, scale={"domain": names, "range": colours})
    dash = _nominal("series", legend=None, scale={"domain": names, "range": dashes})
    layers.append({"data": {"values": [_inline(r) for r in shown]},
                   "mark": {"type": "line", "point": True, "strokeWidth": 2.5},
                   "encoding": {"x": x, "y": _quantitative("value", scale={"zero": False}, title=y_title),
                                "color": colour, "strokeDash": dash}})
    last = list({r["series"]: r for r in shown}.values())  # each series' last year, series in order
    layers.append({"data": {"values": [_inline(r) for r in last]},
                   "mark": {"type": "text", "align": "left", "dx": 6, "fontWeight": "bold"},
                   "encoding": {"x": x, "y": _quantitative("value"), "text": {"field": "series"},
                                "color": colour}})
    spec = {"title": title, "width": 360, "height": 180, "layer": layers,
            "config": {"view": {"stroke": None}}, "padding": {"right": 90}}
    rows = []
    for r in sorted(points, key=lambda r: (r["year"], r["series"])):
        rows.append([str(r["year"]), str(r["series"]),
                     "not published" if r["value"] is None else number(r["value"], digits)])
    for r in band:
        rows.append([str(r["year"]), band_name, f"{number(r['lower'], digits)} to {number(r['upper'], digits)}"])
    by_series: dict[str, list[dict]] = {}
    for r in shown:
        by_series.setdefault(r["series"], []).append(r)
    parts = [f"{s}: " + ", ".join(f"{r['year']} {number(r['value'], digits)}" for r in g) for s, g in by_series.items()]
    alt_text = (f"Line chart, {title}. " + ("; ".join(parts) if parts else "No published values.")
                + (f" The grey band is the {band_name}." if band else "")
                + (f" The green band is the four-fifths range {four_fifths[0]} to {four_fifths[1]}."
                   if four_fifths else ""))
    return Figure(title, "", alt_text, ["WRES year", "series", "value"], rows,
                  spec=json.dumps(spec, sort_keys=True).replace("<", "\\u003c") if shown or band else "")
