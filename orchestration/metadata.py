"""Dagster's standard table metadata (`dagster/column_schema`) for the raw tables and the releases."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb


def _schema(rows, descriptions: dict[str, str]) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name, type=str(kind), description=descriptions.get(name) or None)
                                   for name, kind in rows])


def warehouse_table_schema(con: duckdb.DuckDBPyConnection, schema: str, table: str,
                           descriptions: dict[str, str] | None = None) -> dg.TableSchema:
    """The columns of a warehouse table as DuckDB holds them."""
    rows = con.execute("select column_name, data_type from information_schema.columns "
                       "where table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()
    return _schema(rows, descriptions or {})


def parquet_table_schema(path: Path, descriptions: dict[str, str] | None = None) -> dg.TableSchema:
    """The columns of a Parquet file of a release, as written."""
    con = duckdb.connect()
    try:
        rows = con.execute("select column_name, column_type from (describe select * from read_parquet(?))",
                           [str(path)]).fetchall()
    finally:
        con.close()
    return _schema(rows, descriptions or {})


def table_row_counts(con: duckdb.DuckDBPyConnection, relations: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Row counts of those (schema, table) relations that are tables (a view's count would rerun its query),
    in one query."""
    tables = {tuple(r) for r in con.execute("select table_schema, table_name from information_schema.tables "
                                             "where table_type = 'BASE TABLE'").fetchall()}
    wanted = sorted(set(relations) & tables)
    if not wanted:
        return {}
    sql = " union all ".join(f"select {i} as i, count(*) as n from {_quoted(s)}.{_quoted(t)}"
                             for i, (s, t) in enumerate(wanted))
    return {wanted[i]: int(n) for i, n in con.execute(sql).fetchall()}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
