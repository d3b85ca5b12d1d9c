"""Charts of the report: Vega-Lite specifications through Altair, rendered to inline SVG.

vl-convert renders offline (no CDN, no JavaScript in the page). Every figure carries a text
alternative written from its numbers and the table of those numbers, shown beside it.
"""

from __future__ import annotations

import json
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
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return svg.replace("<svg ", '<svg role="img" aria-hidden="true" focusable="false" ', 1)


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
         reference_label: str = "England", digits: int = 2) -> Figure:
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
    return Figure(title, _svg(chart), alt_text, ["area", "value"], rows)


@lru_cache(maxsize=1)
def _multiples_template() -> str:
    """The small-multiples specification without its data (built once: Altair's validation is slow)."""
    chart = alt.Chart(alt.NamedData("values")).mark_line(point=True).encode(
        x=alt.X("year:O", title=None), y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="bottom")),
    ).properties(width=170, height=90).facet(facet=alt.Facet("panel:N", title=None), columns=3) \
        .resolve_scale(y="independent")
    return json.dumps(chart.to_dict())


def small_multiples(title: str, data: pd.DataFrame) -> Figure:
    """One small line chart per indicator (`panel`), series over years, independent scales.

    Rendered in the reader's browser by the Vega bundle shipped in the report (a trust page
    each: rendering them all to SVG here would take minutes), with its table in the page.
    """
    shown = data.dropna(subset=["value"])
    spec = json.loads(_multiples_template())
    spec.pop("$schema", None)  # a name, not a download; kept out so the pages hold no address at all
    spec["data"] = {"values": [{"panel": r.panel, "year": int(r.year), "series": str(r.series),
                                "value": float(r.value)} for r in shown.itertuples()]}
    spec["title"] = title
    rows = [[r.panel, str(int(r.year)), str(r.series), number(r.value) if not pd.isna(r.value)
             else f"suppressed ({r.reason})" if isinstance(r.reason, str) else "not available"]
            for r in data.sort_values(["panel", "year", "series"]).itertuples()]
    panels = ", ".join(sorted(shown["panel"].unique()))
    alt_text = f"Small line charts, {title}, one per indicator ({panels or 'none published'}); the table lists every value."
    return Figure(title, "", alt_text, ["indicator", "WRES year", "series", "value"], rows,
                  spec=json.dumps(spec, sort_keys=True).replace("<", "\\u003c") if len(shown) else "")


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
