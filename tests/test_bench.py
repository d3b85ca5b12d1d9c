"""`make bench`: the table's arithmetic with hand-worked numbers, and the floor script's figures
on the hand-made landing zone. Nothing here measures time."""

from __future__ import annotations

import json

import duckdb
import pytest

from bench.floor import run as run_floor
from bench.pattern import pattern_changes, pattern_lines
from bench.report import (FLOOR, FULL, MIB, NO_CHANGE, REVISED, BenchResult, Measurement, goals_for, ratio,
                          rows, to_json, to_markdown)
from tests.handmade import write_handmade_landing_zone


def _result() -> BenchResult:
    return BenchResult(scale="0.1", landing_zone="/tmp/raw (reused)", measurements=[
        Measurement(FLOOR, wall_s=10.0, cpu_s=16.0, peak_rss_bytes=200 * MIB, tree_pss_bytes=210 * MIB),
        Measurement(FULL, wall_s=35.0, cpu_s=80.0, peak_rss_bytes=900 * MIB, tree_pss_bytes=1100 * MIB),
        Measurement(NO_CHANGE, wall_s=2.5, cpu_s=2.0, peak_rss_bytes=100 * MIB, tree_pss_bytes=50 * MIB),
        Measurement(REVISED, wall_s=20.0, cpu_s=30.0, peak_rss_bytes=600 * MIB, tree_pss_bytes=700 * MIB,
                    returncode=1, note="a year failed"),
    ])


def test_ratio_to_the_floor():
    assert ratio(35.0, 10.0) == pytest.approx(3.5)
    assert ratio(2.5, 10.0) == pytest.approx(0.25)
    assert ratio(1.0, 0.0) is None and ratio(None, 10.0) is None and ratio(1.0, None) is None


def test_goals_against_hand_worked_limits():
    result = _result()
    floor = result.by_name(FLOOR)
    full = {g.label: g for g in goals_for(result.by_name(FULL), floor)}
    # 4 x the floor's 10 s = 40 s: 35 s is met; memory is judged on the larger measure, 1100 MiB > 1024 MiB.
    assert full["wall <= 4x floor"].limit == pytest.approx(40.0) and full["wall <= 4x floor"].met
    assert full["memory <= 1 GB"].value == 1100 * MIB and not full["memory <= 1 GB"].met
    no_change = {g.label: g for g in goals_for(result.by_name(NO_CHANGE), floor)}
    assert set(no_change) == {"wall <= 10 s", "memory <= 1 GB"}
    assert no_change["wall <= 10 s"].met and no_change["memory <= 1 GB"].value == 100 * MIB
    # 20 s > 15 s, and a failed run meets no goal, not even memory.
    revised = {g.label: g for g in goals_for(result.by_name(REVISED), floor)}
    assert not revised["wall <= 15 s"].met and not revised["memory <= 1 GB"].met
    assert goals_for(floor, floor) == []
    # Without a floor the relative goal is skipped, the absolute ones stay.
    assert [g.label for g in goals_for(result.by_name(FULL), None)] == ["memory <= 1 GB"]


def test_table_rows_and_files():
    result = _result()
    table = rows(result)
    assert [r[0] for r in table] == [FLOOR, FULL, NO_CHANGE, f"{REVISED} (exit 1)"]
    assert table[0][1:] == ["10.0 s", "1.0x", "16.0 s", "1.0x", "200 MiB", "1.0x", "210 MiB", "1.0x", "-"]
    assert table[1][1:9] == ["35.0 s", "3.5x", "80.0 s", "5.0x", "900 MiB", "4.5x", "1,100 MiB", "5.2x"]
    assert table[1][9] == "wall <= 4x floor (40.0 s): met; memory <= 1 GB (1,024 MiB): MISSED"
    assert table[2][2] == "0.2x"  # 2.5 / 10 = 0.25, one decimal
    markdown = to_markdown(result)
    assert "| full refresh | 35.0 s | 3.5x | 80.0 s | 5.0x |" in markdown
    assert "- one revised return: a year failed" in markdown
    data = json.loads(to_json(result))
    full = data["measurements"][1]
    assert full["ratio_to_floor"]["wall_s"] == pytest.approx(3.5)
    assert full["peak_memory_bytes"] == 1100 * MIB
    assert [g["met"] for g in full["goals"]] == [True, False]


def test_floor_figures_on_the_handmade_landing_zone(tmp_path):
    raw = write_handmade_landing_zone(tmp_path / "raw")
    out = tmp_path / "floor.parquet"
    counts = run_floor(raw, out)
    assert set(counts) == set(range(1, 10))
    con = duckdb.connect()

    def value(year, indicator, level, area, measure, breakdown="all"):
        found = con.execute("select value from read_parquet(?) where wres_year = ? and indicator = ? and level = ? "
                            "and area_code = ? and measure = ? and breakdown = ?",
                            [str(out), year, indicator, level, area, measure, breakdown]).fetchall()
        assert len(found) == 1, (year, indicator, level, area, measure, breakdown, found)
        return found[0][0]

    # Indicator 1, 2018: RAA's revised return (251 staff, 104 BME); RCC falls back to workforce statistics.
    assert value(2018, 1, "trust", "RAA", "headcount") == 251
    assert value(2018, 1, "trust", "RAA", "pct_bme") == pytest.approx(100 * 104 / 251)
    assert value(2018, 1, "trust", "RCC", "pct_unknown") == pytest.approx(100 * 5 / 15)
    assert value(2018, 1, "england", "ENG", "headcount") == 251 + 80 + 15
    # 2017 from workforce statistics; RCC opened after 31 March 2017, the Welsh trust has no region.
    assert value(2017, 1, "trust", "RBB", "pct_bme") == pytest.approx(100 * 8 / 90)
    assert value(2017, 1, "england", "ENG", "headcount") == 65 + 90
    # Indicator 2: RAA's revised recruitment return, white 40/200 against BME 15/150.
    assert value(2018, 2, "trust", "RAA", "relative_likelihood") == pytest.approx(2.0)
    assert value(2018, 2, "england", "ENG", "relative_likelihood") == pytest.approx((80 / 350) / (20 / 180))
    # Indicator 3 (BME relative to white, headcounts from indicator 1) and 4 (white relative to BME).
    assert value(2018, 3, "trust", "RAA", "relative_likelihood") == pytest.approx((4 / 104) / (2 / 130))
    assert value(2018, 4, "trust", "RAA", "relative_likelihood") == pytest.approx((60 / 130) / (45 / 104))
    # Indicators 5-8 from the 2017 survey: RAA's 12 white respondents (one left q22a blank), 11 BME.
    assert value(2018, 5, "trust", "RAA", "pct_white") == pytest.approx(100 * 3 / 11)
    assert value(2018, 5, "trust", "RAA", "pct_bme") == pytest.approx(100 * 4 / 11)
    assert value(2018, 6, "trust", "RAA", "pct_white") == pytest.approx(100 * 4 / 11)  # managers or colleagues
    assert value(2018, 7, "trust", "RBB", "pct_white") == pytest.approx(100 * 10 / 15)
    assert value(2018, 8, "trust", "RBB", "pct_bme") == pytest.approx(100 * 1 / 4)
    # England weights each trust by its headcount of the group: white RAA 130, RBB 70.
    assert value(2018, 5, "england", "ENG", "pct_white") == pytest.approx(
        (130 * 100 * 3 / 11 + 70 * 100 * 5 / 15) / 200)
    # Indicator 9: RAA's board is 5 BME of 15 members, its workforce 104 BME of 251.
    assert value(2018, 9, "trust", "RAA", "gap_pp") == pytest.approx(100 * 5 / 15 - 100 * 104 / 251)
    assert value(2018, 9, "trust", "RAA", "gap_pp", "voting") == pytest.approx(100 * 5 / 14 - 100 * 104 / 251)


def test_information_loss_lines_from_the_release_manifests():
    from bench.report import loss_lines

    tier1 = {"region": {"cells": 42, "published": 40, "hidden_primary": 2, "hidden_secondary": 0,
                        "share_published": 0.9524, "share_published_of_not_primary": 1.0},
             "trust": {"cells": 10, "published": 6, "hidden_primary": 0, "hidden_secondary": 4,
                       "share_published": 0.6, "share_published_of_not_primary": 0.6}}
    manifest = {"information_loss": {
        "hidden": [{"reason": "count 1-7", "tier": 3, "level": "trust", "cells": 9},
                   {"reason": "secondary", "tier": 1, "level": "trust", "cells": 4},
                   {"reason": "secondary", "tier": 2, "level": "region", "cells": 1200},
                   {"reason": "secondary", "tier": 3, "level": "trust", "cells": 30}],
        "tier1": {"all": {}, "by_level": tier1}}}
    # 4 + 1,200 + 30 secondary cells; a release without the section (an older one) is left out.
    assert loss_lines({2024: manifest, 2023: {}}) == [
        "WRES 2024: 1,234 cells hidden as secondary (tier 1 4, tier 2 1,200, tier 3 30); headline figures: "
        "region 0 secondary, 100.0% published; trust 4 secondary, 60.0% published"]


def test_a_revised_returns_pattern_change_is_counted_in_its_trust_and_areas_and_elsewhere(tmp_path):
    # Trust A (region R1, ICB I1, Acute) revised its return. Before -> after: A's BME count newly
    # hidden (own), R1's unchanged, B's (R2, ICB I2, Acute) secondary -> none (elsewhere), the Acute
    # type's count none -> secondary (own), R2's unchanged.
    con = duckdb.connect()
    for name, reasons in (("before", ["NULL", "'count'", "'secondary'", "NULL", "NULL"]),
                          ("after", ["'count'", "'count'", "NULL", "'secondary'", "NULL"])):
        (tmp_path / name).mkdir()
        cells = [("trust", "A"), ("region", "R1"), ("trust", "B"), ("trust_type", "Acute"), ("region", "R2")]
        values = ", ".join(f"(1, '{level}', '{code}', 'all', 'headcount_bme', {reason})"
                           for (level, code), reason in zip(cells, reasons))
        con.execute(f"copy (select * from (values {values}) v(indicator, level, area_code, breakdown, measure, "
                    f"suppression_reason)) to '{tmp_path / name / 'wres_indicator_summary.parquet'}'")
    con.execute(f"copy (select * from (values ('A', 'R1', 'I1', 'Acute'), ('B', 'R2', 'I2', 'Acute')) "
                f"t(org_code, region_code, icb_code, trust_type)) to '{tmp_path / 'after' / 'trusts.parquet'}'")
    changes = pattern_changes(tmp_path / "before", tmp_path / "after", "A")
    assert changes == {"elsewhere": (1, 2), "the revising trust and its areas": (2, 3)}
    assert pattern_lines(changes, "A") == ["suppression pattern after A's revised return: elsewhere 1 of 2 cells "
                                           "changed; the revising trust and its areas 2 of 3 cells changed"]
