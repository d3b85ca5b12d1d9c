"""Secondary suppression (wres.disclosure), on tables small enough to check by hand."""

import pandas as pd

from wres.disclosure import apply_secondary_suppression, headcount_cells, memberships, recoverable

PARTS = ("white", "bme", "unknown", "total")


def rows(level, area, breakdown, counts, reasons=None):
    """Indicator 1 headcount and percentage rows of one breakdown; counts = (white, bme, unknown)."""
    reasons = reasons or {}
    total = sum(counts)
    out = []
    for part, value in zip(PARTS, (*counts, total)):
        out.append(dict(wres_year=2022, indicator=1, level=level, area_code=area, breakdown=breakdown,
                        measure=f"headcount_{part}", value=float(value), suppression_reason=reasons.get(part)))
        if part != "total":
            out.append(dict(wres_year=2022, indicator=1, level=level, area_code=area, breakdown=breakdown,
                            measure=f"pct_{part}", value=100 * value / total, suppression_reason=reasons.get(part)))
    return out


def reason(table, area, measure, breakdown="all"):
    row = table[(table["area_code"] == area) & (table["measure"] == measure) & (table["breakdown"] == breakdown)]
    value = row["suppression_reason"].item()
    return None if pd.isna(value) else value


AREAS = pd.DataFrame({"wres_year": [2022, 2022], "org_code": ["T1", "T2"], "region_code": ["Y56", "Y56"],
                      "trust_type": ["Acute", "Acute"]})


def england_and_region(t1, t2):
    totals = tuple(a + b for a, b in zip(t1, t2))
    return rows("region", "Y56", "all", totals) + rows("trust_type", "Acute", "all", totals) + \
        rows("england", "ENG", "all", totals)


def test_a_single_hidden_part_takes_the_smallest_other_part_with_it():
    # T1: white 50, BME 3 (count 1-7), unknown 10, total 63: BME = 63 - 50 - 10 unless one more is hidden.
    table = pd.DataFrame(rows("trust", "T1", "all", (50, 3, 10), {"bme": "count 1-7"})
                         + rows("trust", "T2", "all", (60, 20, 4), {"unknown": "count 1-7"})
                         + england_and_region((50, 3, 10), (60, 20, 4)))
    result = apply_secondary_suppression(table, AREAS)
    assert reason(result, "T1", "headcount_unknown") == "secondary"  # 10 < 50
    assert reason(result, "T1", "pct_unknown") == "secondary"
    assert reason(result, "T1", "headcount_white") is None
    assert reason(result, "T1", "headcount_total") is None
    # T2: unknown 4 hidden; the smallest other part is BME 20.
    assert reason(result, "T2", "headcount_bme") == "secondary"
    # Region = T1 + T2: both trusts now hide BME and unknown, so the region needs nothing more.
    assert reason(result, "Y56", "headcount_bme") is None
    assert reason(result, "ENG", "headcount_bme") is None  # England is never hidden


def test_a_zero_is_hidden_only_when_nothing_else_is_left():
    # White 50, BME 3 (hidden), unknown 0: the smallest non-zero other part is white.
    table = pd.DataFrame(rows("trust", "T1", "all", (50, 3, 0), {"bme": "count 1-7"})
                         + rows("trust", "T2", "all", (40, 2, 0), {"bme": "count 1-7"})
                         + england_and_region((50, 3, 0), (40, 2, 0)))
    result = apply_secondary_suppression(table, AREAS)
    assert reason(result, "T1", "headcount_white") == "secondary"
    assert reason(result, "T1", "headcount_unknown") is None
    # The region's BME (5) is not small; its own parts need no protection ...
    assert reason(result, "Y56", "headcount_bme") is None
    # ... and nothing hidden can be recovered from what is left published.
    cells = headcount_cells(result)
    assert recoverable(cells, memberships(cells, AREAS)).empty


def test_trusts_of_an_area_protect_each_other():
    # Only T1's BME is hidden by the count rule; region = T1 + T2 would give it back.
    table = pd.DataFrame(rows("trust", "T1", "all", (50, 3, 10), {"bme": "count 1-7"})
                         + rows("trust", "T2", "all", (60, 30, 12))
                         + england_and_region((50, 3, 10), (60, 30, 12)))
    result = apply_secondary_suppression(table, AREAS)
    hidden_t2 = {m for m in ("headcount_white", "headcount_bme", "headcount_unknown", "headcount_total")
                 if reason(result, "T2", m) == "secondary"}
    # T1 hides BME (3) and, to protect it, unknown (10). Region = T1 + T2 would then give both
    # back, so T2 hides its BME and unknown too; T2's white and total stay published.
    assert hidden_t2 == {"headcount_bme", "headcount_unknown"}
    assert reason(result, "T1", "headcount_unknown") == "secondary"
    cells = headcount_cells(result)
    assert recoverable(cells, memberships(cells, AREAS)).empty


def test_recoverable_finds_an_unprotected_value():
    table = pd.DataFrame(rows("trust", "T1", "all", (50, 3, 10), {"bme": "count 1-7"}))
    cells = headcount_cells(table)
    found = recoverable(cells, memberships(cells, AREAS.iloc[0:0]))
    assert list(cells.loc[found["cell"], "part"]) == ["bme"]


def test_withheld_values_protect_but_need_no_protection():
    # T2 is withheld (declaration<80%): region - T1 gives T2 back, which is allowed.
    withheld = {p: "declaration<80%" for p in PARTS}
    table = pd.DataFrame(rows("trust", "T1", "all", (50, 30, 10))
                         + rows("trust", "T2", "all", (60, 30, 40), withheld)
                         + england_and_region((50, 30, 10), (60, 30, 40)))
    result = apply_secondary_suppression(table, AREAS)
    assert (result["suppression_reason"] == "secondary").sum() == 0
