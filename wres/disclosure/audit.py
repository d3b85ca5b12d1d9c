"""The gate's disclosure audit: no sensitive cell of a release is determined by what is public.

Built from the release as written (its Parquet files), independently of the suppression code.
It writes down, as linear equations over the hidden values, everything the release publishes:
- indicator 1 headcounts: white + BME + unknown = total; the bands of a staff group = the
  staff group; the staff groups = all staff; the trusts of a region, ICB or trust type = the area;
  every trust = England; the regions, the ICBs, the trust types = England;
- each published percentage: `100 part = pct total` (indicator 1, the declaration rate and
  indicator 9's workforce share, which the board share minus the gap also gives);
- indicators 2-4: the latent event counts (and indicator 2's shortlisted) add up over areas
  like headcounts, and a published rate ties the events to their base: `100 events = rate base`;
- survey indicators 5-8, per group: respondents add up over areas (England included), answer
  counts add up over regions, ICBs and trust types (they pool respondents), England's
  percentage is the headcount-weighted mean of its trusts' percentages, and a published
  percentage or respondent count ties answers to respondents (`100 answers = pct respondents`).
Cells the previous release of the year published count as published when their value and
inputs are unchanged (no trust they are built from has a previously published value that
changed). A sensitive cell (`is_sensitive` in the confidential mart: a count of 1-7, a
survey group under 11 respondents, a withheld value built from one) fails the audit when the
system determines it (wres.disclosure.linalg); so does a published ratio the equations cannot
represent (relative likelihoods and their intervals, the rolling rate, disparity ratios) when a
protection certificate's move changes it or a sensitive input is hidden with no valid certificate.

Beyond exact determination, every sensitive cell must be *protected*: its feasibility interval
reaches 0 and the threshold. The proof is the cell's protection certificate, checked against the
same System (wres.disclosure.certificates); wres.disclosure.intervals measures the intervals
themselves by linear programming, for tests and small landing zones.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import numpy as np
import pandas as pd

from wres import vocabulary
from wres.disclosure.certificates import (UNCERTIFIED, UNPROTECTABLE, UNPROTECTED, Checker, ProtectionThresholds,
                                          Verdict, check_certificates)
from wres.disclosure.linalg import determined_unknowns

DEFAULT_THRESHOLDS = ProtectionThresholds()  # 8 for counts, 11 for respondents

KEY = ["wres_year", "indicator", "level", "area_code", "breakdown", "measure"]
PARTS = vocabulary.HEADCOUNT_PARTS
GROUPS = ("white", "bme")
AREA_LEVELS = ("region", "trust_type")
SURVEY = (5, 6, 7, 8)
NONLINEAR = ("relative_likelihood", "ci_lower", "ci_upper", "relative_likelihood_as_published")


class System:
    """Unknowns named by tuples, relations as {unknown: coefficient} with a label each."""

    def __init__(self):
        self.ids: dict[tuple, int] = {}
        self.names: list[tuple] = []
        self.relations: list[dict[int, Fraction]] = []
        self.labels: list[str] = []
        self.from_below_england: list[bool] = []  # the relation holds because a value below England is published

    def var(self, name: tuple) -> int:
        if name not in self.ids:
            self.ids[name] = len(self.names)
            self.names.append(name)
        return self.ids[name]

    def add(self, terms: list[tuple[tuple, Fraction | int]], label: str, level: str = "england") -> None:
        relation: dict[int, Fraction | int] = defaultdict(int)
        for name, coefficient in terms:
            relation[self.var(name)] += coefficient
        relation = {v: c for v, c in relation.items() if c != 0}
        if len(relation) >= 1:
            self.relations.append(relation)
            self.labels.append(label)
            self.from_below_england.append(level != "england")


def _sum_relations(system: System, kind: tuple, cells: set[tuple], members: dict[str, dict[str, list[str]]],
                   coordinates: list[tuple], describe: str, with_england: bool = True) -> None:
    """area = sum of its trusts, for each level and coordinate; England = sum of trusts, regions, types."""
    for coordinate in coordinates:
        def present(level, area, coordinate=coordinate):
            return (level, area, *coordinate) in cells
        for level, areas in members.items():
            for area, trusts in areas.items():
                if present(level, area):
                    system.add([((*kind, level, area, *coordinate), 1)]
                               + [((*kind, "trust", t, *coordinate), -1) for t in trusts if present("trust", t)],
                               f"trusts of {level} {area} = {level} total ({describe} {'/'.join(map(str, coordinate))})")
        if with_england and present("england", "ENG"):
            everything = [t for areas in members.values() for trusts in areas.values() for t in trusts]
            trusts = sorted(set(everything))
            system.add([((*kind, "england", "ENG", *coordinate), 1)]
                       + [((*kind, "trust", t, *coordinate), -1) for t in trusts if present("trust", t)],
                       f"trusts = England ({describe} {'/'.join(map(str, coordinate))})")
            for level, areas in members.items():
                system.add([((*kind, "england", "ENG", *coordinate), 1)]
                           + [((*kind, level, a, *coordinate), -1) for a in areas if present(level, a)],
                           f"{level}s = England ({describe} {'/'.join(map(str, coordinate))})")


def _keys(frame: pd.DataFrame) -> list[tuple]:
    return list(zip(*(frame[c].tolist() for c in KEY[1:])))


def _values(frame: pd.DataFrame) -> dict[tuple, float | None]:
    return dict(zip(_keys(frame), frame["value"].astype(float).tolist()))


def build_system(published: pd.DataFrame, trusts: pd.DataFrame, truth: pd.DataFrame) -> tuple[System, dict]:
    """The release's relations, and for each release row the unknowns that stand for it."""
    system = System()
    value = _values(published)
    true_value = _values(truth)

    def shown(key):
        v = value.get(key)
        return v is not None and not pd.isna(v)

    members = {level: {a: sorted(g["org_code"]) for a, g in trusts.groupby(column, sort=True)}
               for level, column in (("region", "region_code"), ("icb", "icb_code"), ("trust_type", "trust_type"))
               if column in trusts}
    stands_for: dict[tuple, list[tuple]] = defaultdict(list)

    # Indicator 1 headcounts.
    one = published[(published["indicator"] == 1) & published["measure"].str.startswith("headcount_")]
    cells = {(lv, ac, bd, m.removeprefix("headcount_")) for _, lv, ac, bd, m in _keys(one)}
    for lv, ac, bd, part in sorted(cells):
        stands_for[(1, lv, ac, bd, f"headcount_{part}")].append(("hc", lv, ac, bd, part))
    areas = sorted({(lv, ac) for lv, ac, _, _ in cells})
    breakdowns = sorted({bd for _, _, bd, _ in cells})
    hc = ("hc",)
    for lv, ac in areas:
        for bd in breakdowns:
            if all((lv, ac, bd, p) in cells for p in PARTS):
                system.add([(("hc", lv, ac, bd, "total"), 1)] + [(("hc", lv, ac, bd, p), -1) for p in PARTS[:3]],
                           f"white + BME + unknown = total ({lv} {ac}, {bd})")
        for part in PARTS:
            groups = sorted({bd.split("|")[0] for bd in breakdowns if bd.endswith("|all")})
            for g in groups:
                bands = [bd for bd in breakdowns if bd.startswith(f"{g}|") and bd != f"{g}|all"]
                if (lv, ac, f"{g}|all", part) in cells:
                    system.add([(("hc", lv, ac, f"{g}|all", part), 1)]
                               + [(("hc", lv, ac, b, part), -1) for b in bands if (lv, ac, b, part) in cells],
                               f"bands of {g} = {g} ({lv} {ac}, {part})")
            # (A release without staff groups carries no such relation, not "all staff = 0".)
            if groups and (lv, ac, "all", part) in cells:
                system.add([(("hc", lv, ac, "all", part), 1)]
                           + [(("hc", lv, ac, f"{g}|all", part), -1) for g in groups
                              if (lv, ac, f"{g}|all", part) in cells],
                           f"staff groups = all staff ({lv} {ac}, {part})")
    _sum_relations(system, hc, cells, members, [(bd, p) for bd in breakdowns for p in PARTS], "headcount")
    for (ind, lv, ac, bd, m), v in value.items():
        if pd.isna(v):
            continue
        if ind == 1 and m in ("pct_white", "pct_bme", "pct_unknown"):
            system.add([(("hc", lv, ac, bd, m.removeprefix("pct_")), 100), (("hc", lv, ac, bd, "total"), -Fraction(v))],
                       f"{m} x total ({lv} {ac}, {bd})", lv)
        elif ind == 1 and m == "declaration_rate":
            system.add([(("hc", lv, ac, "all", "unknown"), 100), (("hc", lv, ac, "all", "total"), -(100 - Fraction(v)))],
                       f"declaration rate x total ({lv} {ac})", lv)
        elif ind == 9 and m in ("pct_bme_workforce", "gap_pp") and bd == "all":
            share = Fraction(v) if m == "pct_bme_workforce" else None
            if m == "gap_pp" and shown((9, lv, ac, bd, "pct_bme_board")):
                share = Fraction(value[(9, lv, ac, bd, "pct_bme_board")]) - Fraction(v)
            if share is not None:
                system.add([(("hc", lv, ac, "all", "bme"), 100), (("hc", lv, ac, "all", "total"), -share)],
                           f"indicator 9 workforce share ({lv} {ac})", lv)

    # Indicators 2-4: latent event counts tied to their base by the published rates.
    for ind in (2, 3, 4):
        rates = published[(published["indicator"] == ind) & published["measure"].isin(["rate_white", "rate_bme"])]
        if rates.empty:
            continue
        keyed = {(lv, ac, m.removeprefix("rate_")) for _, lv, ac, _, m in _keys(rates)}
        for lv, ac, g in sorted(keyed):
            stands_for[(ind, lv, ac, "all", f"rate_{g}")].append(("ev", ind, lv, ac, g))
        kinds = [("ev", ind)] + ([("base", ind)] if ind == 2 else [])
        for kind in kinds:
            _sum_relations(system, kind, keyed, members, [(g,) for g in GROUPS], f"indicator {ind} {kind[0]}")
        for lv, ac, g in sorted(keyed):
            r = value.get((ind, lv, ac, "all", f"rate_{g}"))
            if r is None or pd.isna(r):
                continue
            base = ("base", ind, lv, ac, g) if ind == 2 else ("hc", lv, ac, "all", g)
            system.add([(("ev", ind, lv, ac, g), 100), (base, -Fraction(r))], f"indicator {ind} rate_{g} ({lv} {ac})", lv)

    # Survey indicators: respondents, answers, and trust percentages in England's weighted mean.
    for ind in SURVEY:
        rows = published[published["indicator"] == ind]
        if rows.empty:
            continue
        keyed = {(lv, ac, g) for _, lv, ac, _, _ in _keys(rows) for g in GROUPS}
        legacy = ind == 7
        for lv, ac, g in sorted(keyed):
            stands_for[(ind, lv, ac, "all", f"respondents_{g}")].append(("n", ind, lv, ac, g))
            stands_for[(ind, lv, ac, "all", f"pct_{g}")] += [("y", ind, lv, ac, g), ("p", ind, lv, ac, g)]
            if legacy:
                stands_for[(ind, lv, ac, "all", f"pct_{g}_legacy")] += [("nl", ind, lv, ac, g), ("q", ind, lv, ac, g)]
        coordinates = [(g,) for g in GROUPS]
        _sum_relations(system, ("n", ind), keyed, members, coordinates, f"indicator {ind} respondents")
        _sum_relations(system, ("y", ind), keyed, members, coordinates, f"indicator {ind} answers", with_england=False)
        if legacy:
            _sum_relations(system, ("nl", ind), keyed, members, coordinates, f"indicator {ind} legacy respondents",
                           with_england=False)
        for lv, ac, g in sorted(keyed):
            n_key, p_key = (ind, lv, ac, "all", f"respondents_{g}"), (ind, lv, ac, "all", f"pct_{g}")
            if lv != "england":
                if shown(n_key):
                    system.add([(("y", ind, lv, ac, g), 100), (("p", ind, lv, ac, g), -Fraction(value[n_key]))],
                               f"indicator {ind} pct_{g} x respondents ({lv} {ac})", lv)
                elif shown(p_key):
                    system.add([(("y", ind, lv, ac, g), 100), (("n", ind, lv, ac, g), -Fraction(value[p_key]))],
                               f"indicator {ind} pct_{g} x respondents ({lv} {ac})", lv)
                q_key = (ind, lv, ac, "all", f"pct_{g}_legacy")
                if legacy and shown(q_key):
                    system.add([(("y", ind, lv, ac, g), 100), (("nl", ind, lv, ac, g), -Fraction(value[q_key]))],
                               f"indicator {ind} pct_{g}_legacy x legacy respondents ({lv} {ac})", lv)
        for g in GROUPS:
            for kind, measure in (("p", f"pct_{g}"),) + ((("q", f"pct_{g}_legacy"),) if legacy else ()):
                terms = []
                for t in sorted({t for areas in members.values() for ts in areas.values() for t in ts}):
                    weight = true_value.get((1, "trust", t, "all", f"headcount_{g}"))
                    respondents = true_value.get((ind, "trust", t, "all", f"respondents_{g}"))
                    if weight and respondents and not pd.isna(weight) and not pd.isna(respondents):
                        terms.append(((kind, ind, "trust", t, g), Fraction(weight)))
                if terms:
                    total = sum(c for _, c in terms)
                    system.add(terms + [((kind, ind, "england", "ENG", g), -total)],
                               f"England indicator {ind} {measure}: headcount-weighted mean of trusts")
    return system, stands_for


def known_cells(published: pd.DataFrame, trusts: pd.DataFrame, truth: pd.DataFrame,
                previous: pd.DataFrame | None) -> set[tuple]:
    """Release row keys whose value a reader has: published now, or published by the previous
    release with the same value and unchanged inputs (no trust it is built from has a value that
    the previous release published and that differs now)."""
    known = set(_keys(published[published["value"].notna()]))
    if previous is None or previous.empty:
        return known
    before = previous[previous["value"].notna()].merge(truth[KEY + ["value"]], on=KEY, suffixes=("_before", ""))
    differs = before[(before["value_before"] != before["value"]) | before["value"].isna()]
    revised = set(differs.loc[differs["level"] == "trust", "area_code"])
    changed = {("trust", t) for t in revised} | ({("england", "ENG")} if revised else set())
    for level, column in (("region", "region_code"), ("icb", "icb_code"), ("trust_type", "trust_type")):
        if column in trusts:
            changed |= {(level, a) for a in trusts.loc[trusts["org_code"].isin(revised), column].dropna()}
    same = before[before["value_before"] == before["value"]]
    keep = [(lv, ac) not in changed for lv, ac in zip(same["level"].tolist(), same["area_code"].tolist())]
    return known | set(_keys(same[keep]))


KNOWN_KINDS = ("hc", "n", "p", "q")  # the unknowns a published cell gives a reader outright


def reader_system(published: pd.DataFrame, trusts: pd.DataFrame, truth: pd.DataFrame,
                  previous: pd.DataFrame | None) -> tuple[set[tuple], pd.DataFrame, System, dict, set[int]]:
    """What a reader has: the release keys known (published now, or unchanged from the previous
    release of the year), the release with those values filled in, its System, the unknowns each
    release key stands for, and the unknowns a known cell gives outright."""
    known_rows = known_cells(published, trusts, truth, previous)
    # What the previous release published (unchanged) is public: its relations hold as well.
    true_value = _values(truth)
    effective = published.copy()
    effective["value"] = [v if not pd.isna(v) else (true_value.get(k) if k in known_rows else None)
                          for k, v in zip(_keys(published), published["value"].astype(float).tolist())]
    system, stands_for = build_system(effective, trusts, truth)
    known = set()
    for key in sorted(known_rows):
        for name in stands_for.get(key, []):
            if name[0] in KNOWN_KINDS:
                known.add(system.var(name))
    return known_rows, effective, system, stands_for, known


def _nonlinear_leaks(published: pd.DataFrame, changed_by: dict[tuple, list[tuple]],
                     verdicts: dict[tuple, Verdict], sensitive: set[tuple]) -> dict[tuple, str]:
    """Published ratios that the equations cannot represent and that give a hidden input away: a
    certificate's move changes them (the move is then no proof), or an input is a sensitive cell
    that no valid certificate protects (indicator 2's rates, say; one that no move can protect is
    reported as such). A ratio may stay published while
    an input is hidden when no move changes it (a disparity ratio over two bands of one band group)."""
    leaks = {}
    value = _values(published)
    hidden = {k for k, v in value.items() if pd.isna(v)}
    # Indicator 1's white and BME band counts by (level, area, staff group), in the order of `value`.
    band_counts: dict[tuple, list[tuple]] = {}
    for k in value:
        if k[0] == 1 and k[4] in ("headcount_white", "headcount_bme") and "|" in k[3] and not k[3].endswith("|all"):
            band_counts.setdefault((k[1], k[2], k[3].split("|", 1)[0]), []).append(k)
    for key, v in value.items():
        ind, lv, ac, bd, m = key
        if pd.isna(v):
            continue
        if key in changed_by:
            moved = ", ".join(f"{k[4]} {k[3]} ({k[1]} {k[2]})" for k in changed_by[key][:3])
            leaks[key] = f"published {m} changes along the protection certificate of {moved}"
            continue
        if ind in (2, 3, 4) and m in NONLINEAR:
            inputs = [(ind, lv, ac, bd, "rate_white"), (ind, lv, ac, bd, "rate_bme")]
        elif ind == 1 and m.startswith("disparity_"):
            inputs = band_counts.get((lv, ac, bd), [])
        else:
            continue
        # An input no move can protect (England's own figure bounds it) is reported on its own.
        missing = [k for k in inputs if k in hidden and k in sensitive
                   and (k not in verdicts or verdicts[k].status == UNPROTECTED)]
        if missing:
            names = ", ".join(k[4] + " " + k[3] for k in missing)
            leaks[key] = f"published {m} is computed from hidden sensitive {names} that no valid certificate protects"
    return leaks


def audit(published: pd.DataFrame, trusts: pd.DataFrame, truth: pd.DataFrame,
          previous: pd.DataFrame | None = None, certificates: pd.DataFrame | None = None,
          thresholds: ProtectionThresholds = DEFAULT_THRESHOLDS,
          band_levels: dict[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """One row per release row: `is_derivable` and, when it is, `derivation` (the relations used);
    `is_unprotected` (blocking), `is_unprotectable` (a warning) and `protection` (why), from each
    sensitive cell's protection certificate checked against the same relations
    (wres.disclosure.certificates).

    England figures are never suppressed (docs/METHODOLOGY.md): what they determine on their own, with
    nothing below England published (a trust that alone has staff in a band, whose figures are
    England's), no suppression can protect. Such cells are reported apart, in
    `is_derivable_from_england`, as the cost of that rule rather than a suppression failure.

    `published` is the release's indicator table (value null where hidden); `trusts` its trust
    table (org_code, region_code, trust_type); `truth` the confidential mart rows of the year
    (value, is_sensitive); `previous` the previous release of the year, if any; `certificates` the
    confidential mart wres_protection_certificates of the year (KEY and `certificate`; None: none);
    `band_levels` (staff group, pay band) -> lower/middle/upper (default: the pay_bands seed).
    """
    known_rows, effective, system, stands_for, known = reader_system(published, trusts, truth, previous)
    sensitive_rows = set(_keys(truth[truth["is_sensitive"].fillna(False).astype(bool)]))
    targets: dict[int, tuple] = {}
    for key in sorted(sensitive_rows):
        for name in stands_for.get(key, []):
            if name in system.ids:
                targets[system.ids[name]] = key
    found = determined_unknowns(system.relations, known, set(targets))
    from_england: set[tuple] = set()
    if found:
        # What England's figures alone determine, with nothing below England published, no
        # suppression can protect: a trust that is the only one with staff in a band, say.
        england = {v for key in known_rows if key[1] == "england" for name in stands_for.get(key, [])
                   if (v := system.ids.get(name)) is not None and v in known}
        structure = [r for r, below in zip(system.relations, system.from_below_england) if not below]
        alone = determined_unknowns(structure, england, set(found))
        from_england = {targets[v] for v in alone}
    derivable: dict[tuple, str] = {}
    for v, how in sorted(found.items()):
        key = targets[v]
        steps = [system.labels[i] for i in how.relations]
        shown_steps = steps if len(steps) <= 6 else steps[:3] + [f"... {len(steps) - 5} more ..."] + steps[-2:]
        text = ("solved jointly from: " if how.jointly else "by: ") + "; then ".join(shown_steps)
        derivable.setdefault(key, f"{'/'.join(system.names[v][:1])} {text}")
    checker = Checker(system, stands_for, known_rows, known, published, effective, truth, trusts, thresholds,
                      band_levels if band_levels is not None else vocabulary.band_levels())
    verdicts, changed_by = check_certificates(checker, sorted(sensitive_rows), certificates)
    for key, text in _nonlinear_leaks(published, changed_by, verdicts, sensitive_rows).items():
        derivable.setdefault(key, text)
        from_england.discard(key)
    # A sensitive value shown outright is the plainest leak of all.
    for key in sensitive_rows & known_rows:
        derivable[key] = "the value is published"
        from_england.discard(key)
    frame = published[KEY].copy()
    keys = _keys(frame)
    frame["is_derivable"] = np.array([k in derivable and k not in from_england for k in keys], dtype=bool)
    frame["is_derivable_from_england"] = np.array([k in from_england for k in keys], dtype=bool)
    frame["derivation"] = [derivable.get(k) for k in keys]
    status = [verdicts[k].status if k in verdicts else None for k in keys]
    frame["is_unprotected"] = np.array([s == UNPROTECTED for s in status], dtype=bool)
    frame["is_unprotectable"] = np.array([s == UNPROTECTABLE for s in status], dtype=bool)
    frame["is_uncertified"] = np.array([s == UNCERTIFIED for s in status], dtype=bool)
    frame["protection"] = [verdicts[k].reason if k in verdicts else None for k in keys]
    return frame
