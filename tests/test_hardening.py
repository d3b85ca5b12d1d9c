"""Published CSV files and `wres query` never let input text act: no formulas, no file access, no markup."""

from __future__ import annotations

import csv
import os

import duckdb
import pytest
from click.testing import CliRunner

from orchestration.cli import main
from wres.publish.contents import csv_safe_query


def test_formula_like_text_is_neutralised_in_csv_but_numbers_stay_numbers(tmp_path):
    con = duckdb.connect()
    con.execute("""create table names as select * from (values
        ('=HYPERLINK("http://example.invalid","x")', -2.5), ('-2+3+cmd|'' /C calc''!A0', 1.0),
        ('+1', 0.0), ('@SUM(A1)', -7.0), (chr(9) || 'tab', 3.0), (chr(13) || 'cr', 4.0),
        ('ALPHA NHS TRUST', 5.0), (null, null)) as t(area_name, value)""")
    target = tmp_path / "names.csv"
    con.execute(f"copy ({csv_safe_query(con, 'select * from names')}) to '{target}' (format csv, header true)")
    with open(target, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["area_name", "value"]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://example.invalid\",\"x\")", "'-2+3+cmd|' /C calc'!A0",
                                        "'+1", "'@SUM(A1)", "'\ttab", "'\rcr", "ALPHA NHS TRUST", ""]
    assert [r[1] for r in rows[1:]] == ["-2.5", "1.0", "0.0", "-7.0", "3.0", "4.0", "5.0", ""]
    # The Parquet copy keeps the true text.
    con.execute(f"copy names to '{tmp_path / 'names.parquet'}' (format parquet)")
    first = con.execute(f"select area_name from '{tmp_path / 'names.parquet'}' limit 1").fetchone()[0]
    assert first == '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    # The CLI exports its paths to the environment for child processes: keep them out of this one.
    monkeypatch.setattr(os, "environ", dict(os.environ))
    path = tmp_path / "wres.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table names as select 'White[/]' as label, '[bold]x' as other")
    con.close()
    return path


def run(warehouse, sql):
    return CliRunner().invoke(main, ["--warehouse", str(warehouse), "query", sql])


def test_query_prints_cells_as_plain_text(warehouse):
    result = run(warehouse, "select * from names")
    assert result.exit_code == 0, result.output
    assert "White[/]" in result.output and "[bold]x" in result.output


@pytest.mark.parametrize("sql", [
    "copy names to '{folder}/out.csv'",
    "attach '{folder}/other.duckdb' as other",
    "select * from read_csv('{folder}/wres.duckdb')",
    "set enable_external_access = true",
])
def test_query_can_only_read_the_warehouse(warehouse, sql):
    result = run(warehouse, sql.format(folder=warehouse.parent))
    assert result.exit_code == 1
    assert "Error" in result.output
    assert not (warehouse.parent / "out.csv").exists() and not (warehouse.parent / "other.duckdb").exists()
