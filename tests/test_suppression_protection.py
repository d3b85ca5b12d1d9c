"""Secondary suppression against the feasibility-interval standard, on tables worked out by hand.

Each case states which cells are sensitive, runs secondary suppression, asserts the cells it
chooses, and checks the standard independently of the suppression code: a linear program over the
table's relations (scipy's HiGHS) finds the smallest and largest value each sensitive cell can take
given everything published and non-negativity; that interval must reach 0 and 8.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from tests.test_disclosure import BANDS, PARTS, THREE_TRUSTS, Zone, _row, hidden, released, with_percentages
from wres.disclosure.programs import whole_multiple
from wres.disclosure.suppression import apply_secondary_suppression

YEAR = 2022


def feasibility_interval(result: pd.DataFrame, zone: Zone, cell: tuple[str, str, str]) -> tuple[float, float]:
    """[min, max] of an indicator 1 headcount cell given the published cells of `result` and the
    zone's relations: white + BME + unknown = total, bands = staff group = all staff, trusts = their
    region, their trust type and England; published percentages tie a part to its total."""
    counts = zone.counts()
    parts = PARTS + ("total",)
    names = [(level, area, bd, p) for (level, area), bds in counts.items() for bd in bds for p in parts]
    index = {n: i for i, n in enumerate(names)}
    rows, rhs = [], []

    def equation(terms: dict[tuple, float], value: float = 0.0):
        row = [0.0] * len(names)
        for name, coefficient in terms.items():
            row[index[name]] += coefficient
        rows.append(row)
        rhs.append(value)

    for (level, area), bds in counts.items():
        bands = [bd for bd in bds if bd not in ("all", "G|all")]
        for bd in bds:
            equation({(level, area, bd, "total"): 1, **{(level, area, bd, p): -1 for p in PARTS}})
        for p in parts:
            equation({(level, area, "G|all", p): 1, **{(level, area, bd, p): -1 for bd in bands}})
            equation({(level, area, "all", p): 1, (level, area, "G|all", p): -1})
    members: dict[tuple[str, str], list[str]] = {}
    for trust, (region, kind) in zone.trusts.items():
        if trust in zone.bands:
            for key in (("region", region), ("trust_type", kind), ("england", "ENG")):
                members.setdefault(key, []).append(trust)
    for (level, area), trusts in members.items():
        for bd in counts[(level, area)]:
            for p in parts:
                equation({(level, area, bd, p): 1, **{("trust", t, bd, p): -1 for t in trusts}})
    shown = released(result)
    shown = shown[shown["value"].notna() & (shown["indicator"] == 1)]
    for level, area, bd, measure, value in zip(shown["level"], shown["area_code"], shown["breakdown"],
                                               shown["measure"], shown["value"]):
        if measure.startswith("headcount_"):
            equation({(level, area, bd, measure.removeprefix("headcount_")): 1}, value)
        elif measure.startswith("pct_"):
            equation({(level, area, bd, measure.removeprefix("pct_")): 100, (level, area, bd, "total"): -value})
    target = [0.0] * len(names)
    level = next(lv for lv, ac in counts if ac == cell[0])
    target[index[(level, cell[0], cell[1], cell[2].removeprefix("headcount_"))]] = 1.0
    low = linprog(target, A_eq=rows, b_eq=rhs, bounds=(0, None), method="highs")
    high = linprog([-c for c in target], A_eq=rows, b_eq=rhs, bounds=(0, None), method="highs")
    assert low.status == 0 and high.status == 0
    return round(low.fun, 6), round(-high.fun, 6)


def sensitive_counts(result: pd.DataFrame) -> list[tuple[str, str, str]]:
    rows = result[result["is_sensitive"].astype(bool) & result["measure"].str.startswith("headcount_")]
    return sorted(zip(rows["area_code"], rows["breakdown"], rows["measure"]))


def assert_protected(result: pd.DataFrame, zone: Zone) -> None:
    for cell in sensitive_counts(result):
        low, high = feasibility_interval(result, zone, cell)
        assert low == 0 and high >= 8, (cell, low, high)


def test_the_partner_of_a_count_of_1_is_never_a_2():
    # A's Band 5 BME count is 1; its unknown count beside it is 2 (not sensitive: it discloses no
    # one's ethnicity, so it is published). A move through both would leave the 1 in [0, 3]. With
    # T = 8 a cell moved against the 1 must hold 7 or more, one moved with it 1 or more. The cubes
    # A x (B or C) x Band 5/6 x BME/(white, unknown, total), seven tier-3 cells each:
    #   B, white: A 40 + 20 + 30, B 30 + 50 + 40 + 60 = 270;  C, white: 90 + 35 + 45 + 38 + 55 = 263
    #   B, total: A 43 + 20 + 60, B 30 + 90 + 40 + 112 = 395; C, total: 123 + 35 + 89 + 38 + 104 = 389
    #   either with unknown: A's 2 moves against the 1, so it is ruled out.
    # D is in the other region: its cube would also move R1 and R2 (tier 2).
    zone = Zone(THREE_TRUSTS, {
        "A": {"G|Band 5": (40, 1, 2), "G|Band 6": (30, 20, 10)},
        "B": {"G|Band 5": (50, 30, 10), "G|Band 6": (60, 40, 12)},
        "C": {"G|Band 5": (45, 35, 9), "G|Band 6": (55, 38, 11)},
        "D": {"G|Band 5": (80, 50, 20), "G|Band 6": (70, 45, 15)},
    })
    result = apply_secondary_suppression(zone.measures(), zone.areas())
    cube = {(t, band, f"headcount_{part}") for t in "AC" for band in BANDS for part in ("bme", "white")}
    assert hidden(result, "count 1-7") == {("A", "G|Band 5", "headcount_bme"), ("A", "G|Band 5", "pct_bme")}
    assert hidden(result, "secondary") == with_percentages(cube - {("A", "G|Band 5", "headcount_bme")}, result)
    assert ("A", "G|Band 5", "headcount_unknown") not in hidden(result, "secondary")
    assert feasibility_interval(result, zone, ("A", "G|Band 5", "headcount_bme")) == (0, 21)
    assert_protected(result, zone)


def test_a_published_zero_is_never_a_partner_and_pins_nothing():
    # Region R2 has D alone: D's Band 6 BME count of 0 is published (zero is not disclosive). E (R2)
    # has a BME count of 3 in Band 6: any move through R2's Band 6 BME would need a partner there,
    # and D's 0 cannot go down. E pairs with F, the other R2 trust with staff in that cell.
    trusts = {"D": ("R2", "Acute"), "E": ("R2", "Acute"), "F": ("R2", "Acute"), "A": ("R1", "Acute"),
              "B": ("R1", "Acute")}
    zone = Zone(trusts, {
        "D": {"G|Band 5": (80, 50, 20), "G|Band 6": (70, 0, 15)},
        "E": {"G|Band 5": (60, 40, 18), "G|Band 6": (65, 3, 14)},
        "F": {"G|Band 5": (55, 30, 16), "G|Band 6": (50, 25, 12)},
        "A": {"G|Band 5": (40, 15, 30), "G|Band 6": (30, 20, 25)},
        "B": {"G|Band 5": (50, 30, 10), "G|Band 6": (60, 40, 12)},
    })
    result = apply_secondary_suppression(zone.measures(), zone.areas())
    moved = {(a, b, m) for a, b, m in hidden(result, "secondary")}
    assert ("D", "G|Band 6", "headcount_bme") not in moved
    assert {a for a, _, m in moved if m.startswith("headcount_")} == {"E", "F"}
    assert_protected(result, zone)


def test_a_total_of_5_bounds_its_parts_and_every_one_is_protected():
    # A's Band 5 has 3 white, 2 BME and nobody of unknown ethnicity: all three of 3, 2 and the
    # total 5 are sensitive (the total bounds its parts: published, it would cap each at 5). Each
    # gets a move whose cells stay non-negative up to 8; the zero is published.
    zone = Zone(THREE_TRUSTS, {
        "A": {"G|Band 5": (3, 2, 0), "G|Band 6": (30, 20, 10)},
        "B": {"G|Band 5": (50, 30, 10), "G|Band 6": (60, 40, 12)},
        "C": {"G|Band 5": (45, 35, 9), "G|Band 6": (55, 38, 11)},
        "D": {"G|Band 5": (80, 50, 20), "G|Band 6": (70, 45, 15)},
    })
    result = apply_secondary_suppression(zone.measures(), zone.areas())
    assert sensitive_counts(result) == [("A", "G|Band 5", "headcount_bme"), ("A", "G|Band 5", "headcount_total"),
                                        ("A", "G|Band 5", "headcount_white")]
    certified = result[result["protection_certificate"].notna()]
    assert sorted(zip(certified["area_code"], certified["breakdown"], certified["measure"])) == \
        sensitive_counts(result)
    assert ("A", "G|Band 5", "headcount_unknown") not in hidden(result, "secondary")
    assert_protected(result, zone)
    for certificate in certified["protection_certificate"]:
        assert json.loads(certificate)["threshold"] == 8
    # The total goes down with its white part (3 steps) and its BME part (2 steps), each moved with
    # it, and up 3 steps along one of them to 8.
    total = json.loads(certified.loc[certified["measure"] == "headcount_total", "protection_certificate"].item())
    assert sorted(total["down"]) == [-3.0, -2.0]
    assert sorted(total["up"]) == [0.0, 3.0]
    assert all([1, "trust", "A", "G|Band 5", "headcount_total", 1] in move for move in total["moves"])


def disparity_rows(zone: Zone) -> pd.DataFrame:
    """Indicator 1 disparity ratio lower to middle of staff group G for every area (never small here)."""
    return pd.DataFrame([_row(level, area, 1, "G", "disparity_lower_to_middle", 1.5)
                         for level, area in zone.counts()])


@pytest.mark.parametrize("with_band_groups", [True, False])
def test_a_disparity_ratio_survives_when_the_move_stays_in_one_band_group(with_band_groups):
    # A's Band 5 BME count of 3 (lower band group with Band 4; Band 6 is middle). Band 6's cells are
    # smaller, but a move between Band 5 and Band 6 changes the lower and middle sums, so it would
    # hide the disparity ratios of A and its partner (tier 1). Between Band 4 and Band 5 both sums
    # stay: the ratios stay published. Without the band groups known, every ratio of a moved staff
    # group is hidden.
    bands = ("G|Band 4", "G|Band 5", "G|Band 6")
    zone = Zone(THREE_TRUSTS, {
        "A": {"G|Band 4": (60, 30, 15), "G|Band 5": (40, 3, 10), "G|Band 6": (20, 9, 5)},
        "B": {"G|Band 4": (70, 35, 14), "G|Band 5": (50, 30, 10), "G|Band 6": (25, 10, 6)},
        "C": {"G|Band 4": (65, 32, 16), "G|Band 5": (45, 35, 9), "G|Band 6": (30, 12, 7)},
        "D": {"G|Band 4": (80, 50, 20), "G|Band 5": (80, 50, 20), "G|Band 6": (80, 50, 20)},
    })
    measures = pd.concat([zone.measures(), disparity_rows(zone)], ignore_index=True)
    band_levels = {"G|Band 4": "lower", "G|Band 5": "lower", "G|Band 6": "middle"} if with_band_groups else None
    result = apply_secondary_suppression(measures, zone.areas(), band_levels=band_levels)
    moved_bands = {b for _, b, m in hidden(result, "secondary") if m.startswith("headcount_")}
    ratios_hidden = {a for a, _, m in hidden(result, "secondary") if m.startswith("disparity_")}
    assert_protected(result[result["breakdown"].isin([*bands, "G|all", "all"])], zone)
    if with_band_groups:
        assert moved_bands == {"G|Band 4", "G|Band 5"}
        assert ratios_hidden == set()
    else:
        moved_trusts = {a for a, _, m in hidden(result, "secondary") if m.startswith("headcount_")}
        assert ratios_hidden == moved_trusts | {"A"}


@pytest.mark.parametrize("ratios_published_before", [False, True])
def test_a_ratio_the_previous_release_published_is_never_changed_by_a_move(ratios_published_before):
    # Only Band 5 (lower) and Band 6 (middle): every move of A's Band 5 BME count of 3 changes the
    # lower or middle white or BME sum of each trust it moves. With nothing published before, the
    # move hides those trusts' ratios. When a revised return is republished, the previous release
    # published the ratios and a reader keeps them: hiding them now breaks nothing, so no move may
    # change them, and the count is left uncertified (the gate's warning) rather than given a move
    # the audit would find invalid.
    zone = Zone(THREE_TRUSTS, {
        "A": {"G|Band 5": (40, 3, 10), "G|Band 6": (20, 9, 5)},
        "B": {"G|Band 5": (50, 30, 10), "G|Band 6": (25, 10, 6)},
        "C": {"G|Band 5": (45, 35, 9), "G|Band 6": (30, 12, 7)},
        "D": {"G|Band 5": (80, 50, 20), "G|Band 6": (80, 50, 20)},
    })
    ratios = disparity_rows(zone)
    measures = pd.concat([zone.measures(), ratios], ignore_index=True)
    previous = ratios[["wres_year", "indicator", "level", "area_code", "breakdown", "measure", "value"]]
    result = apply_secondary_suppression(measures, zone.areas(), previous if ratios_published_before else None,
                                         band_levels={"G|Band 5": "lower", "G|Band 6": "middle"})
    target = result[(result["area_code"] == "A") & (result["breakdown"] == "G|Band 5")
                    & (result["measure"] == "headcount_bme")]
    certificate = target["protection_certificate"].item()
    ratios_hidden = {a for a, _, m in hidden(result, "secondary") if m.startswith("disparity_")}
    if ratios_published_before:
        assert certificate is None or pd.isna(certificate)
    else:
        moved = {cell[2] for move in json.loads(certificate)["moves"] for cell in move if cell[1] == "trust"}
        assert "A" in moved and len(moved) == 2
        assert moved <= ratios_hidden


def test_a_trust_rate_is_protected_by_four_trusts_so_no_area_rate_is_hidden():
    # Region R1 has two ICBs: I1 holds A (acute) and D (mental health), I2 holds B (acute) and C
    # (mental health). Indicator 3, BME staff entering a disciplinary process (events of BME staff):
    #   A 2 of 100 (rate 2.0, a count of 1-7), B 10 of 200, C 6 of 150, D 9 of 300;
    #   so I1 11 of 400, I2 16 of 350, Acute 12 of 300, Mental health 15 of 450, R1 and England 27 of 750.
    # White staff: 10 of 1,000 everywhere a trust is (no white count is small).
    # Any two trusts differ in an ICB or a trust type, so a move of two trusts changes two areas' event
    # counts and hides their rates (headline figures). A +1, B -1, C +1, D -1 keeps every area sum:
    # it shifts I1 (A, D), I2 (B, C), Acute (A, B) and Mental health (C, D) by 0. It reaches 0 (A -2:
    # B and D +2, C -2 from 6) and 8 (A +6: B 10 -> 4, D 9 -> 3, C 6 -> 12).
    trusts = {"A": ("I1", "Acute"), "B": ("I2", "Acute"), "C": ("I2", "Mental health"), "D": ("I1", "Mental health")}
    bme = {"A": (2, 100), "B": (10, 200), "C": (6, 150), "D": (9, 300), "I1": (11, 400), "I2": (16, 350),
           "Acute": (12, 300), "Mental health": (15, 450), "R1": (27, 750), "ENG": (27, 750)}
    white = {"A": (10, 1000), "B": (10, 1000), "C": (10, 1000), "D": (10, 1000), "I1": (20, 2000),
             "I2": (20, 2000), "Acute": (20, 2000), "Mental health": (20, 2000), "R1": (40, 4000), "ENG": (40, 4000)}
    levels = {**{t: "trust" for t in trusts}, "I1": "icb", "I2": "icb", "Acute": "trust_type",
              "Mental health": "trust_type", "R1": "region", "ENG": "england"}
    rows = []
    for area, level in levels.items():
        (events_bme, staff_bme), (events_white, staff_white) = bme[area], white[area]
        rate_bme, rate_white = 100 * events_bme / staff_bme, 100 * events_white / staff_white
        small = area == "A"
        for measure, value in (("rate_white", rate_white), ("rate_bme", rate_bme),
                               ("relative_likelihood", rate_bme / rate_white),
                               ("relative_likelihood_as_published", rate_bme / rate_white)):
            sensitive = small and measure == "rate_bme"
            reason = "count 1-7" if small and measure != "rate_white" else None
            rows.append(_row(level, area, 3, "all", measure, value, reason, sensitive))
        rows += [_row(level, area, 1, "all", "headcount_white", staff_white),
                 _row(level, area, 1, "all", "headcount_bme", staff_bme)]
    areas = pd.DataFrame([dict(wres_year=YEAR, org_code=t, region="R1", icb=icb, trust_type=kind)
                          for t, (icb, kind) in trusts.items()])
    result = apply_secondary_suppression(pd.DataFrame(rows), areas)

    secondary = hidden(result, "secondary")
    assert {area for area, _, _ in secondary} == {"B", "C", "D"}
    assert {measure for _, _, measure in secondary} == {"rate_bme", "relative_likelihood",
                                                        "relative_likelihood_as_published"}
    certificate = json.loads(result.loc[result["protection_certificate"].notna(), "protection_certificate"].item())
    assert certificate == {"threshold": 8, "moves": [[[3, "trust", "A", "all", "rate_bme", 1],
                                                      [3, "trust", "B", "all", "rate_bme", -1],
                                                      [3, "trust", "C", "all", "rate_bme", 1],
                                                      [3, "trust", "D", "all", "rate_bme", -1]]],
                           "down": [-2.0], "up": [6.0]}
    # The interval of A's events given what is published: a + d = 11 (I1), b + c = 16 (I2), a + b = 12
    # (Acute), c + d = 15 (Mental health), every count >= 0: a = t, b = 12 - t, c = 4 + t, d = 11 - t,
    # t in [0, 11].
    equations = [[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 1, 1]]
    low = linprog([1, 0, 0, 0], A_eq=equations, b_eq=[11, 16, 12, 15], bounds=(0, None), method="highs")
    high = linprog([-1, 0, 0, 0], A_eq=equations, b_eq=[11, 16, 12, 15], bounds=(0, None), method="highs")
    assert (round(low.fun, 6), round(-high.fun, 6)) == (0, 11)


@pytest.mark.parametrize("ratios_published_before", [False, True])
def test_a_cell_no_move_can_certify_never_moves_a_ratio_the_previous_release_published(ratios_published_before):
    # A's Band 5 BME count is 2, B's 3, C's and D's 0: England's Band 5 BME count is 5, below T = 8, so
    # no move takes A's 2 up to 8 and the cell cannot be certified. It still gets the cheapest move
    # through non-zero cells, so that it is not determined exactly: its partner trust can only be B
    # (C's and D's 0 would go negative), the parts BME and unknown (white and the total are larger),
    # and the second band Band 6 or Band 4 (all staff would be a headline figure). Each is six tier-3
    # cells beside the two hidden 1-7 counts:
    #   Band 6: A 10 (Band 5 unknown) + 9 + 5, B 10 + 10 + 6 = 50;
    #   Band 4: A 10 (Band 5 unknown) + 30 + 15, B 10 + 35 + 14 = 114.
    # Band 6 is cheaper, but it is in the middle band group and Band 5 in the lower: that move changes
    # the lower and middle BME sums of A and B, whose disparity ratios are then hidden. Band 4 and
    # Band 5 are both lower: no sum changes. With nothing published before, Band 6 it is. When a
    # revised return is republished, the previous release published the ratios; a reader keeps them,
    # so hiding them protects nothing and the Band 6 move is ruled out: Band 4 it is, and every ratio
    # stays published.
    zone = Zone(THREE_TRUSTS, {
        "A": {"G|Band 4": (60, 30, 15), "G|Band 5": (40, 2, 10), "G|Band 6": (20, 9, 5)},
        "B": {"G|Band 4": (70, 35, 14), "G|Band 5": (50, 3, 10), "G|Band 6": (25, 10, 6)},
        "C": {"G|Band 4": (65, 32, 16), "G|Band 5": (45, 0, 9), "G|Band 6": (30, 12, 7)},
        "D": {"G|Band 4": (80, 50, 20), "G|Band 5": (80, 0, 20), "G|Band 6": (80, 50, 20)},
    })
    ratios = disparity_rows(zone)
    measures = pd.concat([zone.measures(), ratios], ignore_index=True)
    previous = ratios[["wres_year", "indicator", "level", "area_code", "breakdown", "measure", "value"]]
    result = apply_secondary_suppression(measures, zone.areas(), previous if ratios_published_before else None,
                                         band_levels={"G|Band 4": "lower", "G|Band 5": "lower", "G|Band 6": "middle"})
    target = result[(result["area_code"] == "A") & (result["breakdown"] == "G|Band 5")
                    & (result["measure"] == "headcount_bme")]
    assert pd.isna(target["protection_certificate"].item())
    secondary = hidden(result, "secondary")
    moved = {(a, b, m) for a, b, m in secondary if a in "AB" and m.startswith("headcount_")}
    ratios_hidden = {a for a, _, m in secondary if m.startswith("disparity_")}
    second_band = "G|Band 4" if ratios_published_before else "G|Band 6"
    assert moved == {(t, b, m) for t in "AB" for b, m in ((second_band, "headcount_bme"),
                                                          (second_band, "headcount_unknown"),
                                                          ("G|Band 5", "headcount_unknown"))}
    if ratios_published_before:
        assert ratios_hidden == set()
    else:
        assert {"A", "B"} <= ratios_hidden


def test_a_move_pays_only_for_disparity_ratios_it_newly_hides_and_more_for_an_area_s():
    # Trusts T1 and T2 of region R; Non-clinical bands: Band 5 (lower), Band 8a and Band 8b (upper).
    # T2's three ratios are already hidden (withheld); T1's and R's are published.
    from wres.disclosure.suppression import AREA_HEADLINE, DISPARITY, TIER_WEIGHT, Areas, Ratios, prepare

    names = ["Non-clinical|Band 5", "Non-clinical|Band 8a", "Non-clinical|Band 8b", "Non-clinical|all"]
    band_levels = {"Non-clinical|Band 5": "lower", "Non-clinical|Band 8a": "upper", "Non-clinical|Band 8b": "upper"}
    rows = []
    for level, area in (("trust", "T1"), ("trust", "T2"), ("region", "R")):
        reason = "declaration<80%" if area == "T2" else None
        rows += [_row(level, area, 1, "Non-clinical", m, 1.5, reason) for m in DISPARITY]
        rows += [_row(level, area, 1, b, "headcount_bme", 20) for b in names]
    trust_areas = pd.DataFrame([dict(wres_year=YEAR, org_code=t, region="R") for t in ("T1", "T2")])
    table = prepare(pd.DataFrame(rows), None, trust_areas)
    areas = Areas(table.frame[["level", "area_code"]], trust_areas)
    ratios = Ratios(table, table.frame, areas, names, band_levels)
    t1, t2, r = (areas.index[k] for k in (("trust", "T1"), ("trust", "T2"), ("region", "R")))

    within_upper = ratios.changes([(1, 1), (2, -1)])            # Band 8a +1, Band 8b -1: no sum moves
    lower_and_upper = ratios.changes([(1, 1), (0, -1)])         # Band 8a +1, Band 5 -1: both sums move
    upper_only = ratios.changes([(1, 1), (3, 1)])               # Band 8a with its staff group's total
    assert within_upper.sum() == 0 and lower_and_upper.sum() == 3
    assert [m for (_, m), hit in zip(ratios.columns, upper_only) if hit] == ["disparity_middle_to_upper",
                                                                           "disparity_lower_to_upper"]
    options = np.array([[t1, t2, -1, -1], [t1, -1, r, -1]])
    cost = ratios.cost(options, np.array([within_upper, lower_and_upper, upper_only]))
    # T1 and T2: T1's ratios only (T2's are hidden already); T1 with R: R's cost AREA_HEADLINE each.
    assert cost.tolist() == [[0, 3 * TIER_WEIGHT[1], 2 * TIER_WEIGHT[1]],
                             [0, 3 * (TIER_WEIGHT[1] + AREA_HEADLINE), 2 * (TIER_WEIGHT[1] + AREA_HEADLINE)]]

    # Once a move has changed T1's upper BME sum, T1's two ratios that compare it are as good as hidden.
    where_of = {int(row): (areas.index[(lv, ac)], names.index(b), 1)
                for row, lv, ac, b, m in zip(table.frame.index, table.frame["level"], table.frame["area_code"],
                                             table.frame["breakdown"], table.frame["measure"]) if m == "headcount_bme"}
    row_of = {v: k for k, v in where_of.items()}
    ratios.mark([[(row_of[(t1, 1, 1)], 1), (row_of[(t1, 3, 1)], 1)]], where_of)
    cost = ratios.cost(options[:1], np.array([lower_and_upper]))
    assert cost.tolist() == [[TIER_WEIGHT[1]]]                 # only T1's lower-to-middle ratio is left


def test_a_band_count_with_no_partner_in_its_band_group_moves_four_trusts_so_no_area_ratio_is_hidden():
    # Regions R1 (A acute, D mental health) and R2 (B acute, C mental health); one staff group G with
    # Band 5 (lower) and Band 6 (upper), no unknown ethnicity. Counts (white, BME):
    #   Band 5: A (50, 20), B (60, 30), C (40, 25), D (45, 22)
    #   Band 6: A (10, 1),  B (12, 9),  C (11, 8),  D (13, 10)
    # A's Band 6 BME count of 1 is the one sensitive cell. Band 6 is the whole upper band group, so any
    # move through it changes A's upper and lower sums: its partner band is Band 5, and the moved
    # trusts' lower-to-upper disparity ratios are lost (A's is hidden anyway: its upper BME sum is 1).
    # Two trusts always differ in a region or a trust type, so a two-trust move would also lose two
    # areas' ratios. A +1, B -1, C +1, D -1 keeps every region and trust-type sum: it costs only B's,
    # C's and D's ratios. With white as the partner part (unknown counts are 0, totals are larger),
    # the target goes down by 1 (every cell moved its way holds at least 1) and up by 7 (the cells
    # moved the other way hold at least 7: A's Band 6 white 10 and Band 5 BME 20, B's Band 6 BME 9 and
    # Band 5 white 60, C's Band 6 white 11 and Band 5 BME 25, D's Band 6 BME 10 and Band 5 white 45).
    trusts = {"A": ("R1", "Acute"), "B": ("R2", "Acute"), "C": ("R2", "Mental health"), "D": ("R1", "Mental health")}
    zone = Zone(trusts, {"A": {"G|Band 5": (50, 20, 0), "G|Band 6": (10, 1, 0)},
                         "B": {"G|Band 5": (60, 30, 0), "G|Band 6": (12, 9, 0)},
                         "C": {"G|Band 5": (40, 25, 0), "G|Band 6": (11, 8, 0)},
                         "D": {"G|Band 5": (45, 22, 0), "G|Band 6": (13, 10, 0)}})
    measures = zone.measures()
    ratios = []
    for (level, area), counts in zone.counts().items():
        (w_low, b_low, _), (w_up, b_up, _) = counts["G|Band 5"], counts["G|Band 6"]
        small = level != "england" and 1 <= b_up <= 7
        ratios.append(_row(level, area, 1, "G", "disparity_lower_to_upper", (w_up / w_low) / (b_up / b_low),
                           "count 1-7" if small else None))
    measures = pd.concat([measures, pd.DataFrame(ratios)], ignore_index=True)
    result = apply_secondary_suppression(measures, zone.areas(),
                                         band_levels={"G|Band 5": "lower", "G|Band 6": "upper"})

    secondary = hidden(result, "secondary")
    assert {area for area, _, _ in secondary} == {"A", "B", "C", "D"}
    moved = {(t, band, f"headcount_{part}") for t in "ABCD" for band in ("G|Band 5", "G|Band 6")
             for part in ("white", "bme")} - {("A", "G|Band 6", "headcount_bme")}
    ratios_lost = {(t, "G", "disparity_lower_to_upper") for t in "BCD"}
    assert secondary == with_percentages(moved, result) | ratios_lost
    certificate = json.loads(result.loc[result["protection_certificate"].notna(), "protection_certificate"].item())
    signs = {"A": 1, "B": -1, "C": 1, "D": -1}
    assert certificate["down"] == [-1.0] and certificate["up"] == [7.0]
    assert sorted(map(tuple, certificate["moves"][0])) == sorted(
        (1, "trust", t, band, f"headcount_{part}", signs[t] * band_sign * part_sign)
        for t in "ABCD" for band, band_sign in (("G|Band 6", 1), ("G|Band 5", -1))
        for part, part_sign in (("bme", 1), ("white", -1)))


def test_a_senior_band_count_no_hypercube_move_protects_without_an_area_s_ratio_gets_a_linear_program_s_ends():
    # One region (so England: neither can change); trust types Acute (A, D) and Mental health (E);
    # staff group G with Band 5 (lower), Bands 8a and 9 (upper), no unknown ethnicity. (white, BME):
    #   Band 5:  A (50, 20), D (60, 30), E (40, 25)
    #   Band 8a: A (12, 0),  D (14, 9),  E (11, 10)
    #   Band 9:  A (20, 1),  D (15, 0),  E (10, 9)
    # Sensitive: A's Band 9 BME count of 1 and Acute's (A's 1 and D's 0). A's lower-to-upper ratio is
    # hidden by the count rule (its upper BME sum is 1); D's, E's, Acute's, Mental health's and R's are
    # published. To take A's 1 up to 8 every cube move fails: with Band 8a as the partner band, A's
    # Band 8a BME (0) would have to give 7; with Band 5, a pair with D needs 7 in D's Band 9 BME (0),
    # and a pair with E changes both trust types' upper sums; one region has no four-trust move.
    # The linear program's up end, in BME counts:
    # - A: Band 9 +7, and Band 5 -7, as its staff group's total stays and Band 8a holds none;
    # - D: Band 8a -7, Band 5 +7, so that Acute's upper sum stays (D's ratio is lost);
    # - E: Band 9 -7, so that England's Band 9 stays, and Band 8a +7, so that Mental health's upper
    #   sum stays (E's ratio stays).
    # Its down end is the same with -1 for +7: a published zero is never moved (A's Band 8a BME and D's
    # Band 9 BME stay 0), so A's 1 can only go to its Band 5, D's Band 8a makes up Acute's upper sum and
    # E's Band 9 England's.
    zone = Zone({"A": ("R", "Acute"), "D": ("R", "Acute"), "E": ("R", "Mental health")},
                {"A": {"G|Band 5": (50, 20, 0), "G|Band 8a": (12, 0, 0), "G|Band 9": (20, 1, 0)},
                 "D": {"G|Band 5": (60, 30, 0), "G|Band 8a": (14, 9, 0), "G|Band 9": (15, 0, 0)},
                 "E": {"G|Band 5": (40, 25, 0), "G|Band 8a": (11, 10, 0), "G|Band 9": (10, 9, 0)}})
    ratios = []
    for (level, area), counts in zone.counts().items():
        (w_low, b_low, _), upper = counts["G|Band 5"], [counts[b] for b in ("G|Band 8a", "G|Band 9")]
        w_up, b_up = sum(c[0] for c in upper), sum(c[1] for c in upper)
        small = level != "england" and 1 <= b_up <= 7
        ratios.append(_row(level, area, 1, "G", "disparity_lower_to_upper", (w_up / w_low) / (b_up / b_low),
                           "count 1-7" if small else None))
    measures = pd.concat([zone.measures(), pd.DataFrame(ratios)], ignore_index=True)
    result = apply_secondary_suppression(measures, zone.areas(), band_levels={
        "G|Band 5": "lower", "G|Band 8a": "upper", "G|Band 9": "upper"})

    assert {a for a, _, m in hidden(result, "secondary") if m.startswith("disparity_")} == {"D"}
    assert_protected(result, zone)
    target = result[(result["area_code"] == "A") & (result["breakdown"] == "G|Band 9")
                    & (result["measure"] == "headcount_bme")]
    certificate = json.loads(target["protection_certificate"].item())
    assert certificate["down"] == [1.0, 0.0] and certificate["up"] == [0.0, 1.0]
    down, up = ({(c[2], c[3]): c[5] for c in move if c[1] == "trust" and c[4] == "headcount_bme"}
                for move in certificate["moves"])
    assert down == {("A", "G|Band 9"): -1, ("A", "G|Band 5"): 1, ("D", "G|Band 8a"): 1, ("D", "G|Band 5"): -1,
                    ("E", "G|Band 9"): 1, ("E", "G|Band 8a"): -1}
    assert up == {("A", "G|Band 9"): 7, ("A", "G|Band 5"): -7, ("D", "G|Band 8a"): -7, ("D", "G|Band 5"): 7,
                  ("E", "G|Band 9"): -7, ("E", "G|Band 8a"): 7}


def test_a_linear_program_s_vertex_with_halves_is_written_as_whole_deltas_taken_part_of_the_way():
    # A vertex (0.5, -0.5, 1.5, 0) is twice whole deltas (1, -1, 3, 0) taken half-way; quarters four
    # times; a whole vertex as it is. A third is not exact in a certificate's JSON (0.333...): not used.
    half = whole_multiple(np.array([0.5, -0.5, 1.5, 0.0]))
    assert half.scale == 2 and half.d.tolist() == [1, -1, 3, 0] and half.step == 0.5
    quarter = whole_multiple(np.array([0.25, -1.0, 0.75]))
    assert quarter.scale == 4 and quarter.d.tolist() == [1, -4, 3]
    whole = whole_multiple(np.array([-7.0, 7.0, 1e-9]))
    assert whole.scale == 1 and whole.d.tolist() == [-7, 7, 0]
    assert whole_multiple(np.array([1 / 3, -1 / 3])) is None
