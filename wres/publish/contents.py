"""What a release holds: its tables, the query that makes each disclosure-controlled, and the
spreadsheet-safe form of its CSV copies. Imported by publication and by the gate that checks it."""

from __future__ import annotations

import duckdb

from wres.release_contents import (RELEASE_TABLES, SURVEY_BREAKDOWN_COLUMNS,  # noqa: F401 (used by callers)
                                   publication_query)


# OWASP's CSV injection rule: a text cell starting with one of these is read as a formula by
# spreadsheets, so the CSV copy of a release prefixes it with a single quote. Parquet keeps the
# true value; numeric columns, negative numbers included, stay plain numbers.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_query(con: duckdb.DuckDBPyConnection, query: str) -> str:
    """`query` with every text column's formula-like cells neutralised for a CSV file."""
    columns = con.execute(f"describe ({query})").fetchall()
    triggers = ", ".join(f"chr({ord(t)})" for t in FORMULA_TRIGGERS)
    selected = []
    for name, kind, *_ in columns:
        quoted = '"' + name.replace('"', '""') + '"'
        if kind.upper() == "VARCHAR":
            selected.append(f"case when left({quoted}, 1) in ({triggers}) then chr(39) || {quoted} "
                            f"else {quoted} end as {quoted}")
        else:
            selected.append(quoted)
    return f"select {', '.join(selected)} from ({query})"
