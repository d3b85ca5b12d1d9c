"""The gate's proof of protection: each sensitive cell's certificate checked against the audit's
own relations (docs/METHODOLOGY.md, "Disclosure control": the feasibility-interval standard).

A certificate (confidential mart `wres_protection_certificates`, written by secondary
suppression) is a list of *moves*: release cells with a delta each, a non-zero whole number (+1
or -1 in a cube move; a linear program's end, wres.disclosure.programs, moves a cell by up to T).
What a delta shifts is one of the audit's unknowns (wres.disclosure.audit.build_system):
- `headcount_<part>` of indicator 1: that headcount ("hc");
- `rate_white|rate_bme` of indicators 3 and 4: the latent event count behind the rate ("ev"),
  its base headcount fixed;
- `respondents_white|bme` of indicators 5-8: the respondent count ("n"); each trust's
  percentage stays fixed, so its answers move by `p * d / 100` ("y", and indicator 7's legacy
  respondents "nl" by `100 dy / q`), and an area's answers by the sum of its moved trusts'.

The claim: along the move, with the target's true value v0 (in the move's unit) and the
threshold T, every moved quantity stays non-negative for t in [-v0, T - v0], so a reader cannot
rule out that the target is 0 or T. Checked here, independently of the suppression code:
1. every moved cell is hidden in the release as written and not known from the previous release
   of the year, and none but the target belongs to a withheld trust (`declaration<80%`: the
   protection must not rest on values area totals may give away);
2. every linear relation of the audit's system holds for the deltas, exactly (Fractions);
3. every moved quantity stays non-negative at both ends, with the true values;
4. no published figure the relations cannot represent changes: a race disparity ratio (the
   white and BME sums of the two band groups it compares), a relative likelihood, its interval
   or the rate as published (the events and bases of both rates), indicator 9's workforce share
   and gap (the all-staff BME and total headcounts).
A certificate with several moves (a total that goes down with each of its parts; a linear
program's two ends, with steps (1/k, 0) and (0, 1/k), k = 1, 2, 4 or 8) carries the steps along each move, `down` and
`up`: the target must reach 0 at the one and T at the other with nothing negative at either (the feasible set is convex, so the whole segment is feasible).

Sensitive cells that cannot be protected are reported (a warning), not blocked: England's own
figure for the same coordinate is below T (England is published in full, so it bounds its
parts); a withheld trust's cell that shares a relation with nothing hidden but that trust's own
withheld values; a cell that shares a relation holding no published value with nothing but
withheld values (a trust type whose only trust is withheld). Any move of these would rest on
withheld values or break England's.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from wres.vocabulary import DISPARITY_RATIOS

SURVEY = (5, 6, 7, 8)
EVENT_INDICATORS = (3, 4)
RATIOS = ("relative_likelihood", "ci_lower", "ci_upper", "relative_likelihood_as_published")
DISPARITY = DISPARITY_RATIOS
WITHHELD = "declaration<80%"
PROTECTED, UNPROTECTED, UNPROTECTABLE, UNCERTIFIED = "protected", "unprotected", "unprotectable", "uncertified"


@dataclass(frozen=True)
class ProtectionThresholds:
    """The value a sensitive cell's interval must reach above: counts, survey respondents."""

    count: int = 8
    respondents: int = 11

    def of(self, unit: tuple) -> int:
        return self.respondents if unit[0] == "n" else self.count


@dataclass(frozen=True)
class Verdict:
    status: str              # protected, unprotected (blocks the release) or unprotectable (a warning)
    reason: str | None = None


class Invalid(Exception):
    """A certificate that does not prove what it claims; the message says which check failed."""


def unit_of(key: tuple) -> tuple | None:
    """The audit unknown whose protection a sensitive release cell (indicator, level, area, breakdown,
    measure) rests on: its headcount, event count or respondent count. None for a figure derived
    from counts (a percentage or ratio of indicator 1, indicator 2's rates, indicator 9), which is
    protected through the counts it is computed from."""
    ind, lv, ac, bd, m = key
    if ind == 1 and m.startswith("headcount_"):
        return ("hc", lv, ac, bd, m.removeprefix("headcount_"))
    if ind in EVENT_INDICATORS and m in ("rate_white", "rate_bme"):
        return ("ev", ind, lv, ac, m.removeprefix("rate_"))
    if ind in SURVEY:
        for prefix in ("respondents_", "pct_"):
            if m.startswith(prefix):
                group = m.removeprefix(prefix).removesuffix("_legacy")
                if group in ("white", "bme"):
                    return ("n", ind, lv, ac, group)
    return None


def moved_unknown(cell: tuple) -> tuple:
    """The unknown a certificate's cell (indicator, level, area, breakdown, measure) shifts."""
    ind, lv, ac, bd, m = cell
    if ind == 1 and m.startswith("headcount_"):
        return ("hc", lv, ac, bd, m.removeprefix("headcount_"))
    if ind in EVENT_INDICATORS and m in ("rate_white", "rate_bme"):
        return ("ev", ind, lv, ac, m.removeprefix("rate_"))
    if ind in SURVEY and m in ("respondents_white", "respondents_bme"):
        return ("n", ind, lv, ac, m.removeprefix("respondents_"))
    raise Invalid(f"moves {_name(cell)}, which no move may shift (a headcount, a rate of indicator 3 or 4, "
                  f"or a survey group's respondents)")


def _same_trust(cell: tuple, target_key: tuple) -> bool:
    """Both release keys are the same trust's: a withheld trust's own sensitive cell moves with its
    other (hidden) values, which protect nothing else."""
    return cell[1] == "trust" and target_key[1] == "trust" and cell[2] == target_key[2]


def _name(key: tuple) -> str:
    ind, lv, ac, bd, m = key
    return f"{ind}:{lv}:{ac}:{bd}:{m}"


def _level_area(name: tuple) -> tuple[str, str]:
    return (name[1], name[2]) if name[0] == "hc" else (name[2], name[3])


def _at(name: tuple, level: str, area: str) -> tuple:
    return (name[0], level, area, *name[3:]) if name[0] == "hc" else (*name[:2], level, area, *name[4:])


def parse(text: str) -> tuple[list[list[tuple[tuple, int]]], list | None, list | None]:
    """The moves of a certificate (each a list of (release cell, delta)) and its steps, if any."""
    try:
        data = json.loads(text)
        cells = [list(move) for move in data["moves"]]
    except (TypeError, ValueError, KeyError) as error:
        raise Invalid(f"unreadable certificate ({type(error).__name__}: {error})") from None
    if not cells or any(not move for move in cells):
        raise Invalid("a certificate with no move, or an empty move")
    moves = []
    for move in cells:
        moves.append([])
        for cell in move:
            if not isinstance(cell, list) or len(cell) != 6 or not isinstance(cell[0], int) \
                    or not all(isinstance(x, str) for x in cell[1:5]):
                raise Invalid(f"a cell that is not a release key and a delta: {cell!r}")
            key, delta = tuple(cell[:5]), cell[5]
            if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
                raise Invalid(f"moves {_name(key)} by {delta!r}, not a non-zero whole number")
            moves[-1].append((key, int(delta)))
    return moves, data.get("down"), data.get("up")


class Checker:
    """Checks certificates against one release's system (audit.build_system) and what a reader knows."""

    def __init__(self, system, stands_for: dict, known_rows: set[tuple], known_vars: set[int],
                 published: pd.DataFrame, effective: pd.DataFrame, truth: pd.DataFrame, trusts: pd.DataFrame,
                 thresholds: ProtectionThresholds, band_levels: dict[tuple[str, str], str]):
        """`published`: the release as written; `effective`: the same with the values the previous
        release of the year gave a reader filled in (what build_system was given)."""
        self.system, self.known_rows, self.known_vars = system, known_rows, known_vars
        shown_now = published["value"].notna().tolist()
        self.published_now = {k for k, s in zip(zip(*(published[c].tolist() for c in
                                                     ("indicator", "level", "area_code", "breakdown", "measure"))),
                                                shown_now) if s}
        self.thresholds, self.band_levels = thresholds, band_levels
        keys = list(zip(*(effective[c].tolist() for c in ("indicator", "level", "area_code", "breakdown", "measure"))))
        self.release = set(keys)
        self.shown = {k: v for k, v in zip(keys, effective["value"].astype(float).tolist()) if not pd.isna(v)}
        reasons = (effective["suppression_reason"] if "suppression_reason" in effective
                   else pd.Series([None] * len(keys)))
        self.withheld = {k for k, r in zip(keys, reasons.tolist()) if r == WITHHELD}
        tkeys = list(zip(*(truth[c].tolist() for c in ("indicator", "level", "area_code", "breakdown", "measure"))))
        self.truth = {k: v for k, v in zip(tkeys, truth["value"].astype(float).tolist()) if not pd.isna(v)}
        self.areas_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for level, column in (("region", "region_code"), ("icb", "icb_code"), ("trust_type", "trust_type")):
            if column in trusts:
                for t, a in sorted(zip(trusts["org_code"].tolist(), trusts[column].tolist())):
                    if a is not None and not pd.isna(a):
                        self.areas_of[t].append((level, a))
        self.cell_of = {name: key for key, names in stands_for.items() for name in names}
        self.relations_of: dict[int, list[int]] = defaultdict(list)
        for i, relation in enumerate(system.relations):
            for v in relation:
                self.relations_of[v].append(i)

    # --- true values in the units moves work in -------------------------------------------
    def true_value(self, name: tuple) -> Fraction | None:
        kind = name[0]
        if kind == "hc":
            _, lv, ac, bd, part = name
            v = self.truth.get((1, lv, ac, bd, f"headcount_{part}"))
            return None if v is None else Fraction(v)
        if kind == "ev":
            _, ind, lv, ac, g = name
            rate = self.truth.get((ind, lv, ac, "all", f"rate_{g}"))
            base = self.truth.get((1, lv, ac, "all", f"headcount_{g}"))
            return None if rate is None or base is None else Fraction(round(rate * base / 100))
        if kind == "n":
            _, ind, lv, ac, g = name
            v = self.truth.get((ind, lv, ac, "all", f"respondents_{g}"))
            return None if v is None else Fraction(v)
        if kind == "y":
            _, ind, lv, ac, g = name
            n, p = self.true_value(("n", ind, lv, ac, g)), self.truth.get((ind, lv, ac, "all", f"pct_{g}"))
            return None if n is None or p is None else Fraction(p) * n / 100
        return None

    # --- the latent deltas a move implies -------------------------------------------------------
    def deltas(self, move: list[tuple[tuple, int]]) -> dict[tuple, Fraction]:
        """The move's deltas over the audit's unknowns: the cells it lists and the survey answers
        (and areas' percentages) that follow from keeping each trust's percentage fixed."""
        d: dict[tuple, Fraction] = defaultdict(Fraction)
        for cell, delta in move:
            d[moved_unknown(cell)] += delta
        for name, delta in sorted(((n, x) for n, x in d.items() if n[0] == "n" and n[2] == "trust"), key=str):
            _, ind, _, trust, g = name
            p = self.truth.get((ind, "trust", trust, "all", f"pct_{g}"))
            if p is None:
                raise Invalid(f"moves {_name((ind, 'trust', trust, 'all', f'respondents_{g}'))}, "
                              f"whose percentage is not known to the warehouse")
            dy = Fraction(p) * delta / 100
            q = self.truth.get((ind, "trust", trust, "all", f"pct_{g}_legacy")) if ind == 7 else None
            dnl = 100 * dy / Fraction(q) if q else Fraction(0)
            for lv, ac in [("trust", trust), *self.areas_of.get(trust, [])]:
                d[("y", ind, lv, ac, g)] += dy
                if ind == 7:
                    d[("nl", ind, lv, ac, g)] += dnl
        # An area whose respondents are published and percentage hidden: the percentage follows its answers.
        for name, dy in sorted(((n, x) for n, x in d.items() if n[0] == "y" and n[2] not in ("trust", "england")),
                               key=str):
            _, ind, lv, ac, g = name
            n_shown = self.shown.get((ind, lv, ac, "all", f"respondents_{g}"))
            if dy and n_shown and (ind, lv, ac, "all", f"pct_{g}") not in self.shown:
                d[("p", ind, lv, ac, g)] += 100 * dy / Fraction(n_shown)
        return {n: x for n, x in d.items() if x != 0}

    # --- the four checks --------------------------------------------------------------------
    def check_cells(self, target_key: tuple, move: list[tuple[tuple, int]]) -> None:
        seen = set()
        for cell, _ in move:
            if cell in seen:
                raise Invalid(f"moves {_name(cell)} twice in one move")
            seen.add(cell)
            if cell not in self.release:
                raise Invalid(f"moves {_name(cell)}, which the release does not have")
            if cell in self.published_now:
                raise Invalid(f"moves {_name(cell)}, which is published")
            if cell in self.known_rows:
                raise Invalid(f"moves {_name(cell)}, which the previous release of the year published")
            if cell in self.withheld and cell != target_key and not _same_trust(cell, target_key):
                raise Invalid(f"rests on {_name(cell)}, a withheld trust's value (declaration<80%), "
                              f"which area totals may give away")

    def check_relations(self, deltas: dict[tuple, Fraction]) -> None:
        ids = {self.system.ids[n]: x for n, x in deltas.items() if n in self.system.ids}
        for v in sorted(ids):
            if v in self.known_vars:
                raise Invalid(f"changes {self._describe(self.system.names[v])}, which a reader knows")
        # Each relation's residual, from the moved unknowns only (an area's sum holds hundreds of trusts).
        residual: dict[int, Fraction] = defaultdict(Fraction)
        for v, x in ids.items():
            for i in self.relations_of.get(v, ()):
                residual[i] += self.system.relations[i][v] * x
        for i in sorted(residual):
            if residual[i] != 0:
                raise Invalid(f"breaks the relation '{self.system.labels[i]}' (off by {float(residual[i]):g})")

    def check_nonlinear(self, deltas: dict[tuple, Fraction]) -> list[tuple]:
        """The published figures outside the linear relations that the move changes."""
        changed = []
        sums: dict[tuple, Fraction] = defaultdict(Fraction)
        for name, x in deltas.items():
            if name[0] == "hc" and name[4] in ("white", "bme") and "|" in name[3] and not name[3].endswith("|all"):
                group, band = name[3].split("|", 1)
                level = self.band_levels.get((group, band))
                if level is not None:
                    sums[(name[1], name[2], group, level, name[4])] += x
        moved_groups = {(lv, ac, g, level) for (lv, ac, g, level, _), x in sums.items() if x != 0}
        for lv, ac, g in sorted({k[:3] for k in moved_groups}):
            for measure, levels in DISPARITY.items():
                key = (1, lv, ac, g, measure)
                if key in self.shown and any((lv, ac, g, b) in moved_groups for b in levels):
                    changed.append(key)
        areas = sorted({_level_area(n) for n in deltas if n[0] in ("hc", "ev", "base")})
        for lv, ac in areas:
            all_staff = any(deltas.get(("hc", lv, ac, "all", p)) for p in ("bme", "total"))
            if all_staff:
                changed += [(9, lv, ac, "all", m) for m in ("pct_bme_workforce", "gap_pp")
                            if (9, lv, ac, "all", m) in self.shown]
            for ind in (2, 3, 4):
                inputs = [("base", ind, lv, ac, g) if ind == 2 else ("hc", lv, ac, "all", g)
                          for g in ("white", "bme")]
                inputs += [("ev", ind, lv, ac, g) for g in ("white", "bme")]
                if any(deltas.get(n) for n in inputs):
                    changed += [(ind, lv, ac, "all", m) for m in RATIOS if (ind, lv, ac, "all", m) in self.shown]
        return changed

    def check_interval(self, unit: tuple, deltas: dict[tuple, Fraction], threshold: int, v0: Fraction) -> None:
        """One move, the target +1: along `x + t d` each moved count x0 with delta d stays >= 0 for
        t >= -x0/d (d > 0) and t <= x0/-d (d < 0); the target then ranges over [v0 + t_low, v0 + t_high],
        which must hold [0, T], that is t_low <= -v0 and t_high >= T - v0."""
        lowest = highest = None   # (bound on t, the count that sets it, its true value)
        for name, d in sorted(deltas.items(), key=lambda item: str(item[0])):
            if name[0] not in ("hc", "ev", "n", "y"):
                continue
            x0 = self.true_value(name)
            if x0 is None:
                raise Invalid(f"moves {self._describe(name)}, whose true value is not known")
            bound = -x0 / d
            if d > 0 and (lowest is None or bound > lowest[0]):
                lowest = (bound, name, x0)
            if d < 0 and (highest is None or bound < highest[0]):
                highest = (bound, name, x0)
        t_low = lowest[0] if lowest else -math.inf
        t_high = highest[0] if highest else math.inf
        for short, (_bound, name, x0), side in ((t_low > -v0, lowest or (0, None, 0), "below"),
                                               (t_high < threshold - v0, highest or (0, None, 0), "above")):
            if short:
                reach = f"[{float(v0 + max(t_low, -v0)):g}, {float(v0 + min(t_high, threshold - v0)):g}]"
                raise Invalid(f"along it the cell reaches only {reach}, short of [0, {threshold}]: "
                              f"{self._describe(name)} (true value {float(x0):g}) bounds it {side}")

    def check_range(self, unit: tuple, moves_deltas: list[dict[tuple, Fraction]], steps_down: list[Fraction],
                    steps_up: list[Fraction], threshold: int, v0: Fraction) -> None:
        for label, steps, goal in (("down", steps_down, Fraction(0)), ("up", steps_up, Fraction(threshold))):
            point: dict[tuple, Fraction] = defaultdict(Fraction)
            for step, deltas in zip(steps, moves_deltas):
                for name, x in deltas.items():
                    point[name] += step * x
            reached = v0 + point.get(unit, 0)
            if (label == "down" and reached != goal) or (label == "up" and reached < goal):
                raise Invalid(f"the target reaches {float(reached):g}, not {goal}, at the {label} end")
            for name, x in sorted(point.items(), key=lambda item: str(item[0])):
                if name[0] not in ("hc", "ev", "n", "y") or x >= 0:
                    continue
                x0 = self.true_value(name)
                if x0 is None:
                    raise Invalid(f"moves {self._describe(name)}, whose true value is not known")
                if x0 + x < 0:
                    raise Invalid(f"{self._describe(name)} (true value {float(x0):g}) goes negative "
                                  f"({float(x0 + x):g}) as the target goes {label} to {goal}: "
                                  f"interval [{float(max(v0 - x0, 0)) if label == 'down' else 0:g}, ...] "
                                  f"short of [0, {threshold}]")

    # --- one sensitive unit -----------------------------------------------------------------
    def verdict(self, unit: tuple, target_key: tuple, certificate: str | None) -> tuple[Verdict, list[tuple]]:
        """Whether the certificate protects the unit, and the published non-linear figures it changes."""
        threshold = self.thresholds.of(unit)
        level, area = _level_area(unit)
        england = self.true_value(_at(unit, "england", "ENG"))
        if level != "england" and england is not None and england < threshold:
            return Verdict(UNPROTECTABLE, f"England's own figure is {float(england):g}, below {threshold}: "
                                          f"it bounds every part of it"), []
        target_key = self.cell_of.get(unit, target_key)
        withheld = self._rests_on_withheld(unit, target_key)
        if withheld:
            return Verdict(UNPROTECTABLE, withheld), []
        if certificate is None:
            # Secondary suppression found no move to certify (it still kept the cell from exact
            # derivation, which the exact check proves): below the standard, reported, not blocked.
            return Verdict(UNCERTIFIED, "no protection certificate: secondary suppression found no move that "
                                        "reaches 0 and the threshold (the cell is not determined exactly)"), []
        v0 = self.true_value(unit)
        if v0 is None:
            return Verdict(UNPROTECTED, "the target's true value is not known"), []
        changed: list[tuple] = []
        try:
            moves, down, up = parse(certificate)
            by_move = []
            for move in moves:
                self.check_cells(target_key, move)
                deltas = self.deltas(move)
                self.check_relations(deltas)
                changed += self.check_nonlinear(deltas)
                by_move.append(deltas)
            if not any(unit in d for d in by_move):
                raise Invalid("no move shifts the target")
            if len(moves) == 1:
                c = by_move[0].get(unit, 0)
                if c != 1:
                    raise Invalid(f"the move shifts the target by {c}, not +1")
                self.check_interval(unit, by_move[0], threshold, v0)
            elif down is None or up is None or len(down) != len(moves) or len(up) != len(moves):
                raise Invalid("several moves without a step down and up along each")
            else:
                self.check_range(unit, by_move, [Fraction(s) for s in down], [Fraction(s) for s in up], threshold,
                                 v0)
            if changed:
                raise Invalid(f"changes the published {', '.join(_name(k) for k in changed)}")
        except Invalid as error:
            return Verdict(UNPROTECTED, f"certificate invalid: {error}"), changed
        return Verdict(PROTECTED), changed

    def _rests_on_withheld(self, unit: tuple, target_key: tuple) -> str | None:
        """Why every move of the unit must shift a withheld value, when it must: it shares a relation
        with nothing hidden but withheld values, either its own trust's (the unit is a withheld
        trust's value) or, in a relation with no published value at all, any withheld trust's (an
        area that is the sum of withheld trusts)."""
        if unit not in self.system.ids:
            return None
        level, area = _level_area(unit)
        own = level == "trust" and target_key in self.withheld
        v = self.system.ids[unit]
        for i in self.relations_of.get(v, ()):
            relation = self.system.relations[i]
            others = [self.system.names[u] for u in relation if u != v and u not in self.known_vars]
            if not others or not all(self.cell_of.get(n) in self.withheld for n in others):
                continue
            if own and all(_level_area(n) == ("trust", area) for n in others):
                return ("a withheld trust's value whose every partner is one of the trust's own withheld values: "
                        "no move may rest on them")
            if not any(u in self.known_vars for u in relation):
                return (f"shares the relation '{self.system.labels[i]}' with nothing but withheld values: "
                        f"no move may rest on them")
        return None

    def _describe(self, name: tuple) -> str:
        key = self.cell_of.get(name)
        return _name(key) if key is not None else "/".join(map(str, name))


def check_certificates(checker: Checker, sensitive: list[tuple], certificates: pd.DataFrame | None
                       ) -> tuple[dict[tuple, Verdict], dict[tuple, list[tuple]]]:
    """A verdict for every sensitive release cell whose protection rests on a count (see `unit_of`),
    and, per published non-linear figure a certificate changes, the cells whose certificates do."""
    by_unit: dict[tuple, tuple[tuple, str]] = {}
    if certificates is not None and not certificates.empty:
        keys = zip(*(certificates[c].tolist() for c in ("indicator", "level", "area_code", "breakdown", "measure")))
        for key, text in sorted(zip(keys, certificates["certificate"].tolist()), key=lambda kt: _name(kt[0])):
            unit = unit_of(key)
            if unit is None or text is None or pd.isna(text):
                continue
            own = moved_unknown_or_none(key) == unit
            if unit not in by_unit or (own and moved_unknown_or_none(by_unit[unit][0]) != unit):
                by_unit[unit] = (key, text)
    verdicts: dict[tuple, Verdict] = {}
    changed_by: dict[tuple, list[tuple]] = defaultdict(list)
    done: dict[tuple, Verdict] = {}
    for key in sorted(sensitive, key=_name):
        unit = unit_of(key)
        if unit is None:
            continue
        if unit[0] == "ev" and unit not in done:
            # A rate is sensitive when either of its counts is small: with 0 events, or 8 or more, it is
            # its base headcount that is small, and that headcount is checked as a sensitive cell itself.
            v0 = checker.true_value(unit)
            if v0 is not None and not 0 < v0 < checker.thresholds.of(unit):
                continue
        if unit not in done:
            certificate = by_unit.get(unit)
            verdict, changed = checker.verdict(unit, key, certificate[1] if certificate else None)
            done[unit] = verdict
            for figure in changed:
                changed_by[figure].append(key)
        verdicts[key] = done[unit]
    return verdicts, dict(changed_by)


def moved_unknown_or_none(key: tuple) -> tuple | None:
    try:
        return moved_unknown(key)
    except Invalid:
        return None
