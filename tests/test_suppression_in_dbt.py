"""The secondary-suppression model as dbt runs it: it reads the cells of the releases already
published (recorded in published.release_cells before the build: what they hid stays hidden) and,
given `build_years`, recomputes only those years.

The Python function has its own tests (test_disclosure.py); these catch what only a dbt run shows,
such as the model's configuration (build years, its sources) not reaching it."""

import duckdb

from tests.conftest import copy_of
from wres.dbt import run_dbt

MODEL = "int_indicator_measures_secondary_suppressed"
# WRES 2017 and 2018, indicator 1, trust RAA, all staff of any ethnicity: 65 in 2017 (35 white, 25 BME,
# 5 unknown) and 251 in 2018 (130 white, 104 BME, 17 unknown: its revised return) are published: no
# protection needs them.
CELL = "indicator = 1 and level = 'trust' and area_code = 'RAA' and breakdown = 'all' and measure = 'headcount_total'"


def cell(settings, year):
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(f"select value, suppression_reason from intermediate.{MODEL} "
                           f"where wres_year = ? and {CELL}", [year]).fetchone()
    finally:
        con.close()


def fake_release_hiding_the_cell(settings, year):
    """A release of `year` as published earlier: the mart's cells, with the RAA cell hidden, and a manifest."""
    folder = settings.publish_dir / str(year)
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(f'{{"wres_year": {year}}}', encoding="utf-8")
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        con.execute(f"""copy (select wres_year, indicator, level, area_code, breakdown, measure,
                                     case when {CELL} then null else value end as value
                              from marts.wres_indicator_summary where wres_year = {year})
                        to '{folder / "wres_indicator_summary.parquet"}' (format parquet)""")
    finally:
        con.close()


def test_a_cell_an_earlier_release_hid_stays_hidden_and_only_build_years_are_recomputed(handmade, tmp_path):
    settings = copy_of(handmade.settings.raw_dir.parent, tmp_path, parts=("raw", "warehouse"))
    assert cell(settings, 2017) == (65.0, None)
    assert cell(settings, 2018) == (251.0, None)

    fake_release_hiding_the_cell(settings, 2017)
    fake_release_hiding_the_cell(settings, 2018)
    result = run_dbt(["build", "--select", MODEL], settings, capture=True, build_years=[2018])
    assert result.returncode == 0, result.stdout[-4000:]
    assert cell(settings, 2018) == (251.0, "secondary")  # hidden before: hidden again
    assert cell(settings, 2017) == (65.0, None)  # not in build_years: its rows are kept as they were

    result = run_dbt(["build", "--select", MODEL, "--full-refresh"], settings, capture=True)
    assert result.returncode == 0, result.stdout[-4000:]
    assert cell(settings, 2017) == (65.0, "secondary")


def model_rows(settings):
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(f"select * from intermediate.{MODEL} order by all").fetchall()
    finally:
        con.close()


def test_years_protected_in_worker_processes_give_the_rows_of_one_process(handmade, tmp_path):
    """At national size the model protects two years at a time in worker processes (wres.processes);
    the hand-made zone is far below that size, so the threshold is lowered to 1 for the second build:
    its rows are those of the first, built in dbt's own process from the same inputs, row for row."""
    settings = copy_of(handmade.settings.raw_dir.parent, tmp_path, parts=("raw", "warehouse"))
    fake_release_hiding_the_cell(settings, 2018)  # the previous cells go to the workers too
    rows = {}
    for how, extra, processes in (("in dbt's process", None, 1),
                                  ("in worker processes", {"suppression_processes_from": 1}, 2)):
        result = run_dbt(["build", "--select", MODEL, "--full-refresh"], settings, capture=True, extra_vars=extra)
        assert result.returncode == 0, result.stdout[-4000:]
        assert f"{MODEL}\": WRES 2017, 2018 protected in {processes} process(es)" in result.stdout
        rows[how] = model_rows(settings)
    assert cell(settings, 2018) == (251.0, "secondary")  # as the release hid it
    assert {row[0] for row in rows["in dbt's process"]} == {2017, 2018}
    assert rows["in worker processes"] == rows["in dbt's process"]
