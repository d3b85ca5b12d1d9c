"""Indicators 1 and 2 on the hand-made landing zone, every expected value worked out by hand."""

import math

import pytest

Z = 1.96


def test_indicator_2_trust_relative_likelihood_uses_the_latest_submission(handmade):
    # RAA revised its return: the latest says 15 BME appointed of 150 (the first said 30).
    # White 40/200 = 20%, BME 15/150 = 10%: RL = 0.20 / 0.10 = 2.0.
    assert handmade.measure(2018, 2, "trust", "RAA", "rate_white")[0] == pytest.approx(20.0)
    assert handmade.measure(2018, 2, "trust", "RAA", "rate_bme")[0] == pytest.approx(10.0)
    value, suppressed, reason, flags = handmade.measure(2018, 2, "trust", "RAA", "relative_likelihood")
    assert value == pytest.approx(2.0)
    assert not suppressed and reason is None
    assert flags.split(",") == ["adverse_impact", "significant"]


def test_indicator_2_confidence_interval_on_the_log_scale(handmade):
    half = Z * math.sqrt(1 / 40 - 1 / 200 + 1 / 15 - 1 / 150)  # sqrt(0.08)
    assert handmade.measure(2018, 2, "trust", "RAA", "ci_lower")[0] == pytest.approx(math.exp(math.log(2) - half))
    assert handmade.measure(2018, 2, "trust", "RAA", "ci_upper")[0] == pytest.approx(math.exp(math.log(2) + half))
    assert math.exp(math.log(2) - half) == pytest.approx(1.14887, rel=1e-4)


def test_indicator_2_pools_counts_for_region_and_england(handmade):
    # South West = RBB + RCC: white 40 of 150, BME 5 of 30: (40/150) / (5/30) = 1.6.
    value, suppressed, reason, _ = handmade.measure(2018, 2, "region", "Y58", "relative_likelihood")
    assert value == pytest.approx(1.6)
    assert suppressed and reason == "count 1-7"  # 5 BME appointed
    # England = all three: white 80 of 350, BME 20 of 180.
    value, suppressed, reason, _ = handmade.measure(2018, 2, "england", "ENG", "relative_likelihood")
    assert value == pytest.approx((80 / 350) / (20 / 180))
    assert not suppressed and reason is None  # England is never suppressed


def test_indicator_2_zero_count_gives_null_value_and_interval(handmade):
    # RCC appointed no BME applicant: the likelihood is undefined.
    value, suppressed, reason, _ = handmade.measure(2018, 2, "trust", "RCC", "relative_likelihood")
    assert value is None
    assert handmade.measure(2018, 2, "trust", "RCC", "ci_lower")[0] is None
    # ... and RCC is withheld: its declaration rate is 10/15 < 80%, which comes first.
    assert reason == "declaration<80%"


def test_indicator_2_four_fifths_rule_and_small_counts(handmade):
    # RBB: white 30/100 = 30%, BME 5/10 = 50%: RL 0.6 < 0.80 -> adverse impact; 5 is a count of 1-7.
    value, suppressed, reason, flags = handmade.measure(2018, 2, "trust", "RBB", "relative_likelihood")
    assert value == pytest.approx(0.6)
    assert suppressed and reason == "count 1-7"
    assert "adverse_impact" in flags.split(",")
    # rate_white uses 30 and 100 only: published.
    assert handmade.measure(2018, 2, "trust", "RBB", "rate_white")[1:3] == (False, None)


def test_indicator_1_source_switch(handmade):
    # 2017 from workforce statistics; 2018 from the latest return, and RCC (no return) from statistics.
    rows = dict(handmade.rows("select area_code, source from marts.wres_indicator_summary where wres_year = 2018 "
                              "and indicator = 1 and level in ('trust', 'region') and measure = 'pct_bme' "
                              "and breakdown = 'all'"))
    assert rows == {"RAA": "dcf", "RBB": "dcf", "RCC": "workforce_statistics", "Y56": "dcf", "Y58": "mixed"}
    assert handmade.value("select distinct source from marts.wres_indicator_summary where wres_year = 2017 "
                          "and indicator = 1") == "workforce_statistics"


def test_indicator_1_trust_percentages_from_the_latest_return(handmade):
    # RAA 2018, latest return: white 40 + 50 + 30 + 10, BME 30 + 60 + 12 + 2, unknown 5 + 10 + 2; total 251.
    assert handmade.measure(2018, 1, "trust", "RAA", "headcount_total")[0] == 251
    assert handmade.measure(2018, 1, "trust", "RAA", "headcount_white")[0] == 130
    assert handmade.measure(2018, 1, "trust", "RAA", "pct_bme")[0] == pytest.approx(100 * 104 / 251)
    assert handmade.measure(2018, 1, "trust", "RAA", "pct_unknown")[0] == pytest.approx(100 * 17 / 251)
    assert handmade.measure(2018, 1, "trust", "RAA", "declaration_rate")[0] == pytest.approx(100 * (1 - 17 / 251))
    # Band rows: Clinical non-medical Band 5 = 50 / 60 / 10.
    assert handmade.measure(2018, 1, "trust", "RAA", "pct_white", "Clinical non-medical|Band 5")[0] == \
        pytest.approx(100 * 50 / 120)
    assert handmade.measure(2018, 1, "trust", "RAA", "headcount_bme", "Non-clinical|all")[0] == 30


def test_indicator_1_2017_maps_ethnic_codes(handmade):
    # RBB 2017: A 80 (White), M 8 (BME), X7 2 (not a code: Unknown).
    assert handmade.measure(2017, 1, "trust", "RBB", "headcount_white")[0] == 80
    assert handmade.measure(2017, 1, "trust", "RBB", "headcount_bme")[0] == 8
    assert handmade.measure(2017, 1, "trust", "RBB", "headcount_unknown")[0] == 2
    # 2 staff of unknown ethnicity disclose no one's ethnicity: published, with their percentage.
    assert handmade.measure(2017, 1, "trust", "RBB", "headcount_unknown")[1:3] == (False, None)
    assert handmade.measure(2017, 1, "trust", "RBB", "pct_unknown")[1:3] == (False, None)
    # RCC opens on 1 April 2017: not a trust of WRES 2017.
    assert handmade.rows("select 1 from marts.wres_indicator_summary where wres_year = 2017 and area_code = 'RCC'") == []


def test_indicator_1_flags_and_withholding(handmade):
    # RBB's return totals 80 against 100 in workforce statistics: 20% > 10%.
    value, suppressed, _, flags = handmade.measure(2018, 1, "trust", "RBB", "headcount_total")
    assert (value, flags, suppressed) == (80, "source_mismatch", False)
    # RCC declares 10 of 15 (66.7%): low declaration, withheld from publication.
    value, suppressed, reason, flags = handmade.measure(2018, 1, "trust", "RCC", "headcount_white")
    assert value == 10 and suppressed and reason == "declaration<80%"
    assert flags == "low_declaration"
    # ... but its declaration rate stays published, and its staff count in the region.
    rate = handmade.measure(2018, 1, "trust", "RCC", "declaration_rate")
    assert rate[0] == pytest.approx(100 * 10 / 15) and rate[2] != "declaration<80%"
    assert handmade.measure(2018, 1, "region", "Y58", "headcount_total")[0] == 80 + 15


def test_indicator_1_disparity_ratios(handmade):
    # RAA 2018 Clinical non-medical: lower (band 5) W 50 B 60; middle (band 6) W 30 B 12; upper (8a) W 10 B 2.
    def ratio(name):
        return handmade.measure(2018, 1, "trust", "RAA", name, "Clinical non-medical")

    # Band 6's unknown 2 is published (it discloses no one's ethnicity), so nothing there is hidden
    # and the lower-to-middle ratio stays published. Band 8a's BME 2 is hidden, but no move can
    # protect it: RAA is the only trust with a Band 8a, so England's published 2 is RAA's (the gate
    # reports it as determined by England's figures).
    assert ratio("disparity_lower_to_middle")[:3] == (pytest.approx((30 / 50) / (12 / 60)), False, None)
    assert ratio("disparity_middle_to_upper")[:3] == (pytest.approx((10 / 30) / (2 / 12)), True, "count 1-7")
    assert ratio("disparity_lower_to_upper")[0] == pytest.approx((10 / 50) / (2 / 60))  # 6.0
    # Non-clinical staff are all in bands 1-5: no middle band, so (0/x) / (0/y) is undefined.
    assert handmade.measure(2018, 1, "england", "ENG", "disparity_lower_to_middle", "Non-clinical")[0] is None
    # Disparity ratios exist for the AfC staff groups only.
    assert handmade.rows("select 1 from marts.wres_indicator_summary where measure like 'disparity%' "
                         "and breakdown = 'Medical and dental'") == []


def test_trust_share_indicator_2(handmade):
    # 2018: RAA RL 2.0 (BME worse, outside 0.8-1.25), RBB 0.6 (not worse, outside), RCC undefined.
    row = handmade.value("select trusts_reporting, trusts_bme_worse, pct_trusts_bme_worse, "
                         "trusts_outside_four_fifths, pct_trusts_outside_four_fifths from marts.wres_trust_share "
                         "where wres_year = 2018 and indicator = 2")
    assert row == (2, 1, pytest.approx(50.0), 2, pytest.approx(100.0))


def test_icb_level_pools_its_trusts_and_names_it_from_the_optional_file(handmade):
    # QJK (Devon) holds RBB and RCC, like the South West: white 40 of 150, BME 5 of 30 appointed.
    value, suppressed, reason, _ = handmade.measure(2018, 2, "icb", "QJK", "relative_likelihood")
    assert value == pytest.approx((40 / 150) / (5 / 30))
    assert suppressed and reason == "count 1-7"  # 5 BME appointed
    # QMJ (North Central London) is RAA alone: white 40 of 200, BME 15 of 150.
    assert handmade.measure(2018, 2, "icb", "QMJ", "relative_likelihood")[0] == pytest.approx(2.0)
    names = handmade.rows("select distinct area_code, area_name from marts.wres_indicator_summary "
                          "where level = 'icb' and wres_year = 2018 order by area_code")
    assert names == [("QJK", "QJK"), ("QMJ", "NHS North Central London Integrated Care Board")]
