"""The gate's proof of protection (wres.disclosure.certificates) and the independent measurement
of feasibility intervals (wres.disclosure.intervals), on releases and certificates made by hand.

Each case states the true counts, which cells the release hides and the certificate, and
works out by hand the interval of the sensitive cell and the verdict on its certificate. The
suppression code is not used: these are the audit's own relations.
"""

from __future__ import annotations

import json

import pandas as pd

from tests.test_disclosure import YEAR, Zone, _survey_rows
from wres.disclosure.audit import KEY, audit
from wres.disclosure.intervals import feasibility_intervals

T = 8
LEVEL = {"A": "trust", "B": "trust", "C": "trust", "D": "trust", "R1": "region", "R2": "region",
         "Acute": "trust_type", "Community": "trust_type", "ENG": "england"}
BAND_LEVELS = {("G", "Band 5"): "lower", ("G", "Band 6"): "middle", ("G", "Band 7"): "middle"}


def release(truth: pd.DataFrame, hide: set[tuple[str, str, str]] = frozenset(),
            show: set[tuple[str, str, str]] = frozenset(), withheld: tuple[str, ...] = ()) -> pd.DataFrame:
    """The release as written: the truth's primary reasons, `hide` (area, breakdown, measure) hidden as
    secondary, `show` published whatever its reason; value null where hidden."""
    out = truth.copy()
    cells = list(zip(out["area_code"], out["breakdown"], out["measure"]))
    out["suppression_reason"] = [("secondary" if c in hide else r) if c not in show else None
                                 for c, r in zip(cells, out["suppression_reason"])]
    out.loc[out["area_code"].isin(withheld), "suppression_reason"] = "declaration<80%"
    out["suppressed"] = out["suppression_reason"].notna()
    out.loc[out["suppressed"], "value"] = None
    return out


def counts_and_percentages(cells: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """The headcount cells and the percentages that go with them (a part's, or every part's for a total)."""
    out = set(cells)
    for area, bd, measure in cells:
        part = measure.removeprefix("headcount_")
        out |= {(area, bd, f"pct_{p}") for p in (("white", "bme", "unknown") if part == "total" else (part,))}
    return out


def cube(trusts: dict[str, int], bands: dict[str, int], parts: dict[str, int]) -> list[list]:
    """A move over trusts x breakdowns x parts: each cell's delta is the product of its signs."""
    return [[1, "trust", t, bd, f"headcount_{p}", st * sb * sp]
            for t, st in trusts.items() for bd, sb in bands.items() for p, sp in parts.items()]


def certificates(by_cell: dict[tuple[str, str, str], list[list]], indicator: int = 1) -> pd.DataFrame:
    """The mart wres_protection_certificates: one row per protected cell, its moves as JSON."""
    return pd.DataFrame([dict(wres_year=YEAR, indicator=indicator, level=LEVEL[area], area_code=area, breakdown=bd,
                              measure=m, threshold=T, certificate=json.dumps({"moves": moves}))
                         for (area, bd, m), moves in by_cell.items()])


def audited(published, zone_or_trusts, truth, certs=None, previous=None) -> pd.DataFrame:
    trusts = zone_or_trusts.release_trusts() if isinstance(zone_or_trusts, Zone) else zone_or_trusts
    found = audit(published, trusts, truth, previous, certs, band_levels=BAND_LEVELS)
    return found.set_index(["area_code", "breakdown", "measure"])


def interval(published, zone, truth, cell, **options) -> tuple[float, float]:
    key = (1, LEVEL[cell[0]], *cell)
    found = feasibility_intervals(published, zone.release_trusts(), truth, cells=[key], **options)
    return found["lower"].item(), found["upper"].item()


# --- a 2x2 table with margins: the partner of a count of 1 is a 2 -----------------------------

# A and B, region R1, both acute (R1 = Acute = England = A + B), one band: Band 5 = G|all = all.
# A has 50 white, 1 BME, 2 unknown (53); B 60, 30, 40 (130).
SMALL_PARTNER = Zone({"A": ("R1", "Acute"), "B": ("R1", "Acute")},
                     {"A": {"G|Band 5": (50, 1, 2)}, "B": {"G|Band 5": (60, 30, 40)}})
ONE_BAND = ("G|Band 5", "G|all", "all")


def test_a_count_of_1_whose_partner_is_a_2_is_bounded_by_3_and_its_certificate_is_rejected():
    truth = SMALL_PARTNER.measures()
    # A's BME 1 (count 1-7) with A's unknown 2 and B's BME and unknown as partners, in all three
    # breakdowns (the one band is also the staff group and all staff).
    hide = counts_and_percentages({(t, bd, f"headcount_{p}") for t in "AB" for bd in ONE_BAND
                                   for p in ("bme", "unknown")})
    published = release(truth, hide)
    # A's total 53 and white 50 are published: BME + unknown = 3, so the 1 lies in [0, 3]
    # (B's BME is then 31 - x, B's unknown 42 - (3 - x): both stay positive).
    assert interval(published, SMALL_PARTNER, truth, ("A", "G|Band 5", "headcount_bme")) == (0.0, 3.0)
    move = cube({"A": 1, "B": -1}, {bd: 1 for bd in ONE_BAND}, {"bme": 1, "unknown": -1})
    found = audited(published, SMALL_PARTNER, truth, certificates({("A", bd, "headcount_bme"): [move]
                                                                   for bd in ONE_BAND}))
    cell = found.loc[("A", "G|Band 5", "headcount_bme")]
    assert not cell["is_derivable"]  # not determined exactly: only the interval shows the leak
    assert cell["is_unprotected"] and not cell["is_unprotectable"]
    # Along the move A's unknown 2 - t stays >= 0 only up to t = 2: the 1 reaches 3, not 8, the
    # interval the LP found.
    assert cell["protection"] == ("certificate invalid: along it the cell reaches only [0, 3], short of [0, 8]: "
                                  "1:trust:A:G|Band 5:headcount_unknown (true value 2) bounds it above")
    assert found["is_unprotected"].sum() == 3  # the 1 in each of the three breakdowns


def test_a_larger_partner_gives_a_valid_certificate_and_an_interval_reaching_the_threshold():
    truth = SMALL_PARTNER.measures()
    hide = counts_and_percentages({(t, bd, f"headcount_{p}") for t in "AB" for bd in ONE_BAND
                                   for p in ("white", "bme")})
    published = release(truth, hide)
    # A's unknown 2 and total 53 published: white + BME = 51; R1's BME 31 and white 110 give B's.
    # So A's BME lies in [0, 31] (B's BME 31 - x >= 0 binds before A's white 51 - x).
    assert interval(published, SMALL_PARTNER, truth, ("A", "G|Band 5", "headcount_bme")) == (0.0, 31.0)
    move = cube({"A": 1, "B": -1}, {bd: 1 for bd in ONE_BAND}, {"bme": 1, "white": -1})
    # Along t in [-1, 7]: A's white 50 - t >= 43, B's BME 30 - t >= 23, B's white 60 + t >= 59.
    found = audited(published, SMALL_PARTNER, truth, certificates({("A", bd, "headcount_bme"): [move]
                                                                   for bd in ONE_BAND}))
    assert not found["is_unprotected"].any() and not found["is_unprotectable"].any()
    assert not found["is_derivable"].any()
    assert found["protection"].isna().all()
    # Without certificates the same release is below the standard: each of A's three BME cells is
    # reported as uncertified (a warning: the exact check still proves none is determined).
    bare = audited(published, SMALL_PARTNER, truth)
    assert not bare["is_unprotected"].any()
    assert set(bare.index[bare["is_uncertified"]]) == {("A", bd, "headcount_bme") for bd in ONE_BAND}
    assert bare.loc[bare["is_uncertified"], "protection"].str.startswith("no protection certificate").all()


# --- a published zero at an area pins its trusts ------------------------------------------------

def test_a_published_zero_at_a_trust_type_pins_its_trusts_hidden_counts_to_0():
    # A and B are the Community trusts, C and D acute; Community's Band 5 BME count is 0, published.
    # A and B hide a 2x2 of their own (Band 5 and 6, BME and unknown): linearly, A's Band 5 BME can
    # move against B's (a + b = 0 is one equation in two unknowns), but with a, b >= 0 both are 0.
    zone = Zone({"A": ("R1", "Community"), "B": ("R1", "Community"), "C": ("R1", "Acute"), "D": ("R2", "Acute")}, {
        "A": {"G|Band 5": (30, 0, 5), "G|Band 6": (20, 10, 4)},
        "B": {"G|Band 5": (40, 0, 6), "G|Band 6": (25, 12, 3)},
        "C": {"G|Band 5": (50, 20, 7), "G|Band 6": (30, 15, 5)},
        "D": {"G|Band 5": (60, 25, 8), "G|Band 6": (35, 18, 6)},
    })
    truth = zone.measures()
    hide = counts_and_percentages({(t, bd, f"headcount_{p}") for t in "AB" for bd in ("G|Band 5", "G|Band 6")
                                   for p in ("bme", "unknown")})
    published = release(truth, hide)
    assert interval(published, zone, truth, ("A", "G|Band 5", "headcount_bme")) == (0.0, 0.0)
    assert interval(published, zone, truth, ("B", "G|Band 5", "headcount_bme")) == (0.0, 0.0)
    # And so, down the chain, A's Band 6 BME: its staff group's BME 10 (published) minus Band 5's 0.
    assert interval(published, zone, truth, ("A", "G|Band 6", "headcount_bme")) == (10.0, 10.0)


# --- a total of 5 bounds its parts ------------------------------------------------------------

def test_a_published_total_of_5_bounds_its_parts_and_no_move_through_them_reaches_8():
    # A's Band 5: 3 white, 2 BME, 0 unknown, total 5. Were the total published, white + BME = 5.
    zone = Zone({"A": ("R1", "Acute"), "B": ("R1", "Acute")}, {
        "A": {"G|Band 5": (3, 2, 0), "G|Band 6": (40, 30, 10)},
        "B": {"G|Band 5": (50, 35, 12), "G|Band 6": (45, 25, 8)},
    })
    truth = zone.measures()
    bands = ("G|Band 5", "G|Band 6")
    hide = counts_and_percentages({(t, bd, f"headcount_{p}") for t in "AB" for bd in bands
                                   for p in ("white", "bme")})
    published = release(truth, hide, show={("A", "G|Band 5", "headcount_total")})
    # The cube (A, B) x (Band 5, Band 6) x (white, BME) moves A's white from 0 (BME 5, A's Band 6
    # white 43, BME 27, B's Band 5 white 47, BME 38) to 5 (BME 0): [0, 5].
    assert interval(published, zone, truth, ("A", "G|Band 5", "headcount_white")) == (0.0, 5.0)
    assert interval(published, zone, truth, ("A", "G|Band 5", "headcount_bme")) == (0.0, 5.0)
    move = cube({"A": 1, "B": -1}, {"G|Band 5": 1, "G|Band 6": -1}, {"white": 1, "bme": -1})
    found = audited(published, zone, truth, certificates({("A", "G|Band 5", "headcount_white"): [move]}))
    # The total itself is published: the plainest leak.
    assert found.loc[("A", "G|Band 5", "headcount_total"), "derivation"] == "the value is published"
    # A's Band 5 BME 2 - t >= 0 stops the white 3 at t = 2: [0, 5] along the move, as the LP found.
    assert found.loc[("A", "G|Band 5", "headcount_white"), "protection"] == (
        "certificate invalid: along it the cell reaches only [0, 5], short of [0, 8]: "
        "1:trust:A:G|Band 5:headcount_bme (true value 2) bounds it above")


def test_a_small_total_goes_down_with_each_part_along_its_own_move_and_up_along_one():
    # The same counts with A's Band 5 total hidden too. Down: the total goes with white (3 steps
    # of the white move) and with BME (2 steps of the BME move) to 0; up: 3 steps of the white
    # move take it to 8 (white 6, BME 2). Down, A's Band 6 goes to white 43, BME 32, total 85 and
    # B's Band 5 to white 53, BME 37, total 102; up, A's Band 6 white 37, total 77, B's Band 5
    # white 47, total 94: nothing negative.
    zone = Zone({"A": ("R1", "Acute"), "B": ("R1", "Acute")}, {
        "A": {"G|Band 5": (3, 2, 0), "G|Band 6": (40, 30, 10)},
        "B": {"G|Band 5": (50, 35, 12), "G|Band 6": (45, 25, 8)},
    })
    truth = zone.measures()
    bands = ("G|Band 5", "G|Band 6")
    hide = counts_and_percentages({(t, bd, f"headcount_{p}") for t in "AB" for bd in bands
                                   for p in ("white", "bme", "total")})
    published = release(truth, hide)
    # A's Band 5 total is its white plus BME (unknown 0 published), each capped by A's staff-group
    # white 43 and BME 32 (published; R1's Band 5 white 53 and BME 37 cap less): [0, 75].
    assert interval(published, zone, truth, ("A", "G|Band 5", "headcount_total")) == (0.0, 75.0)
    signs = ({"A": 1, "B": -1}, {"G|Band 5": 1, "G|Band 6": -1})
    white = cube(*signs, {"white": 1, "total": 1})
    bme = cube(*signs, {"bme": 1, "total": 1})
    text = json.dumps({"moves": [white, bme], "down": [-3, -2], "up": [3, 0]})
    certs = certificates({("A", "G|Band 5", "headcount_total"): []})
    certs["certificate"] = text
    found = audited(published, zone, truth, certs)
    assert not found.loc[("A", "G|Band 5", "headcount_total"), "is_unprotected"]
    # Steps that leave the total at 1, not 0, prove nothing.
    certs["certificate"] = json.dumps({"moves": [white, bme], "down": [-3, -1], "up": [3, 0]})
    found = audited(published, zone, truth, certs)
    assert found.loc[("A", "G|Band 5", "headcount_total"), "protection"] == (
        "certificate invalid: the target reaches 1, not 0, at the down end")


# --- an England survey percentage of 0 --------------------------------------------------------

def test_an_england_survey_percentage_of_0_forces_the_hidden_trust_percentages_to_0():
    # No BME respondent of any trust answered yes: England's weighted percentage is 0, and with
    # every weight positive and every percentage at least 0, each trust's percentage is 0. A's 9
    # respondents are hidden (n<11), B's 40 with them (secondary); linearly, England's mean leaves
    # w_A p_A + w_B p_B = 0, one equation in two unknowns: not determined exactly.
    trusts = {"A": ("R1", "Acute"), "B": ("R1", "Acute"), "C": ("R1", "Community"), "D": ("R2", "Acute")}
    truth = _survey_rows({"A": 9, "B": 40, "C": 50, "D": 60}, {"A": 0, "B": 0, "C": 0, "D": 0}, trusts)
    truth = truth[~truth["measure"].str.endswith("_white")]  # that helper's white figures do not add up
    zone = Zone(trusts, {})
    published = release(truth, {("B", "all", "respondents_bme"), ("B", "all", "pct_bme")})
    found = feasibility_intervals(published, zone.release_trusts(), truth,
                                  cells=[(5, "trust", "A", "all", "pct_bme"), (5, "trust", "B", "all", "pct_bme")])
    assert found[["lower", "upper"]].values.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert not audited(published, zone, truth).loc[("A", "all", "pct_bme"), "is_derivable"]


# --- survey certificates ----------------------------------------------------------------------

def test_a_survey_move_keeps_each_trusts_percentage_and_its_area_answers_follow():
    # A (9 BME respondents, 3 yes: 33.3%) and B (40, 10 yes: 25%), both in R1 (with C) and Acute
    # (with D). Moving one respondent from B to A keeps each trust's percentage, so A's yes move by
    # 1/3 and B's by -1/4: R1's respondents (99) stay, its yes move by 1/12, and R1's published
    # percentage would have to move by 100/12/99: the relation 100 yes = pct x respondents is off
    # by 100/12 = 8.33333. With R1's and Acute's percentages hidden (their respondents published,
    # their percentages follow) the move holds.
    trusts = {"A": ("R1", "Acute"), "B": ("R1", "Acute"), "C": ("R1", "Community"), "D": ("R2", "Acute")}
    truth = _survey_rows({"A": 9, "B": 40, "C": 50, "D": 60}, {"A": 3, "B": 10, "C": 20, "D": 15}, trusts)
    zone = Zone(trusts, {})
    move = [[5, "trust", "A", "all", "respondents_bme", 1], [5, "trust", "B", "all", "respondents_bme", -1]]
    certs = pd.DataFrame([dict(wres_year=YEAR, indicator=5, level="trust", area_code="A", breakdown="all",
                               measure="respondents_bme", threshold=11, certificate=json.dumps({"moves": [move]}))])
    b_hidden = {("B", "all", "respondents_bme"), ("B", "all", "pct_bme")}
    found = audited(release(truth, b_hidden), zone, truth, certs)
    # R1 has A, B and C: its 99 respondents' answers change, and R1 publishes both figures.
    assert found.loc[("A", "all", "respondents_bme"), "protection"] == (
        "certificate invalid: breaks the relation 'indicator 5 pct_bme x respondents (region R1)' (off by 8.33333)")
    assert found.loc[("A", "all", "pct_bme"), "is_unprotected"]  # the unit's other sensitive cell
    areas = {(a, "all", m) for a in ("R1", "Acute") for m in ("pct_bme",)}
    found = audited(release(truth, b_hidden | areas), zone, truth, certs)
    # Up to 11 the 9 takes t = 2: B's 40 - 2 = 38, its yes 10 - 0.5; down t = -9: B 49.
    assert not found["is_unprotected"].any()


# --- a disparity ratio kept published -----------------------------------------------------------

def disparity_zone() -> Zone:
    # Band 5 is the lower band group, Bands 6 and 7 the middle one (BAND_LEVELS). A's Band 6 BME is 3.
    return Zone({"A": ("R1", "Acute"), "B": ("R1", "Acute")}, {
        "A": {"G|Band 5": (40, 20, 10), "G|Band 6": (30, 3, 12), "G|Band 7": (25, 15, 9)},
        "B": {"G|Band 5": (50, 30, 14), "G|Band 6": (60, 35, 16), "G|Band 7": (45, 25, 11)},
    })


def with_disparity(truth: pd.DataFrame, zone: Zone) -> pd.DataFrame:
    """lower_to_middle = (W_mid / W_low) / (B_mid / B_low) per area, published everywhere."""
    rows = []
    for (level, area), bds in zone.counts().items():
        w_low, b_low = bds["G|Band 5"][:2]
        w_mid, b_mid = (bds["G|Band 6"][i] + bds["G|Band 7"][i] for i in range(2))
        rows.append(dict(truth.iloc[0].to_dict(), level=level, area_code=area, area_name=area, breakdown="G",
                         measure="disparity_lower_to_middle", value=(w_mid / w_low) / (b_mid / b_low),
                         suppression_reason=None, is_sensitive=False))
    return pd.concat([truth, pd.DataFrame(rows)], ignore_index=True)


def test_a_disparity_ratio_stays_published_when_the_move_swaps_two_bands_of_one_band_group():
    zone = disparity_zone()
    truth = with_disparity(zone.measures(), zone)
    # Band 6 against Band 7 (both middle): A's and B's middle BME and white sums do not change.
    # With v0 = 3, T = 8: cells moved with the target hold >= 3 (A's Band 7 unknown 9, B's Band 6
    # unknown 16, B's Band 7 BME 25), cells moved against it >= 5 (A's Band 6 unknown 12, Band 7
    # BME 15, B's Band 6 BME 35, Band 7 unknown 11).
    same_group = cube({"A": 1, "B": -1}, {"G|Band 6": 1, "G|Band 7": -1}, {"bme": 1, "unknown": -1})
    hide = counts_and_percentages({(c[2], c[3], c[4]) for c in same_group})
    published = release(truth, hide)
    found = audited(published, zone, truth, certificates({("A", "G|Band 6", "headcount_bme"): [same_group]}))
    assert not found["is_unprotected"].any() and not found["is_derivable"].any()
    assert found.loc[("A", "G", "disparity_lower_to_middle"), "derivation"] is None

    # Band 5 (lower) against Band 6 (middle): a valid null vector of the linear relations, but A's
    # and B's lower and middle BME sums move, so their published ratios would change.
    across = cube({"A": 1, "B": -1}, {"G|Band 6": 1, "G|Band 5": -1}, {"bme": 1, "unknown": -1})
    hide = counts_and_percentages({(c[2], c[3], c[4]) for c in across})
    published = release(truth, hide)
    found = audited(published, zone, truth, certificates({("A", "G|Band 6", "headcount_bme"): [across]}))
    assert found.loc[("A", "G|Band 6", "headcount_bme"), "protection"] == (
        "certificate invalid: changes the published 1:trust:A:G:disparity_lower_to_middle, "
        "1:trust:B:G:disparity_lower_to_middle")
    assert found.loc[("A", "G", "disparity_lower_to_middle"), "derivation"] == (
        "published disparity_lower_to_middle changes along the protection certificate of "
        "headcount_bme G|Band 6 (trust A)")


# --- each kind of invalid certificate ---------------------------------------------------------

def test_each_kind_of_invalid_certificate_is_rejected_with_its_reason():
    zone = disparity_zone()
    truth = zone.measures()
    move = cube({"A": 1, "B": -1}, {"G|Band 6": 1, "G|Band 7": -1}, {"bme": 1, "unknown": -1})
    hide = counts_and_percentages({(c[2], c[3], c[4]) for c in move})
    published = release(truth, hide)
    target = ("A", "G|Band 6", "headcount_bme")

    def reason(moves, published=published, previous=None, **steps):
        certs = certificates({target: []})
        certs["certificate"] = json.dumps({"moves": moves, **steps})
        return audited(published, zone, truth, certs, previous).loc[target, "protection"]

    assert reason([move]) is None
    # A cell the release publishes: B's Band 7 unknown (11).
    shown = release(truth, hide - {("B", "G|Band 7", "headcount_unknown")})
    assert reason([move], shown) == ("certificate invalid: moves 1:trust:B:G|Band 7:headcount_unknown, "
                                     "which is published")
    # A cell the previous release of the year published, unchanged since.
    previous = release(truth, hide - {("B", "G|Band 7", "headcount_unknown")})[KEY + ["value"]]
    assert reason([move], previous=previous) == ("certificate invalid: moves 1:trust:B:G|Band 7:headcount_unknown, "
                                                 "which the previous release of the year published")
    # B withheld (declaration<80%): its values may be given away by R1's totals.
    withheld = release(truth, hide, withheld=("B",))
    assert reason([move], withheld) == (
        "certificate invalid: rests on 1:trust:B:G|Band 6:headcount_bme, a withheld trust's value "
        "(declaration<80%), which area totals may give away")
    # A cell left out: B's Band 7 changes its BME (+1) but not its unknown, so total - white - BME
    # - unknown is off by -1.
    short = [c for c in move if c[2:5] != ["B", "G|Band 7", "headcount_unknown"]]
    assert reason([short]) == ("certificate invalid: breaks the relation "
                               "'white + BME + unknown = total (trust B, G|Band 7)' (off by -1)")
    # The same vector pointing the other way: the target must be moved by +1.
    flipped = [[*c[:5], -c[5]] for c in move]
    assert reason([flipped]) == "certificate invalid: the move shifts the target by -1, not +1"
    # A cell moved by half a person, and a cell that no move may shift.
    assert reason([[*move[:-1], [*move[-1][:5], 0.5]]]) == (
        "certificate invalid: moves 1:trust:B:G|Band 7:headcount_unknown by 0.5, not a non-zero whole number")
    assert reason([move + [[1, "trust", "A", "G|Band 6", "pct_bme", 1]]]) == (
        "certificate invalid: moves 1:trust:A:G|Band 6:pct_bme, which no move may shift (a headcount, a rate of "
        "indicator 3 or 4, or a survey group's respondents)")
    # Several moves without their steps.
    assert reason([move, move]) == "certificate invalid: several moves without a step down and up along each"
    # A linear program's vertex with halves: whole deltas twice the move's, taken half-way. A's Band 6
    # BME is 3: down, -1.5 steps of +2 take it to 0; up, 2.5 steps take it to 8. Every cell moved
    # against it (A's Band 6 unknown 12, Band 7 BME 15, B's Band 6 BME 35, Band 7 unknown 11) stays
    # at least 2.5 * 2 = 5 above 0; every cell moved with it at least 1.5 * 2 = 3.
    double = [[*c[:5], 2 * c[5]] for c in move]
    assert reason([double, double], down=[-1.5, 0], up=[0, 2.5]) is None
    # Steps that leave the target short of 8 (3 + 2 * 2 = 7), and one that overshoots 0 (3 - 2 * 2 < 0).
    assert reason([double, double], down=[-1.5, 0], up=[0, 2]) == \
        "certificate invalid: the target reaches 7, not 8, at the up end"
    assert reason([double, double], down=[-2, 0], up=[0, 2.5]) == \
        "certificate invalid: the target reaches -1, not 0, at the down end"
    # Text that is not a certificate.
    certs = certificates({target: []})
    certs["certificate"] = '{"moves": [[1, "trust"'
    found = audited(published, zone, truth, certs)
    assert found.loc[target, "protection"].startswith("certificate invalid: unreadable certificate (JSONDecodeError")


def test_cells_no_move_can_protect_are_reported_not_blocked():
    # Only A has BME staff in Band 6 (3): England's Band 6 BME is 3, below 8, and bounds A's.
    zone = Zone({"A": ("R1", "Acute"), "B": ("R1", "Acute")}, {
        "A": {"G|Band 5": (40, 20, 10), "G|Band 6": (30, 3, 12)},
        "B": {"G|Band 5": (50, 30, 14), "G|Band 6": (60, 0, 16)},
    })
    truth = zone.measures()
    found = audited(release(truth), zone, truth)
    a = found.loc[("A", "G|Band 6", "headcount_bme")]
    assert a["is_unprotectable"] and not a["is_unprotected"]
    assert a["protection"] == "England's own figure is 3, below 8: it bounds every part of it"

    # A withheld: its Band 6 BME 3 shares the relation white + BME + unknown = total with nothing
    # hidden but A's own withheld values.
    zone = disparity_zone()
    truth = zone.measures()
    withheld = release(truth, withheld=("A",))
    found = audited(withheld, zone, release(truth, withheld=("A",)).assign(value=truth["value"],
                                                                           is_sensitive=truth["is_sensitive"]))
    a = found.loc[("A", "G|Band 6", "headcount_bme")]
    assert a["is_unprotectable"] and not a["is_unprotected"]
    assert a["protection"].startswith("a withheld trust's value whose every partner")


def test_a_trust_type_made_of_one_withheld_trust_is_reported_not_blocked():
    # C, withheld, is the only community trust: Community's Band 6 BME 3 is C's (count 1-7). Any
    # move of it moves C's, through 'trusts of trust_type Community = trust_type total', a relation
    # holding no published value. England's Band 6 BME is 3 + 35 + 40 = 78: not the reason.
    zone = Zone({"A": ("R1", "Acute"), "B": ("R1", "Acute"), "C": ("R1", "Community")}, {
        "A": {"G|Band 5": (40, 20, 10), "G|Band 6": (30, 35, 12)},
        "B": {"G|Band 5": (50, 30, 14), "G|Band 6": (60, 40, 16)},
        "C": {"G|Band 5": (45, 25, 30), "G|Band 6": (35, 3, 40)},
    }, withheld=("C",))
    truth = zone.measures()
    found = audited(release(truth), zone, truth)
    community = found.loc[("Community", "G|Band 6", "headcount_bme")]
    assert community["is_unprotectable"] and not community["is_unprotected"]
    assert community["protection"] == ("shares the relation 'trusts of trust_type Community = trust_type total "
                                       "(headcount G|Band 6/bme)' with nothing but withheld values: no move may rest "
                                       "on them")
    assert found.loc[("C", "G|Band 6", "headcount_bme"), "is_unprotectable"]


def test_intervals_take_withheld_values_as_known_when_asked():
    # A is withheld (all its cells hidden); B hides a 2x2 of its own: Band 6 and 7, BME and unknown.
    zone = Zone({"A": ("R1", "Acute"), "B": ("R1", "Acute")}, {
        "A": {"G|Band 5": (40, 20, 10), "G|Band 6": (30, 35, 16), "G|Band 7": (25, 15, 11)},
        "B": {"G|Band 5": (50, 30, 14), "G|Band 6": (60, 3, 12), "G|Band 7": (45, 25, 9)},
    })
    truth = zone.measures()
    hide = counts_and_percentages({("B", bd, f"headcount_{p}") for bd in ("G|Band 6", "G|Band 7")
                                   for p in ("bme", "unknown")})
    published = release(truth, hide, withheld=("A",))
    cell = ("B", "G|Band 6", "headcount_bme")
    # With x B's Band 6 BME: B's Band 6 unknown is 15 - x (total 75, white 60), its Band 7 BME
    # 28 - x (staff group BME 58, Band 5 30), Band 7 unknown 6 + x (staff group unknown 35, Band 5
    # 14). A's hidden cells are R1's minus B's; A's Band 7 unknown 20 - (6 + x) >= 0 binds first
    # above: [0, 14].
    assert interval(published, zone, truth, cell) == (0.0, 14.0)
    # A's values known (R1's totals may give a withheld trust's away): B's Band 7 unknown is R1's 20
    # minus A's 11 = 9 = 6 + x, so x = 3 exactly.
    assert interval(published, zone, truth, cell, withheld_known=True) == (3.0, 3.0)


# --- information loss ---------------------------------------------------------------------------

def test_information_loss_counts_hidden_cells_by_reason_tier_and_level_and_the_headline_share():
    from wres.disclosure.loss import information_loss

    rows = [  # indicator, level, area, breakdown, measure, reason: tier by hand
        (1, "trust", "A", "all", "headcount_bme", "secondary"),          # 1: indicator 1's all-staff row
        (1, "trust", "A", "G|Band 5", "headcount_bme", "count 1-7"),     # 3: a trust's detail
        (1, "region", "R1", "G|Band 5", "headcount_unknown", "secondary"),  # 2: a region's detail
        (3, "trust", "A", "all", "relative_likelihood", "declaration<80%"),  # 1
        (3, "trust", "A", "all", "rate_bme", "secondary"),               # 3
        (5, "icb", "Q1", "all", "pct_bme", None),                        # 1, published
        (9, "england", "ENG", "all", "gap_pp", None),                    # 1, published
        (1, "trust", "B", "G", "disparity_lower_to_middle", None),       # 1, published
        (1, "region", "R1", "G|Band 6", "headcount_white", None),        # 2, published
    ]
    release = pd.DataFrame(rows, columns=["indicator", "level", "area_code", "breakdown", "measure",
                                          "suppression_reason"])
    loss = information_loss(release)
    assert loss["hidden"] == [
        {"reason": "count 1-7", "tier": 3, "level": "trust", "cells": 1},
        {"reason": "declaration<80%", "tier": 1, "level": "trust", "cells": 1},
        {"reason": "secondary", "tier": 1, "level": "trust", "cells": 1},
        {"reason": "secondary", "tier": 2, "level": "region", "cells": 1},
        {"reason": "secondary", "tier": 3, "level": "trust", "cells": 1},
    ]
    # Five headline figures: three published, one withheld (primary), one secondary: 3/5, and 3/4 of
    # those a primary reason does not hide.
    assert loss["tier1"]["all"] == {"cells": 5, "published": 3, "hidden_primary": 1, "hidden_secondary": 1,
                                    "share_published": 0.6, "share_published_of_not_primary": 0.75}
    assert list(loss["tier1"]["by_level"]) == ["england", "icb", "trust"]
    assert loss["tier1"]["by_level"]["trust"] == {"cells": 3, "published": 1, "hidden_primary": 1,
                                                  "hidden_secondary": 1, "share_published": 0.3333,
                                                  "share_published_of_not_primary": 0.5}


# --- event counts behind the rates of indicators 3 and 4 -----------------------------------------

def test_a_rate_certificate_moves_event_counts_and_no_published_relative_likelihood():
    from tests.test_disclosure import _rolling_rows

    # A's BME rate 3.0 of 100 staff is 3 cases (count 1-7); B's 4.0 of 200 is 8. R1, Acute and
    # England (A + B) publish 11 cases of 300. Moving a case from B to A keeps them: A's 3 reaches
    # 0 and 8 while B's 8 goes from 11 to 3.
    trusts = pd.DataFrame([dict(wres_year=YEAR, org_code=t, region_code="R1", trust_type="Acute") for t in "AB"])
    truth = _rolling_rows(YEAR, {"A": (2.0, 3.0, 1.5), "B": (1.0, 4.0, 4.0), "R1": (4 / 3, 11 / 3, 2.75),
                                 "Acute": (4 / 3, 11 / 3, 2.75), "ENG": (4 / 3, 11 / 3, 2.75)}, sensitive_bme=("A",))
    move = [[3, "trust", "A", "all", "rate_bme", 1], [3, "trust", "B", "all", "rate_bme", -1]]
    certs = pd.DataFrame([dict(wres_year=YEAR, indicator=3, level="trust", area_code="A", breakdown="all",
                               measure="rate_bme", threshold=T, certificate=json.dumps({"moves": [move]}))])
    ratios = {(t, "all", m) for t in "AB" for m in ("relative_likelihood", "relative_likelihood_as_published")}
    hide = {("B", "all", "rate_bme")} | ratios
    found = audit(release(truth, hide), trusts, truth, None, certs).set_index(["area_code", "measure"])
    assert not found["is_unprotected"].any() and not found["is_derivable"].any()
    # B's relative likelihood left published: its BME cases move, so it would change.
    found = audit(release(truth, hide - {("B", "all", "relative_likelihood")}), trusts, truth, None, certs)
    found = found.set_index(["area_code", "measure"])
    assert found.loc[("A", "rate_bme"), "protection"] == (
        "certificate invalid: changes the published 3:trust:B:all:relative_likelihood")
    assert found.loc[("B", "relative_likelihood"), "is_derivable"]
    # B with 4 cases (a rate of 2.0) cannot partner a 3: down to 8 - 3 = 5 it would need 5.
    small = truth.copy()
    small.loc[(small["area_code"] == "B") & (small["measure"] == "rate_bme"), "value"] = 2.0
    found = audit(release(small, hide), trusts, small, None, certs).set_index(["area_code", "measure"])
    assert found.loc[("A", "rate_bme"), "protection"] == (
        "certificate invalid: along it the cell reaches only [0, 7], short of [0, 8]: "
        "3:trust:B:all:rate_bme (true value 4) bounds it above")


def test_a_rate_hidden_for_its_small_base_needs_no_certificate_of_its_own():
    from tests.test_disclosure import _rolling_rows

    # A's BME rate 0.0 of 5 staff: no cases (0 is not disclosive), a base of 5 (count 1-7). The rate
    # is sensitive through its base, the headcount, which is a sensitive cell of its own; its event
    # count needs no move. B's rate 2.0 of 100 is 2 cases, a small count of its own.
    trusts = pd.DataFrame([dict(wres_year=YEAR, org_code=t, region_code="R1", trust_type="Acute") for t in "AB"])
    heads = {"A": (500, 5), "B": (1000, 100), "R1": (1500, 105), "Acute": (1500, 105), "ENG": (1500, 105)}
    truth = _rolling_rows(YEAR, {"A": (2.0, 0.0, 0.0), "B": (1.0, 2.0, 2.0), "R1": (4 / 3, 40 / 21, 1.4),
                                 "Acute": (4 / 3, 40 / 21, 1.4), "ENG": (4 / 3, 40 / 21, 1.4)},
                          sensitive_bme=("A", "B"), headcounts=heads)
    found = audit(release(truth), trusts, truth).set_index(["area_code", "measure"])
    assert not found.loc[("A", "rate_bme"), "is_unprotected"] and pd.isna(found.loc[("A", "rate_bme"), "protection"])
    # B's 2 cases are checked: England's 0 + 2 = 2 cases bound them, so they are reported.
    assert found.loc[("B", "rate_bme"), "protection"] == "England's own figure is 2, below 8: it bounds every part of it"


# --- the gate's suite --------------------------------------------------------------------------

def test_the_published_tables_suite_blocks_an_invalid_certificate_and_names_the_cell_and_why():
    from wres.quality.gate import shared_validator
    from wres.quality.tables import with_audit

    truth = SMALL_PARTNER.measures()
    hide = counts_and_percentages({(t, bd, f"headcount_{p}") for t in "AB" for bd in ONE_BAND
                                   for p in ("bme", "unknown")})
    frame = release(truth, hide)
    move = cube({"A": 1, "B": -1}, {bd: 1 for bd in ONE_BAND}, {"bme": 1, "unknown": -1})
    certs = certificates({("A", bd, "headcount_bme"): [move] for bd in ONE_BAND})
    found = audit(frame, SMALL_PARTNER.release_trusts(), truth, None, certs)
    frame["row_id"] = (frame["indicator"].astype(str) + ":" + frame["level"] + ":" + frame["area_code"] + ":"
                       + frame["breakdown"] + ":" + frame["measure"])
    frame = frame.assign(is_small_published_count=False, is_small_count_by_methodology=False,
                         is_published_below_declaration_minimum=False, survey_respondents=0,
                         is_published_survey_figure=False)
    frame = with_audit(frame, found)
    results = shared_validator().validate("published_tables", frame, "cell",
                                          {"survey_min_respondents": 11, "methodology_survey_min_respondents": 11})
    by_column = {r.column: r for r in results}
    unprotected = by_column["is_unprotected"]
    assert not unprotected.success and unprotected.severity == "error" and unprotected.failing_count == 3
    assert ("1:trust:A:G|Band 5:headcount_bme | certificate invalid: along it the cell reaches only [0, 3], short "
            "of [0, 8]: 1:trust:A:G|Band 5:headcount_unknown (true value 2) bounds it above") in unprotected.failing_rows
    assert by_column["is_unprotectable"].success and by_column["is_derivable"].success
