"""The comparison of a release with the WRES 2022 national report's figures, on a hand-made release."""

import pandas as pd
import pytest

from wres.generate.published_figures import PUBLISHED, PublishedFigure, compare, markdown_table


def _summary(rows):
    return pd.DataFrame(rows, columns=["wres_year", "indicator", "level", "area_code", "breakdown", "measure",
                                       "value"])


FIGURES = (
    PublishedFigure(2022, 1, "pct_bme", 24.2, "s", breakdown="all"),
    PublishedFigure(2022, 1, "pct_bme", 10.3, "s", breakdown="Non-clinical|VSM+Clinical non-medical|VSM"),
    PublishedFigure(2022, 1, "headcount_bme", 341, "s", breakdown="Non-clinical|VSM+Clinical non-medical|VSM"),
    PublishedFigure(2022, 1, "pct_bme", 12.8, "s", area_code="Y58"),
    PublishedFigure(2021, 3, "relative_likelihood_as_published", 1.14, "s"),
    PublishedFigure(2022, 2, "pct_trusts_bme_worse_significant", 72.0, "s", table="wres_trust_share",
                    tolerance=0.05),
    PublishedFigure(2022, 9, "gap_pp", -11.0, "s"),
)


def test_compare_works_out_each_figure_by_hand():
    summary = _summary([
        (2022, 1, "england", "ENG", "all", "pct_bme", 24.684),            # +2.0% exactly: within
        (2022, 1, "england", "ENG", "Non-clinical|VSM", "headcount_bme", 200),
        (2022, 1, "england", "ENG", "Non-clinical|VSM", "headcount_total", 2000),
        (2022, 1, "england", "ENG", "Clinical non-medical|VSM", "headcount_bme", 100),
        (2022, 1, "england", "ENG", "Clinical non-medical|VSM", "headcount_total", 1000),
        (2022, 1, "region", "Y58", "all", "pct_bme", 12.8),
        (2022, 1, "region", "Y56", "all", "pct_bme", 50.0),                # a region not asked for
        (2021, 3, "england", "ENG", "all", "relative_likelihood_as_published", 1.2),
        (2021, 3, "england", "ENG", "all", "relative_likelihood", 1.14),   # the other method: not used
        (2022, 9, "england", "ENG", "all", "gap_pp", -11.22),
        (2022, 9, "england", "ENG", "executive", "gap_pp", -99.0),
    ])
    share = pd.DataFrame({"wres_year": [2022, 2022], "indicator": [2, 3],
                          "pct_trusts_bme_worse_significant": [75.6, 10.0]})
    result = compare(summary, share, FIGURES).set_index(["wres_year", "indicator", "area", "breakdown", "measure"])

    def row(year, indicator, measure, area="England", breakdown="all"):
        return result.loc[(year, indicator, area, breakdown, measure)]

    assert row(2022, 1, "pct_bme")["ours"] == pytest.approx(24.684)
    assert row(2022, 1, "pct_bme")["relative_difference"] == pytest.approx(0.02)
    assert bool(row(2022, 1, "pct_bme")["within_tolerance"])
    # Pooled VSM: (200 + 100) / (2000 + 1000) = 10%, (10 - 10.3) / 10.3 = -2.91%: a miss.
    vsm = row(2022, 1, "pct_bme", breakdown="Non-clinical|VSM+Clinical non-medical|VSM")
    assert vsm["ours"] == pytest.approx(10.0)
    assert vsm["relative_difference"] == pytest.approx(-0.3 / 10.3)
    assert not bool(vsm["within_tolerance"])
    vsm_count = row(2022, 1, "headcount_bme", breakdown="Non-clinical|VSM+Clinical non-medical|VSM")
    assert vsm_count["ours"] == 300
    assert vsm_count["relative_difference"] == pytest.approx(-41 / 341)
    south_west = row(2022, 1, "pct_bme", area="South West")
    assert south_west["ours"] == 12.8 and south_west["relative_difference"] == 0
    # (1.2 - 1.14) / 1.14 = +5.26%
    assert row(2021, 3, "relative_likelihood_as_published")["relative_difference"] == pytest.approx(0.06 / 1.14)
    # Trust shares have their own tolerance: (75.6 - 72) / 72 = +5.0%.
    sig = row(2022, 2, "pct_trusts_bme_worse_significant")
    assert sig["relative_difference"] == pytest.approx(0.05) and bool(sig["within_tolerance"])
    # A negative published figure: (-11.22 - -11) / 11 = -2%.
    gap = row(2022, 9, "gap_pp")
    assert gap["relative_difference"] == pytest.approx(-0.02) and bool(gap["within_tolerance"])


def test_missing_figures_are_reported_not_dropped():
    result = compare(_summary([]), None, FIGURES)
    assert len(result) == len(FIGURES)
    assert result["ours"].isna().all() and result["within_tolerance"].isna().all()
    assert "| 2022 | 1 | South West |" in markdown_table(result)


def test_every_published_figure_cites_the_report_and_is_unique():
    keys = [(f.wres_year, f.indicator, f.area_code, f.breakdown, f.measure, f.table) for f in PUBLISHED]
    assert len(keys) == len(set(keys))
    assert all(f.source.startswith("WRES 2022 national report, ") for f in PUBLISHED)
