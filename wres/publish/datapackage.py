"""`datapackage.json`: the release's CSV files described as a Frictionless data package (Table
Schema: each column's type and description, the empty cell as the missing-value marker), so
standard tools (`frictionless validate datapackage.json`) can check them."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from wres.publish.dictionary import column_descriptions

# DuckDB's types -> Table Schema's.
TYPES = {"VARCHAR": "string", "BOOLEAN": "boolean", "DOUBLE": "number", "FLOAT": "number", "DECIMAL": "number",
         "BIGINT": "integer", "INTEGER": "integer", "SMALLINT": "integer", "TINYINT": "integer", "HUGEINT": "integer",
         "UBIGINT": "integer", "UINTEGER": "integer", "DATE": "date", "TIMESTAMP": "datetime",
         "TIMESTAMP WITH TIME ZONE": "datetime"}


def field_type(duckdb_type: str) -> str:
    base = duckdb_type.split("(")[0].upper()
    return TYPES.get(base, "string")


def write_datapackage(staging: Path, tables: dict[str, str], wres_year: int) -> None:
    """Describe each `<table>.csv` of the staged release; `tables` maps file stem to its dbt relation."""
    con = duckdb.connect()
    resources = []
    try:
        for stem, relation in tables.items():
            described = column_descriptions(relation)
            columns = con.execute("describe select * from read_parquet(?)",
                                  [str(staging / f"{stem}.parquet")]).fetchall()
            fields = []
            for name, kind, *_ in columns:
                field = {"name": name, "type": field_type(kind)}
                if described.get(name):
                    field["description"] = described[name]
                fields.append(field)
            resources.append({"name": stem.replace("_", "-"), "path": f"{stem}.csv", "profile": "tabular-data-resource",
                              "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                              "schema": {"fields": fields, "missingValues": [""]}})
    finally:
        con.close()
    package = {"profile": "tabular-data-package", "name": f"wres-{wres_year}",
               "title": f"Workforce Race Equality Standard (WRES) {wres_year}, disclosure-controlled release",
               "resources": resources}
    (staging / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
