"""Indicators 3-9, the survey breakdown and the trust share on the hand-made landing zone, by hand."""

import math

import pytest

Z = 1.96
# RAA 2018 headcounts from its latest return: white 40+50+30+10, BME 30+60+12+2, all 251.
RAA_WHITE, RAA_BME, RAA_ALL = 130, 104, 251


def test_indicator_3_year_end_bme_relative_to_white(handmade):
    # RAA 2018: 4 of 104 BME and 2 of 130 white staff entered the process: (4/104) / (2/130) = 2.5.
    value, suppressed, reason, _ = handmade.measure(2018, 3, "trust", "RAA", "relative_likelihood")
    assert value == pytest.approx((4 / RAA_BME) / (2 / RAA_WHITE)) == pytest.approx(2.5)
    assert suppressed and reason == "count 1-7"  # 2 and 4 are counts of 1-7
    # England pools all three trusts: white 2+1+0 of 130+70+10, BME 4+0+0 of 104+6+0.
    value, suppressed, _, flags = handmade.measure(2018, 3, "england", "ENG", "relative_likelihood")
    assert value == pytest.approx((4 / 110) / (3 / 210))
    assert not suppressed and "adverse_impact" in flags


def test_indicator_3_as_published_uses_the_two_year_rolling_rate_before_2022(handmade):
    # RAA: 2018 + 2017 (2017 headcounts from workforce statistics: white 35, BME 25).
    expected = ((4 + 2) / (104 + 25)) / ((2 + 1) / (130 + 35))
    assert handmade.measure(2018, 3, "trust", "RAA", "relative_likelihood_as_published")[0] == pytest.approx(expected)
    # England: trusts with both years (RAA and RBB; RCC opened in 2017-18).
    white = (2 + 1 + 1 + 2) / (130 + 35 + 70 + 80)
    bme = (4 + 2 + 0 + 0) / (104 + 25 + 6 + 8)
    assert handmade.measure(2018, 3, "england", "ENG", "relative_likelihood_as_published")[0] == \
        pytest.approx(bme / white)
    # 2017 has no 2016 to roll with: null, while the year-end method still gives a value.
    assert handmade.measure(2017, 3, "england", "ENG", "relative_likelihood_as_published")[0] is None
    assert handmade.measure(2017, 3, "england", "ENG", "relative_likelihood")[0] == \
        pytest.approx((2 / (25 + 8)) / (3 / (35 + 80)))


def test_indicator_4_white_relative_to_bme(handmade):
    # RAA 2018: 60 of 130 white, 45 of 104 BME accessed training: 16/15, not adverse.
    value, suppressed, reason, flags = handmade.measure(2018, 4, "trust", "RAA", "relative_likelihood")
    assert value == pytest.approx((60 / 130) / (45 / 104))
    assert flags is None
    # RBB's 3 BME staff who accessed training are hidden, and the Acute type's published rate
    # minus RAA's would give them back: RAA's rates partner them (secondary), with its relative
    # likelihood. The other partner, the withheld RCC, would hide the Community type's rate of 0,
    # and a zero is hidden only when no count will do.
    assert (suppressed, reason) == (True, "secondary")
    assert handmade.measure(2018, 4, "trust", "RAA", "rate_bme")[2] == "secondary"
    half = Z * math.sqrt(1 / 60 - 1 / 130 + 1 / 45 - 1 / 104)
    assert handmade.measure(2018, 4, "trust", "RAA", "ci_upper")[0] == pytest.approx(value * math.exp(half))


def test_indicator_9_board_against_workforce(handmade):
    # RAA 2018 board: executive voting 5 white + 2 BME, executive non-voting 1 white,
    # non-executive voting 4 white + 3 BME.
    expected = {"all": (15, 5), "voting": (14, 5), "executive": (8, 2), "non_executive": (7, 3)}
    for breakdown, (total, bme) in expected.items():
        assert handmade.measure(2018, 9, "trust", "RAA", "members_total", breakdown)[0] == total
        value, suppressed, _, _ = handmade.measure(2018, 9, "trust", "RAA", "pct_bme_board", breakdown)
        assert value == pytest.approx(100 * bme / total)
        assert not suppressed  # board counts are public: 2, 3 and 5 are not suppressed
    gap = handmade.measure(2018, 9, "trust", "RAA", "gap_pp")[0]
    assert gap == pytest.approx(100 * 5 / 15 - 100 * RAA_BME / RAA_ALL)  # -8.1 points


def test_indicator_5_trust_and_region_pool_respondents(handmade):
    # RAA: 3 of 11 white respondents who answered (one blank), 4 of 11 BME.
    assert handmade.measure(2018, 5, "trust", "RAA", "pct_white")[0] == pytest.approx(100 * 3 / 11)
    assert handmade.measure(2018, 5, "trust", "RAA", "respondents_white")[0] == 11
    assert handmade.measure(2018, 5, "trust", "RAA", "pct_bme")[0] == pytest.approx(100 * 4 / 11)
    # RBB has 4 BME respondents: fewer than 11, not published; its 15 white respondents are.
    assert handmade.measure(2018, 5, "trust", "RBB", "pct_bme")[1:3] == (True, "n<11")
    assert handmade.measure(2018, 5, "trust", "RBB", "pct_white")[:3] == (pytest.approx(100 * 5 / 15), False, None)
    assert handmade.measure(2018, 5, "region", "Y58", "pct_bme")[2] == "n<11"


def test_indicator_5_england_weights_trusts_by_headcount(handmade):
    # England = sum_t w_t p_t / sum_t w_t, w = the trust's 2018 headcount of the group.
    white = (RAA_WHITE * 3 / 11 + 70 * 5 / 15) / (RAA_WHITE + 70)
    bme = (RAA_BME * 4 / 11 + 6 * 2 / 4) / (RAA_BME + 6)
    assert handmade.measure(2018, 5, "england", "ENG", "pct_white")[0] == pytest.approx(100 * white)
    assert handmade.measure(2018, 5, "england", "ENG", "pct_bme")[:2] == (pytest.approx(100 * bme), False)
    # Pooled respondents would give (3 + 5) / (11 + 15) instead:
    assert 100 * white != pytest.approx(100 * 8 / 26)
    assert handmade.measure(2018, 5, "england", "ENG", "respondents_white")[0] == 26


def test_indicator_6_counts_either_question(handmade):
    # RAA white: 4 of 11 experienced it from managers or colleagues (one left both blank).
    assert handmade.measure(2018, 6, "trust", "RAA", "pct_white")[0] == pytest.approx(100 * 4 / 11)
    assert handmade.measure(2018, 6, "trust", "RAA", "pct_bme")[0] == pytest.approx(100 * 5 / 11)


def test_indicator_7_current_and_legacy_definitions(handmade):
    # RAA white: 6 Yes, 3 No, 2 Don't know (one blank): current 6/11, legacy 6/9.
    assert handmade.measure(2018, 7, "trust", "RAA", "pct_white")[0] == pytest.approx(100 * 6 / 11)
    assert handmade.measure(2018, 7, "trust", "RAA", "pct_white_legacy")[0] == pytest.approx(100 * 6 / 9)
    # RAA BME: 3 Yes, 5 No, 3 Don't know: current 3/11, legacy 3/8 (8 respondents: n<11).
    assert handmade.measure(2018, 7, "trust", "RAA", "pct_bme")[0] == pytest.approx(100 * 3 / 11)
    assert handmade.measure(2018, 7, "trust", "RAA", "pct_bme_legacy")[:3] == (pytest.approx(100 * 3 / 8), True, "n<11")


def test_indicator_8(handmade):
    assert handmade.measure(2018, 8, "trust", "RAA", "pct_white")[0] == pytest.approx(100 * 1 / 12)
    assert handmade.measure(2018, 8, "trust", "RAA", "pct_bme")[0] == pytest.approx(100 * 3 / 11)


def test_trust_share_survey_indicators(handmade):
    # Indicator 8, 2018: RAA BME 27% > white 8% (worse); RBB BME 25% > white 0% (worse).
    assert handmade.value("select trusts_reporting, trusts_bme_worse, trusts_outside_four_fifths "
                          "from marts.wres_trust_share where wres_year = 2018 and indicator = 8") == (2, 2, None)
    # Indicator 7: RAA BME 27% < white 55% (worse); RBB BME 25% < white 67% (worse).
    assert handmade.value("select trusts_bme_worse from marts.wres_trust_share "
                          "where wres_year = 2018 and indicator = 7") == 2


def test_survey_breakdown_by_ethnicity_gender_and_occupation(handmade):
    rows = handmade.rows(
        "select respondents, pct, suppressed from marts.wres_survey_breakdown where wres_year = 2018 "
        "and indicator = 5 and level = 'england' and breakdown_type = 'ethnicity_group_gender_occupation' "
        "and ethnicity_group = 'BME' and gender = 'Male' and occupation_group = 'General Management'")
    # RAA's BME men are the last 4 of its 11 BME respondents, all in general management, all "Never".
    assert rows == [(4, 0.0, True)]
    gypsy = handmade.value(
        "select respondents from marts.wres_survey_breakdown where wres_year = 2018 and indicator = 5 "
        "and level = 'england' and breakdown_type = 'ethnicity' and ethnicity = 'White - Gypsy or Irish Traveller'")
    assert gypsy == 1  # two respondents, but the second left q22a blank


def test_survey_breakdown_names_england_and_each_region(handmade):
    # RAA is in London (Y56), RBB in the South West (Y58): England rows are England, never a region.
    names = handmade.rows("select distinct level, area_code, area_name from marts.wres_survey_breakdown "
                          "where wres_year = 2018 order by level, area_code")
    assert names == [("england", "ENG", "England"), ("region", "Y56", "London"), ("region", "Y58", "South West")]


def test_every_contract_measure_exists(handmade):
    expected = {
        1: {"headcount_white", "headcount_bme", "headcount_unknown", "headcount_total", "pct_white", "pct_bme",
            "pct_unknown", "declaration_rate", "disparity_lower_to_middle", "disparity_middle_to_upper",
            "disparity_lower_to_upper"},
        2: {"rate_white", "rate_bme", "relative_likelihood", "ci_lower", "ci_upper"},
        3: {"rate_white", "rate_bme", "relative_likelihood", "ci_lower", "ci_upper", "relative_likelihood_as_published"},
        4: {"rate_white", "rate_bme", "relative_likelihood", "ci_lower", "ci_upper"},
        5: {"pct_white", "pct_bme", "respondents_white", "respondents_bme"},
        6: {"pct_white", "pct_bme", "respondents_white", "respondents_bme"},
        7: {"pct_white", "pct_bme", "respondents_white", "respondents_bme", "pct_white_legacy", "pct_bme_legacy"},
        8: {"pct_white", "pct_bme", "respondents_white", "respondents_bme"},
        9: {"members_total", "members_bme", "pct_bme_board", "pct_bme_workforce", "gap_pp"},
    }
    for level in ("trust", "region", "trust_type", "england"):
        found = {}
        for indicator, measure in handmade.rows(
                "select distinct indicator, measure from marts.wres_indicator_summary where wres_year = 2018 "
                "and level = ?", [level]):
            found.setdefault(indicator, set()).add(measure)
        assert found == expected, level


def test_trust_share_counts_significantly_worse_trusts(handmade):
    # Indicator 2, 2018. RAA: white 40 of 200, BME 15 of 150, RL 2.0; the log interval's
    # half-width is 1.96 * sqrt(1/40 - 1/200 + 1/15 - 1/150) = 0.554, so its lower end is
    # exp(ln 2 - 0.554) = 1.15 > 1: significantly worse. RBB: 30/100 against 5/10, RL 0.6.
    # RCC appointed no BME applicant: undefined.
    assert handmade.value("select trusts_reporting, trusts_bme_worse, trusts_bme_worse_significant, "
                          "pct_trusts_bme_worse_significant from marts.wres_trust_share "
                          "where wres_year = 2018 and indicator = 2") == (2, 1, 1, 50.0)
    # Indicator 8: RAA BME 3 of 11 against white 1 of 12: pooled 4/23, z = 1.20, not significant.
    # RBB BME 1 of 4 against white 0 of 15: pooled 1/19, z = 0.25 / sqrt(1/19 * 18/19 * (1/4 + 1/15))
    # = 1.99 > 1.96: significantly worse.
    assert handmade.value("select trusts_bme_worse, trusts_bme_worse_significant from marts.wres_trust_share "
                          "where wres_year = 2018 and indicator = 8") == (2, 1)
    # Indicator 7 (a lower BME share is worse): RAA 3/11 against 6/11, z = -1.30; RBB 1/4 against
    # 10/15, z = -1.50: neither significant. Indicators 1 and 9 have no test.
    assert handmade.value("select trusts_bme_worse_significant from marts.wres_trust_share "
                          "where wres_year = 2018 and indicator = 7") == 0
    assert handmade.rows("select trusts_bme_worse_significant from marts.wres_trust_share "
                         "where wres_year = 2018 and indicator in (1, 9)") == [(None,), (None,)]
