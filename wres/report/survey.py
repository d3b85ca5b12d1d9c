"""The survey breakdowns page: indicators 5-8 by detailed ethnicity, gender and occupation group."""

from __future__ import annotations

import pandas as pd

from wres import vocabulary
from wres.report import charts
from wres.report.data import HEADLINES, SURVEY

# The survey breakdowns of the report: breakdown_type -> (column, heading, order of its categories).
BREAKDOWNS = {
    "ethnicity": ("ethnicity", "detailed ethnicity", "ethnicities", tuple(vocabulary.survey_ethnicities())),
    "gender": ("gender", "gender", "genders", vocabulary.SURVEY_GENDERS),
    "occupation": ("occupation_group", "occupation group", "occupation groups", vocabulary.SURVEY_OCCUPATIONS),
}
NOT_STATED = "not stated"


def survey_breakdowns(frame: pd.DataFrame | None, year: int) -> list[dict]:
    """Per survey indicator and breakdown (detailed ethnicity, gender, occupation): England as bars,
    the regions as a grid, and England's ethnicity group x gender x occupation table."""
    if frame is None or frame.empty:
        return []
    frame = frame[frame["wres_year"] == year]
    out = []
    for indicator in SURVEY:
        rows = frame[frame["indicator"] == indicator]
        if rows.empty:
            continue
        section = {"indicator": indicator, "meaning": HEADLINES[indicator][1].replace(" (%)", ""),
                   "survey_year": int(rows["survey_year"].iloc[0]), "parts": []}
        for kind, (column, heading, plural, known) in BREAKDOWNS.items():
            part = rows[rows["breakdown_type"] == kind]
            if part.empty:
                continue
            labels = part[column].fillna(NOT_STATED)
            present = set(labels)
            order = {c: i for i, c in enumerate([c for c in known if c in present]
                                                + sorted(present - set(known)))}
            england = part[part["level"] == "england"]
            england_data = pd.DataFrame({"label": labels[england.index], "value": england["pct"].astype(float),
                                         "reason": england["suppression_reason"]})
            england_data = england_data.assign(order=england_data["label"].map(order)).sort_values("order")
            bars = charts.bars(f"Indicator {indicator} by {heading}, England, {year}: {section['meaning']} (%)",
                               england_data, "% of respondents", digits=1, label_title=heading)
            regions = part[part["level"] == "region"]
            grid = charts.heatmap(
                f"Indicator {indicator} by {heading} and region, {year} (%)",
                pd.DataFrame({"area": regions["area_name"], "band": labels[regions.index],
                              "order": labels[regions.index].map(order), "value": regions["pct"].astype(float),
                              "reason": regions["suppression_reason"]}),
                heading, colour_title="%", columns_noun=plural, meaning="a higher percentage",
                missing="no respondents", table_digits=1)
            section["parts"].append({"kind": kind, "heading": heading, "england": bars, "regions": grid})
        section["cross"] = cross_table(rows)
        out.append(section)
    return out


def cross_table(rows: pd.DataFrame) -> dict:
    """England by occupation group and gender (rows) and ethnicity group (columns)."""
    cross = rows[(rows["breakdown_type"] == "ethnicity_group_gender_occupation") & (rows["level"] == "england")]
    groups = [g for g in vocabulary.ETHNICITY_GROUPS if g in set(cross["ethnicity_group"])]
    occupations = {c: i for i, c in enumerate(vocabulary.SURVEY_OCCUPATIONS)}
    genders = {c: i for i, c in enumerate(vocabulary.SURVEY_GENDERS)}
    cells = {(r.occupation_group, r.gender, r.ethnicity_group): r for r in cross.itertuples()}
    keys = sorted({(r.occupation_group, r.gender) for r in cross.itertuples()},
                  key=lambda k: (occupations.get(k[0], 99), str(k[0]), genders.get(k[1], 99), str(k[1])))
    lines = []
    for occupation, gender in keys:
        line = [occupation if isinstance(occupation, str) else NOT_STATED,
                gender if isinstance(gender, str) else NOT_STATED]
        for group in groups:
            r = cells.get((occupation, gender, group))
            line.append("no respondents" if r is None else charts._cell(r, "pct", 1, "suppression_reason"))
        lines.append(line)
    return {"columns": ["occupation group", "gender"] + [f"% {g}" for g in groups], "rows": lines}
