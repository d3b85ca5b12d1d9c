"""Disclosure control on tables small enough to work out by hand: suppression, then the audit.

Each case builds the confidential measures as the marts would (indicator 1 headcounts and
percentages by band, or survey groups), with the primary reasons and sensitive cells stated
here by hand, runs secondary suppression, asserts exactly which cells it hides, and runs the
independent audit on the release that would be published.
"""

from __future__ import annotations

import json

import pandas as pd

from wres.disclosure import suppression
from wres.disclosure.audit import audit
from wres.disclosure.suppression import apply_secondary_suppression, suppress_year_by_year

YEAR = 2022
PARTS = ("white", "bme", "unknown")
BANDS = ("G|Band 5", "G|Band 6")


def _row(level, area, indicator, breakdown, measure, value, reason=None, sensitive=False, respondents=None):
    return dict(wres_year=YEAR, indicator=indicator, level=level, area_code=area, area_name=area,
                breakdown=breakdown, measure=measure, value=float(value) if value is not None else None,
                suppression_reason=reason, is_sensitive=sensitive, respondents=respondents)


class Zone:
    """Trusts with their region and trust type, and their band counts (white, BME, unknown)."""

    def __init__(self, trusts: dict[str, tuple[str, str]], bands: dict[str, dict[str, tuple[int, int, int]]],
                 withheld: tuple[str, ...] = ()):
        self.trusts, self.bands, self.withheld = trusts, bands, withheld

    def areas(self) -> pd.DataFrame:
        return pd.DataFrame([dict(wres_year=YEAR, org_code=t, region=r, trust_type=k)
                             for t, (r, k) in self.trusts.items()])

    def release_trusts(self) -> pd.DataFrame:
        return self.areas().rename(columns={"region": "region_code"})

    def counts(self) -> dict[tuple[str, str], dict[str, tuple[int, int, int]]]:
        """(level, area) -> breakdown -> (white, BME, unknown), trusts summed into every area."""
        out: dict[tuple[str, str], dict[str, tuple[int, int, int]]] = {}
        for trust, bands in self.bands.items():
            region, kind = self.trusts[trust]
            full = dict(bands)
            full["G|all"] = tuple(sum(v[i] for v in bands.values()) for i in range(3))
            full["all"] = full["G|all"]
            for key in (("trust", trust), ("region", region), ("trust_type", kind), ("england", "ENG")):
                into = out.setdefault(key, {})
                for breakdown, value in full.items():
                    before = into.get(breakdown, (0, 0, 0))
                    into[breakdown] = tuple(a + b for a, b in zip(before, value))
        return out

    def measures(self) -> pd.DataFrame:
        """Indicator 1 rows with the primary rules of docs/METHODOLOGY.md applied by hand."""
        rows = []
        for (level, area), breakdowns in self.counts().items():
            below = level != "england"
            withheld = area in self.withheld
            for breakdown, (w, b, u) in breakdowns.items():
                total = w + b + u
                # A not-stated (unknown) count discloses no one's ethnicity: never small in this sense.
                small = {p: below and p != "unknown" and 1 <= v <= 7 for p, v in zip(PARTS + ("total",), (w, b, u, total))}
                for part, value in zip(PARTS + ("total",), (w, b, u, total)):
                    reason = "declaration<80%" if withheld else ("count 1-7" if small[part] else None)
                    rows.append(_row(level, area, 1, breakdown, f"headcount_{part}", value, reason, small[part]))
                for part, value in zip(PARTS, (w, b, u)):
                    uses_small = small[part] or small["total"]
                    reason = "declaration<80%" if withheld else ("count 1-7" if uses_small else None)
                    rows.append(_row(level, area, 1, breakdown, f"pct_{part}", 100 * value / total, reason, uses_small))
        return pd.DataFrame(rows)


def released(result: pd.DataFrame) -> pd.DataFrame:
    published = result.copy()
    published.loc[published["suppression_reason"].notna(), "value"] = None
    return published


def hidden(result: pd.DataFrame, reason: str) -> set[tuple[str, str, str]]:
    rows = result[result["suppression_reason"] == reason]
    return set(zip(rows["area_code"], rows["breakdown"], rows["measure"]))


def audit_of(result: pd.DataFrame, zone: Zone, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    found = audit(released(result), zone.release_trusts(), result, previous)
    return found[found["is_derivable"]]


def with_percentages(cells: set[tuple[str, str, str]], result: pd.DataFrame) -> set[tuple[str, str, str]]:
    """The headcount cells plus the percentages they hide: pct_<part> goes with its part or its total."""
    out = set(cells)
    for area, breakdown, measure in cells:
        part = measure.removeprefix("headcount_")
        parts = PARTS if part == "total" else (part,)
        out |= {(area, breakdown, f"pct_{p}") for p in parts}
    return out - hidden(result, "count 1-7") - hidden(result, "declaration<80%")


# A region of three trusts (R1) and a second region (R2), all acute, one staff group in two bands.
THREE_TRUSTS = {"A": ("R1", "Acute"), "B": ("R1", "Acute"), "C": ("R1", "Acute"), "D": ("R2", "Acute")}


def test_a_withheld_trusts_band_count_of_5_is_protected_as_a_sensitive_cell():
    # A's declaration rate is 95/150 = 63%: withheld. Its Band 5 BME count is 5, a sensitive cell,
    # which R1's published total minus B and C would give back. The cheapest cube pairs A with
    # B (same region, same type), Band 5 with Band 6, BME with unknown: B's 30 + 10 + 40 + 12 = 92
    # against C's 35 + 9 + 38 + 11 = 93; A's own cells are hidden already.
    zone = Zone(THREE_TRUSTS, {
        "A": {"G|Band 5": (40, 5, 30), "G|Band 6": (30, 20, 25)},
        "B": {"G|Band 5": (50, 30, 10), "G|Band 6": (60, 40, 12)},
        "C": {"G|Band 5": (45, 35, 9), "G|Band 6": (55, 38, 11)},
        "D": {"G|Band 5": (80, 50, 20), "G|Band 6": (70, 45, 15)},
    }, withheld=("A",))
    result = apply_secondary_suppression(zone.measures(), zone.areas())
    cube = {("B", band, f"headcount_{part}") for band in BANDS for part in ("bme", "unknown")}
    assert hidden(result, "secondary") == with_percentages(cube, result)
    assert hidden(result, "declaration<80%") == {(a, b, m) for a, b, m in
                                                 zip(result["area_code"], result["breakdown"], result["measure"])
                                                 if a == "A"}
    assert audit_of(result, zone).empty


def chain_zone() -> Zone:
    """C has a Band 5 BME count of 4; A is withheld (not sensitive)."""
    return Zone(THREE_TRUSTS, {
        "A": {"G|Band 5": (40, 15, 30), "G|Band 6": (30, 20, 25)},
        "B": {"G|Band 5": (50, 30, 10), "G|Band 6": (60, 40, 12)},
        "C": {"G|Band 5": (45, 4, 9), "G|Band 6": (55, 38, 11)},
        "D": {"G|Band 5": (80, 50, 20), "G|Band 6": (70, 45, 15)},
    }, withheld=("A",))


def test_a_withheld_trusts_values_protect_no_one_else():
    # C's Band 5 BME count of 4 is hidden (T = 8: every cell its move shifts must stay >= 0 for
    # t in [-4, 4], so every partner needs 4 or more). A is withheld: its values may be given away
    # by R1's totals, so no protection may rest on them, although a move through A alone would be
    # cheapest. C pairs with B (same region and type: no area cell needed), Band 5 with Band 6, BME
    # with unknown: C's 9 + 38 + 11 and B's 30 + 10 + 40 + 12 = 150, against 318 with white and
    # more with the totals; D would bring R1 and R2's totals (tier 2).
    zone = chain_zone()
    result = apply_secondary_suppression(zone.measures(), zone.areas())
    cube = {(trust, band, f"headcount_{part}") for trust in ("B", "C") for band in BANDS
            for part in ("bme", "unknown")} - {("C", "G|Band 5", "headcount_bme")}
    assert hidden(result, "count 1-7") == {("C", "G|Band 5", "headcount_bme"), ("C", "G|Band 5", "pct_bme")}
    assert hidden(result, "secondary") == with_percentages(cube, result)
    assert audit_of(result, zone).empty
    certificate = json.loads(result.loc[result["protection_certificate"].notna(), "protection_certificate"].item())
    assert certificate["threshold"] == 8
    # Signs: C and Band 5 and BME +1; B, Band 6 and unknown -1; a cell's delta is their product.
    assert sorted(certificate["moves"][0]) == sorted([
        [1, "trust", t, band, f"headcount_{part}", st * sb * sp]
        for t, st in (("C", 1), ("B", -1)) for band, sb in (("G|Band 5", 1), ("G|Band 6", -1))
        for part, sp in (("bme", 1), ("unknown", -1))])


def test_the_audit_blocks_a_release_with_one_recoverable_cell_and_names_the_chain():
    zone = chain_zone()
    result = apply_secondary_suppression(zone.measures(), zone.areas())
    # Publish C's Band 6 BME count (38) by mistake: C's staff group BME (42) minus 38 gives the 4.
    leak = (result["area_code"] == "C") & (result["breakdown"] == "G|Band 6") & (result["measure"] == "headcount_bme")
    result.loc[leak, "suppression_reason"] = None
    found = audit_of(result, zone)
    derivable = set(zip(found["area_code"], found["breakdown"], found["measure"]))
    assert derivable == {("C", "G|Band 5", "headcount_bme")}
    assert found["derivation"].item() == "hc by: bands of G = G (trust C, bme)"


def test_a_trust_type_with_one_trust_hides_its_type_totals_and_the_other_type():
    # E is the only community trust: the Community totals are E's own figures, so its Band 5 BME
    # count of 3 is hidden twice (trust and type, count 1-7). Any null vector through E moves the
    # Community total, so the Acute total must move against it: the cube pairs E with A (same
    # region, cheaper than B: 67 against 95), Band 5 with Band 6, BME with unknown, over the
    # trusts E and A and the types Community and Acute. The one region equals England: never used.
    zone = Zone({"A": ("R1", "Acute"), "B": ("R1", "Acute"), "E": ("R1", "Community")}, {
        "A": {"G|Band 5": (40, 20, 10), "G|Band 6": (30, 25, 12)},
        "B": {"G|Band 5": (50, 30, 14), "G|Band 6": (60, 35, 16)},
        "E": {"G|Band 5": (20, 3, 8), "G|Band 6": (25, 15, 9)},
    })
    result = apply_secondary_suppression(zone.measures(), zone.areas())
    cube = {(area, band, f"headcount_{part}") for area in ("E", "A", "Community", "Acute")
            for band in BANDS for part in ("bme", "unknown")}
    primary = {("E", "G|Band 5", "headcount_bme"), ("Community", "G|Band 5", "headcount_bme")}
    assert hidden(result, "secondary") == with_percentages(cube - primary, result)
    assert audit_of(result, zone).empty


def _survey_rows(respondents_bme: dict[str, int], yes_bme: dict[str, int], trusts: dict[str, tuple[str, str]]):
    """Indicator 5 rows (BME only, white published everywhere) and indicator 1 headcounts for weights."""
    rows = []
    areas: dict[tuple[str, str], list[str]] = {}
    for t, (region, kind) in trusts.items():
        for key in (("trust", t), ("region", region), ("trust_type", kind)):
            areas.setdefault(key, []).append(t)
    weights = {t: 100 + 10 * i for i, t in enumerate(trusts)}
    for (level, area), members in areas.items():
        n = sum(respondents_bme[t] for t in members)
        y = sum(yes_bme[t] for t in members)
        small = n < 11
        reason = "n<11" if small else None
        rows += [_row(level, area, 5, "all", "respondents_bme", n, reason, small, n),
                 _row(level, area, 5, "all", "pct_bme", 100 * y / n, reason, small, n),
                 _row(level, area, 5, "all", "respondents_white", 50, None, False, 50),
                 _row(level, area, 5, "all", "pct_white", 20.0, None, False, 50)]
    england = sum(weights[t] * yes_bme[t] / respondents_bme[t] for t in trusts) / sum(weights.values())
    rows += [_row("england", "ENG", 5, "all", "respondents_bme", sum(respondents_bme.values()), None, False),
             _row("england", "ENG", 5, "all", "pct_bme", 100 * england, None, False),
             _row("england", "ENG", 5, "all", "respondents_white", 50 * len(trusts), None, False),
             _row("england", "ENG", 5, "all", "pct_white", 20.0, None, False)]
    for t in trusts:
        rows.append(_row("trust", t, 1, "all", "headcount_bme", weights[t]))
    return pd.DataFrame(rows)


def test_a_survey_group_of_9_respondents_is_hidden_with_its_count_and_a_partner():
    # A's 9 BME respondents (and its percentage) are hidden, n<11. R1 minus B gives A's count,
    # England's weighted mean minus the others gives its percentage: B, the cheapest trust in the
    # same region and type (40 respondents against C's 50 with the type totals), hides its group too.
    trusts = {"A": ("R1", "Acute"), "B": ("R1", "Acute"), "C": ("R1", "Community"), "D": ("R2", "Acute")}
    measures = _survey_rows({"A": 9, "B": 40, "C": 50, "D": 60}, {"A": 3, "B": 10, "C": 20, "D": 15}, trusts)
    zone = Zone(trusts, {})
    result = apply_secondary_suppression(measures, zone.areas())
    assert hidden(result, "n<11") == {("A", "all", "respondents_bme"), ("A", "all", "pct_bme")}
    assert hidden(result, "secondary") == {("B", "all", "respondents_bme"), ("B", "all", "pct_bme")}
    assert audit_of(result, zone).empty
    # Without B's group hidden, the audit derives A's respondents and its answers.
    found = audit_of(measures, zone)
    assert {("A", "respondents_bme"), ("A", "pct_bme")} <= set(zip(found["area_code"], found["measure"]))


def test_the_same_inputs_in_any_row_order_give_the_same_release():
    zone = Zone(THREE_TRUSTS, {
        "A": {"G|Band 5": (40, 5, 30), "G|Band 6": (30, 20, 25)},
        "B": {"G|Band 5": (50, 3, 10), "G|Band 6": (60, 40, 2)},
        "C": {"G|Band 5": (45, 35, 9), "G|Band 6": (55, 6, 11)},
        "D": {"G|Band 5": (80, 50, 20), "G|Band 6": (70, 45, 15)},
    }, withheld=("A",))
    measures = zone.measures()
    first = apply_secondary_suppression(measures, zone.areas())
    shuffled = measures.sample(frac=1, random_state=7).reset_index(drop=True)
    second = apply_secondary_suppression(shuffled, zone.areas().iloc[::-1])
    pd.testing.assert_frame_equal(first, second)
    assert audit_of(first, zone).empty


def test_a_revised_return_keeps_the_previous_pattern_and_is_audited_with_it():
    bands = {
        "A": {"G|Band 5": (40, 15, 30), "G|Band 6": (30, 20, 25)},
        "B": {"G|Band 5": (50, 30, 10), "G|Band 6": (60, 40, 12)},
        "C": {"G|Band 5": (45, 4, 9), "G|Band 6": (55, 38, 11)},
        "D": {"G|Band 5": (80, 50, 20), "G|Band 6": (70, 45, 15)},
        "E": {"G|Band 5": (60, 40, 18), "G|Band 6": (65, 42, 14)},
    }
    trusts = {**THREE_TRUSTS, "E": ("R2", "Acute")}
    zone = Zone(trusts, bands)
    first = apply_secondary_suppression(zone.measures(), zone.areas())
    # C's 4: pairing with A costs A's 15 + 30 + 20 + 25 = 90, with B 30 + 10 + 40 + 12 = 92.
    first_cube = {(t, band, f"headcount_{part}") for t in "CA" for band in BANDS for part in ("bme", "unknown")}
    assert hidden(first, "secondary") == with_percentages(first_cube - {("C", "G|Band 5", "headcount_bme")}, first)
    previous = released(first)

    # B revises its Band 6 BME count from 40 to 7. What the first release hid stays hidden, so
    # pairing B with A costs only B's own unknown 12, Band 5 BME 30 and unknown 10; nothing that
    # the first release published for D, E or R2 (unchanged) may protect it.
    revised = Zone(trusts, {**bands, "B": {"G|Band 5": (50, 30, 10), "G|Band 6": (60, 7, 12)}})
    second = apply_secondary_suppression(revised.measures(), revised.areas(), previous)
    new_cube = {("B", "G|Band 6", "headcount_unknown"), ("B", "G|Band 5", "headcount_bme"),
                ("B", "G|Band 5", "headcount_unknown")}
    assert hidden(second, "count 1-7") == {("C", "G|Band 5", "headcount_bme"), ("C", "G|Band 5", "pct_bme"),
                                           ("B", "G|Band 6", "headcount_bme"), ("B", "G|Band 6", "pct_bme")}
    assert hidden(second, "secondary") == with_percentages(first_cube | new_cube, second)
    assert audit_of(second, revised, previous).empty

    # Had the first release published A's cells and C's other cells, the two releases together
    # would give both small counts away, though the second alone hides them: the audit says so.
    leaky = previous.copy()
    truth = second.set_index(["area_code", "breakdown", "measure"])["value"]
    exposed = (leaky["area_code"].isin(["A", "C"]) & leaky["value"].isna()
               & ~((leaky["area_code"] == "C") & (leaky["breakdown"] == "G|Band 5") & (leaky["measure"].isin(
                   ["headcount_bme", "pct_bme"]))))
    leaky.loc[exposed, "value"] = [truth[(a, b, m)] for a, b, m in
                                   zip(leaky.loc[exposed, "area_code"], leaky.loc[exposed, "breakdown"],
                                       leaky.loc[exposed, "measure"])]
    assert audit_of(second, revised).empty
    found = audit_of(second, revised, leaky)
    assert {("B", "G|Band 6", "headcount_bme"), ("C", "G|Band 5", "headcount_bme")} <= \
        set(zip(found["area_code"], found["breakdown"], found["measure"]))


def test_a_published_sensitive_value_is_the_plainest_leak():
    zone = Zone({"A": ("R1", "Acute"), "B": ("R1", "Acute")}, {
        "A": {"G|Band 5": (40, 5, 30), "G|Band 6": (30, 20, 25)},
        "B": {"G|Band 5": (50, 30, 10), "G|Band 6": (60, 40, 12)},
    })
    result = apply_secondary_suppression(zone.measures(), zone.areas())
    cell = (result["area_code"] == "A") & (result["breakdown"] == "G|Band 5") & (result["measure"] == "headcount_bme")
    result.loc[cell, "suppression_reason"] = None
    found = audit_of(result, zone)
    assert found[(found["area_code"] == "A") & (found["measure"] == "headcount_bme")]["derivation"].item() \
        == "the value is published"


def with_declaration_rates(zone: Zone, measures: pd.DataFrame) -> pd.DataFrame:
    """Indicator 1 declaration rates: published for a withheld trust unless its total is 1-7."""
    rows = []
    for (level, area), breakdowns in zone.counts().items():
        white, bme, unknown = breakdowns["all"]
        total = white + bme + unknown
        small = level != "england" and 1 <= total <= 7
        rows.append(_row(level, area, 1, "all", "declaration_rate", 100 - 100 * unknown / total,
                         "count 1-7" if small else None, small))
    return pd.concat([measures, pd.DataFrame(rows)], ignore_index=True)


def test_a_small_unknown_count_is_published_and_a_withheld_trust_keeps_its_declaration_rate():
    # A declares 110 of 150 (73%): withheld, its declaration rate stays published. C's unknown
    # counts (2, 3, all staff 5) disclose no one's ethnicity: published, with C's declaration rate.
    # Nothing is sensitive, so nothing is hidden as secondary.
    zone = Zone(THREE_TRUSTS, {
        "A": {"G|Band 5": (40, 15, 20), "G|Band 6": (45, 10, 20)},
        "B": {"G|Band 5": (50, 30, 10), "G|Band 6": (60, 40, 12)},
        "C": {"G|Band 5": (45, 20, 2), "G|Band 6": (55, 38, 3)},
        "D": {"G|Band 5": (80, 50, 20), "G|Band 6": (70, 45, 15)},
    }, withheld=("A",))
    measures = with_declaration_rates(zone, zone.measures())
    result = apply_secondary_suppression(measures, zone.areas())
    assert hidden(result, "secondary") == set()
    assert hidden(result, "count 1-7") == set()
    shown = released(result).set_index(["area_code", "breakdown", "measure"])["value"]
    assert shown[("C", "G|Band 5", "headcount_unknown")] == 2
    assert shown[("C", "all", "headcount_unknown")] == 5
    assert shown[("C", "all", "declaration_rate")] == 100 - 100 * 5 / 163
    assert shown[("A", "all", "declaration_rate")] == 100 - 100 * 40 / 150
    assert audit_of(result, zone).empty


def _rolling_rows(year: int, rates: dict[str, tuple[float, float, float]], sensitive_bme: tuple[str, ...] = (),
                  headcounts: dict[str, tuple[int, int]] | None = None):
    """Indicator 3 rows of one year: area -> (white rate, BME rate, relative likelihood as published),
    with each area's all-staff white and BME headcounts of indicator 1 (the rates' bases);
    A and B are the trusts of region R1, both acute."""
    levels = {"A": "trust", "B": "trust", "R1": "region", "Acute": "trust_type", "ENG": "england"}
    headcounts = headcounts or ROLLING_HEADCOUNTS
    rows = []
    for area, (white, bme, as_published) in rates.items():
        for measure, value in (("rate_white", white), ("rate_bme", bme), ("relative_likelihood", bme / white),
                               ("relative_likelihood_as_published", as_published)):
            small = area in sensitive_bme and measure == "rate_bme"
            rows.append({**_row(levels[area], area, 3, "all", measure, value, "count 1-7" if small else None, small),
                         "wres_year": year})
        for part, value in zip(("white", "bme"), headcounts[area]):
            rows.append({**_row(levels[area], area, 1, "all", f"headcount_{part}", value), "wres_year": year})
    return pd.DataFrame(rows)


# White and BME staff: A 500 and 100, B 1,000 and 200; R1, Acute and England are A + B.
ROLLING_HEADCOUNTS = {"A": (500, 100), "B": (1000, 200), "R1": (1500, 300), "Acute": (1500, 300),
                      "ENG": (1500, 300)}


def test_a_rate_hidden_the_year_before_hides_the_rolling_relative_likelihood_built_year_by_year():
    # 2020: A's BME rate of 3.0 comes from 3 disciplinary cases (3% of 100), a count of 1-7. Its
    # partner must have at least 8 - 3 = 5 cases: B's rate 4.0 of 200 staff is 8, its only partner
    # (R1, Acute and England hold just A and B). Both rates are hidden, and with them their
    # relative likelihoods, so the 2021 two-year rolling relative likelihoods of A and B, which use
    # the 2020 counts, are hidden too, though every 2021 figure is safe on its own.
    areas = pd.DataFrame([dict(wres_year=y, org_code=t, region="R1", trust_type="Acute")
                          for y in (2020, 2021) for t in ("A", "B")])
    y2020 = _rolling_rows(2020, {"A": (2.0, 3.0, 1.5), "B": (1.0, 4.0, 4.0), "R1": (4 / 3, 11 / 3, 2.75),
                                 "Acute": (4 / 3, 11 / 3, 2.75), "ENG": (4 / 3, 11 / 3, 2.75)}, sensitive_bme=("A",))
    y2021 = _rolling_rows(2021, {"A": (2.0, 10.0, 1.3), "B": (1.0, 5.0, 2.5), "R1": (4 / 3, 20 / 3, 1.9),
                                 "Acute": (4 / 3, 20 / 3, 1.9), "ENG": (4 / 3, 20 / 3, 1.9)})
    by_year = {2020: y2020, 2021: y2021}

    def load(year):
        return by_year[year], areas[areas["wres_year"] == year]

    together = apply_secondary_suppression(pd.concat([y2020, y2021], ignore_index=True), areas)
    built = suppress_year_by_year([2021, 2020], load)
    pd.testing.assert_frame_equal(built, together)
    # The two years protected side by side, each in a worker process: the same rows.
    pd.testing.assert_frame_equal(suppress_year_by_year([2021, 2020], load, processes=2), together)
    rates_2020 = suppression.hidden_rates(built[built["wres_year"] == 2020])
    assert set(zip(rates_2020["area_code"], rates_2020["indicator"])) == {("A", 3), ("B", 3)}
    certificate = json.loads(built.loc[built["protection_certificate"].notna(), "protection_certificate"].item())
    # A's 3 cases go down 3 to 0 and up 5 to 8 against B's 8 cases.
    assert certificate == {"threshold": 8, "moves": [[[3, "trust", "A", "all", "rate_bme", 1],
                                                      [3, "trust", "B", "all", "rate_bme", -1]]],
                           "down": [-3.0], "up": [5.0]}
    rows_2021 = built[built["wres_year"] == 2021].set_index(["area_code", "measure"])["suppression_reason"]
    assert rows_2021.dropna().to_dict() == {("A", "relative_likelihood_as_published"): "secondary",
                                            ("B", "relative_likelihood_as_published"): "secondary"}

    # 2021 rebuilt alone (its return revised): 2020's hidden rates come from its stored rows.
    alone = suppress_year_by_year([2021], load, hidden_rates_before=suppression.hidden_rates(built))
    pd.testing.assert_frame_equal(alone, built[built["wres_year"] == 2021].reset_index(drop=True))
    forgetful = suppress_year_by_year([2021], load)
    assert forgetful["suppression_reason"].isna().all()
