"""DATA_DICTIONARY.md of a release: every table, column, measure, breakdown and suppression reason.

Column descriptions come from the dbt YAML that documents the models (one source for the
docs site, the release and the Parquet metadata); measures and breakdowns are those the
release actually holds.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import duckdb
import yaml

from wres import vocabulary
from wres.config import DBT_PROJECT_DIR

SUPPRESSION_REASONS = {
    "count 1-7": "below England, a count from 1 to 7, or a rate, percentage or ratio computed from one",
    "n<11": "a survey percentage (below England, or any detailed breakdown cell) from fewer than 11 respondents",
    "declaration<80%": "the trust's ethnicity declaration rate is below 80%: its indicators 1-4 and 9 are withheld",
    "secondary": "hidden so that no sensitive value can be derived from the published ones (sums, rates x bases, "
                 "earlier releases)",
}


@lru_cache(maxsize=1)
def model_docs() -> dict[str, dict]:
    """{model: {"description": ..., "columns": {column: description}}} from every dbt YAML file."""
    docs: dict[str, dict] = {}
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("_*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            docs[model["name"]] = {
                "description": " ".join(str(model.get("description", "")).split()),
                "columns": {c["name"]: " ".join(str(c.get("description", "")).split()) for c in model.get("columns", [])},
            }
    return docs


def column_descriptions(relation: str) -> dict[str, str]:
    return model_docs().get(relation.split(".")[-1], {}).get("columns", {})


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_dictionary(staging: Path, tables: dict[str, str], workbook: str) -> None:
    """Write DATA_DICTIONARY.md for the staged release; `tables` maps file stem to its source relation,
    `workbook` is the statistics workbook's file name."""
    con = duckdb.connect()
    lines = ["# Data dictionary", "",
             "Every table of this release, in Parquet (exact values) and CSV (text cells that would start a "
             "spreadsheet formula are prefixed with `'`). A hidden value is blank with `suppressed = true` and "
             "its `suppression_reason`. `datapackage.json` describes the CSV files as a Frictionless data "
             "package (column types, descriptions, the empty cell as missing value): "
             "`frictionless validate datapackage.json` checks them.", "",
             f"## {workbook}", "",
             "The statistics workbook (the Government Analysis Function's spreadsheet guidance): a cover, "
             "contents, notes, and one sheet per indicator with one row per area (England, regions, integrated "
             "care boards, trust types, trusts) and one column per measure of its `all` breakdown, headed by the "
             "measure's label and unit below. `[c]` marks a value hidden by disclosure control, `[z]` one that is "
             "not defined; every other cell is a number at full precision.", ""]
    try:
        for stem, relation in tables.items():
            path = str(staging / f"{stem}.parquet")
            docs = model_docs().get(relation.split(".")[-1], {})
            lines += [f"## {stem}", "", docs.get("description", ""), "", "| column | type | description |",
                      "|---|---|---|"]
            described = docs.get("columns", {})
            for name, kind, *_ in con.execute("describe select * from read_parquet(?)", [path]).fetchall():
                lines.append(f"| `{name}` | {kind} | {_cell(described.get(name, ''))} |")
            lines.append("")
            if stem == "wres_indicator_summary":
                lines += ["### Measures and breakdowns", "",
                          "Better is the direction a trust would want the measure to move, where there is one.", "",
                          "| indicator | measure | label | unit | better | breakdowns |", "|---|---|---|---|---|---|"]
                better = {"lower": "lower", "higher": "higher", "parity": "nearer 1 (parity)", "": ""}
                for indicator, measure, breakdowns in con.execute(
                        "select indicator, measure, string_agg(distinct breakdown, ', ' order by breakdown) "
                        "from read_parquet(?) group by 1, 2 order by 1, 2", [path]).fetchall():
                    m = vocabulary.measure(indicator, measure)
                    lines.append(f"| {indicator} | `{measure}` | {_cell(m.label)} | {_cell(m.unit)} | "
                                 f"{better[m.direction]} | {_cell(breakdowns)} |")
                lines.append("")
    finally:
        con.close()
    lines += ["## Suppression reasons", "", "| reason | meaning |", "|---|---|",
              *(f"| `{reason}` | {meaning} |" for reason, meaning in SUPPRESSION_REASONS.items()), ""]
    (staging / "DATA_DICTIONARY.md").write_text("\n".join(lines), encoding="utf-8")
