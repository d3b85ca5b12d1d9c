"""Indicator 3 as published before 2022, the two-year rolling rate: the small-count rule checks
every count of both years, not only their sums (docs/METHODOLOGY.md, "Disclosure control and gates").

The model's SQL, compiled by dbt, runs on inputs written here by hand.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.conftest import settings_in
from wres.dbt import manifest_path, run_dbt

MODEL = "int_indicator_3_measures_unpivoted"


@pytest.fixture(scope="module")
def indicator_3(tmp_path_factory):
    settings = settings_in(tmp_path_factory.mktemp("rolling"))
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    result = run_dbt(["compile", "--select", MODEL, "--quiet"], settings, capture=True)
    assert result.returncode == 0, result.stdout[-3000:]
    sql = (manifest_path().parent / "compiled" / "wres" / "models" / "intermediate" / f"{MODEL}.sql").read_text()
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema staging; create schema intermediate")
    # Trust T1: 7 BME staff entered the process in 2020 and 9 in 2021 (16 over two years);
    # T2: 8 and 10. Headcounts are large, white counts 8 or more.
    con.execute("""create table staging.stg_dcf__disciplinary as
        select * from (values
            (2020, 'T1', 'BME', 7, true), (2020, 'T1', 'White', 20, true),
            (2021, 'T1', 'BME', 9, true), (2021, 'T1', 'White', 25, true),
            (2020, 'T2', 'BME', 8, true), (2020, 'T2', 'White', 30, true),
            (2021, 'T2', 'BME', 10, true), (2021, 'T2', 'White', 35, true))
        as t(wres_year, org_code, ethnicity_group, entered_formal_disciplinary, is_latest_submission)""")
    con.execute("""create table intermediate.int_group_headcounts_pivoted as
        select * from (values (2020, 'T1', 400, 100), (2021, 'T1', 410, 110),
                              (2020, 'T2', 500, 120), (2021, 'T2', 520, 130))
        as t(wres_year, org_code, headcount_white, headcount_bme)""")
    con.execute("""create table intermediate.int_trust_years_enumerated as
        select * from (values
            (2020, 'T1', 'TRUST ONE', 'Y56', 'London', 'QMJ', 'QMJ', 'Acute'),
            (2021, 'T1', 'TRUST ONE', 'Y56', 'London', 'QMJ', 'QMJ', 'Acute'),
            (2020, 'T2', 'TRUST TWO', 'Y56', 'London', 'QMJ', 'QMJ', 'Acute'),
            (2021, 'T2', 'TRUST TWO', 'Y56', 'London', 'QMJ', 'QMJ', 'Acute'))
        as t(wres_year, org_code, trust_name, region_code, region_name, icb_code, icb_name, trust_type)""")
    rows = con.execute(f"select level, area_code, wres_year, measure, value, uses_small_count from ({sql})").fetchall()
    con.close()
    return {(lv, area, year, measure): (value, small) for lv, area, year, measure, value, small in rows}


def test_a_year_count_of_7_marks_the_rolling_rate_though_the_sum_is_16(indicator_3):
    value, small = indicator_3[("trust", "T1", 2021, "relative_likelihood_as_published")]
    # (7 + 9) / (100 + 110) against (20 + 25) / (400 + 410): computed, but it uses the 2020 count of 7.
    assert value == pytest.approx((16 / 210) / (45 / 810))
    assert small is True
    # The 2021 year-end rate uses 9 and 110 only: no small count.
    assert indicator_3[("trust", "T1", 2021, "rate_bme")] == (pytest.approx(100 * 9 / 110), False)


def test_a_rolling_rate_from_counts_of_8_or_more_is_not_marked(indicator_3):
    value, small = indicator_3[("trust", "T2", 2021, "relative_likelihood_as_published")]
    assert value == pytest.approx((18 / 250) / (65 / 1020))
    assert small is False
    # The region pools both trusts each year: 7 + 8 = 15 in 2020, 19 in 2021, all of 8 or more.
    assert indicator_3[("region", "Y56", 2021, "relative_likelihood_as_published")][1] is False
