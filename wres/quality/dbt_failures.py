"""dbt data tests that failed in a build, attributed to the WRES years their failing rows belong to.

`dbt build` runs the data tests at severity warn (dbt_project.yml), so every model builds
whatever one year's data does, and each test keeps its failing rows in a table of the
schema `test_failures` (dbt's store_failures). After the build the transform step calls
`record` with dbt's run_results.json and manifest: for each test that did not pass, its
failing rows are counted per `wres_year` when they carry one (otherwise the failure counts
for every year) and written, with a few example rows, to `quality.dbt_test_failures`. The
publication gate of each year reads `year_failures`: a recorded failure blocks that year only.
Unit tests and model errors are code, not data: they still fail the whole build.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

TABLE = "quality.dbt_test_failures"
EXAMPLE_ROWS = 5
# Columns shown first in an example row: where the row came from, then whose it is.
LEADING_COLUMNS = ("source_file", "org_code", "area_code", "submission_id")
SHOWN_COLUMNS = 8


@dataclass(frozen=True)
class FailedTest:
    test: str
    model: str
    description: str
    relation: str


@dataclass(frozen=True)
class YearFailure:
    """One failed dbt test's rows in one WRES year (None: the rows name no year, so every year)."""

    wres_year: int | None
    test: str
    model: str
    description: str
    failing_rows: int
    examples: list[str]


def failed_tests(run_results: dict, manifest: dict) -> list[FailedTest]:
    """The data tests of a build that found rows (status warn or fail), with the model they test."""
    nodes = manifest.get("nodes", {})
    found = []
    for result in run_results.get("results", []):
        unique_id = result.get("unique_id", "")
        if not unique_id.startswith("test.") or result.get("status") not in ("warn", "fail"):
            continue
        if not result.get("failures") or not result.get("relation_name"):
            continue
        node = nodes.get(unique_id, {})
        tested = node.get("attached_node") or next(
            (n for n in node.get("depends_on", {}).get("nodes", []) if n.startswith(("model.", "seed."))), "")
        found.append(FailedTest(test=node.get("name", unique_id.split(".")[2]),
                                model=tested.split(".")[-1] if tested else "",
                                description=" ".join((node.get("description") or "").split()),
                                relation=result["relation_name"]))
    return sorted(found, key=lambda f: f.test)


def _example(row: tuple, columns: list[str]) -> str:
    pairs = dict(zip(columns, row))
    order = [c for c in LEADING_COLUMNS if c in pairs] + [c for c in columns if c not in LEADING_COLUMNS]
    shown = [f"{c}={pairs[c]}" for c in order if c != "wres_year" and pairs[c] is not None][:SHOWN_COLUMNS]
    return ", ".join(shown)


def attribute(con: duckdb.DuckDBPyConnection, test: FailedTest) -> list[YearFailure]:
    """The failing rows of one test, per WRES year when they carry it."""
    columns = [r[0] for r in con.execute(f"describe select * from {test.relation}").fetchall()]
    order = ", ".join(f'"{c}"' for c in columns)
    if "wres_year" in columns:
        rows = con.execute(f"""
            select wres_year, count(*) over (partition by wres_year) as n, *
            from {test.relation}
            qualify row_number() over (partition by wres_year order by {order}) <= {EXAMPLE_ROWS}
            order by wres_year, {order}""").fetchall()
        by_year: dict[int | None, tuple[int, list[str]]] = {}
        for year, n, *row in rows:
            count, examples = by_year.setdefault(year, (n, []))
            examples.append(_example(tuple(row), columns))
        return [YearFailure(int(year) if year is not None else None, test.test, test.model, test.description, n,
                            examples) for year, (n, examples) in by_year.items()]
    total = con.execute(f"select count(*) from {test.relation}").fetchone()[0]
    rows = con.execute(f"select * from {test.relation} order by {order} limit {EXAMPLE_ROWS}").fetchall()
    return [YearFailure(None, test.test, test.model, test.description, total,
                        [_example(r, columns) for r in rows])]


def record(con: duckdb.DuckDBPyConnection, run_results: dict, manifest: dict) -> list[YearFailure]:
    """Replace `quality.dbt_test_failures` with the failures of this build (one transaction)."""
    failures = [f for test in failed_tests(run_results, manifest) for f in attribute(con, test)]
    con.execute("create schema if not exists quality")
    con.execute(f"""create table if not exists {TABLE} (wres_year integer, test varchar, model varchar,
                    description varchar, failing_rows bigint, examples varchar[])""")
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {TABLE}")
        if failures:
            con.executemany(f"insert into {TABLE} values (?, ?, ?, ?, ?, ?)",
                            [(f.wres_year, f.test, f.model, f.description, f.failing_rows, f.examples)
                             for f in failures])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return failures


def year_failures(con: duckdb.DuckDBPyConnection, wres_year: int) -> list[YearFailure] | None:
    """The recorded failures that block `wres_year` (its own and those naming no year);
    None when no build has recorded its tests (the warehouse was built by dbt alone)."""
    exists = con.execute("select count(*) from information_schema.tables "
                         "where table_schema = 'quality' and table_name = 'dbt_test_failures'").fetchone()[0]
    if not exists:
        return None
    rows = con.execute(f"""select wres_year, test, model, description, failing_rows, examples from {TABLE}
                           where wres_year = ? or wres_year is null order by test, wres_year""",
                       [wres_year]).fetchall()
    return [YearFailure(r[0], r[1], r[2], r[3], r[4], list(r[5])) for r in rows]


def message(failure: YearFailure, wres_year: int) -> str:
    """What a data engineer reads: the year, the test, the model, and rows to act on."""
    scope = f"WRES {wres_year}" if failure.wres_year is not None else "every WRES year (its rows name none)"
    about = f": {failure.description}" if failure.description else ""
    return (f"dbt test {failure.test} on {failure.model or 'the project'} found {failure.failing_rows} failing "
            f"row(s) in {scope}{about}")
