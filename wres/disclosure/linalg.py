"""Which unknowns of a linear system are determined by it: exact arithmetic, no rounding.

A reader who knows the published values holds a system `A x = b` over the hidden values `x`.
An unknown `x_j` is determined exactly when the unit vector `e_j` lies in the row space of `A`.
Relations with a single unknown are solved first, in chains, recording which relations gave
each value; what remains is reduced to reduced row echelon form over the integers modulo
two large primes (coefficients are rationals: published values are binary fractions), where
`x_j` is determined when its pivot row has no other unknown. An unknown counts as protected
only when neither prime determines it: a prime can only err towards "undetermined" when it
divides a minor of `A`, and both would have to.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

PRIMES = (2**61 - 1, 2**89 - 1)


@dataclass
class Derivation:
    """How an unknown is determined: the relations used, in the order a reader would apply them."""

    relations: list[int] = field(default_factory=list)
    jointly: bool = False  # solved from several relations at once, not one at a time


def _modular(coefficient: Fraction | int, prime: int) -> int:
    if isinstance(coefficient, int):
        return coefficient % prime
    return coefficient.numerator % prime * pow(coefficient.denominator % prime, -1, prime) % prime


def determined_unknowns(relations: list[dict[int, Fraction]], known: set[int],
                        targets: set[int]) -> dict[int, Derivation]:
    """The targets that `relations`, with the values of `known` given, determine, and how."""
    rows = [{v: c for v, c in r.items() if v not in known and c != 0} for r in relations]
    by_unknown: dict[int, set[int]] = defaultdict(set)
    for i, row in enumerate(rows):
        for v in row:
            by_unknown[v].add(i)
    solved: dict[int, Derivation] = {}
    queue = [i for i, row in enumerate(rows) if len(row) == 1]
    while queue:
        i = queue.pop()
        if len(rows[i]) != 1:
            continue
        (v,) = rows[i]
        chain: list[int] = []
        for u in relations[i]:
            if u in solved and u != v:
                chain += [r for r in solved[u].relations if r not in chain]
        solved[v] = Derivation(chain + [i], any(solved[u].jointly for u in relations[i] if u in solved and u != v))
        for j in by_unknown.pop(v, ()):
            rows[j].pop(v, None)
            if len(rows[j]) == 1:
                queue.append(j)
    remaining = [i for i, row in enumerate(rows) if len(row) >= 2]
    open_targets = {t for t in targets if t not in solved and t in by_unknown}
    if open_targets and remaining:
        for component in _components(rows, remaining):
            unknowns = {v for i in component for v in rows[i]}
            if not unknowns & open_targets:
                continue
            found: dict[int, set[int]] | None = None
            for prime in PRIMES:
                pivots = _reduce(rows, component, prime)
                here = {v: used for v, (row, used) in pivots.items() if len(row) == 1}
                found = here if found is None else {**found, **here}
            for v, used in (found or {}).items():
                chain: list[int] = []
                for i in sorted(used):
                    for u in relations[i]:
                        if u in solved:
                            chain += [r for r in solved[u].relations if r not in chain]
                solved[v] = Derivation(chain + sorted(used), True)
    return {t: solved[t] for t in targets if t in solved}


def _components(rows: list[dict[int, Fraction]], indexes: list[int]) -> list[list[int]]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in indexes:
        first, *rest = rows[i]
        for v in rest:
            parent[find(v)] = find(first)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in indexes:
        groups[find(next(iter(rows[i])))].append(i)
    return [groups[k] for k in sorted(groups)]


def _reduce(rows: list[dict[int, Fraction]], component: list[int], prime: int
            ) -> dict[int, tuple[dict[int, int], set[int]]]:
    """Gauss-Jordan modulo `prime`: pivot unknown -> (its reduced row, the relations combined)."""
    work = [({v: _modular(c, prime) for v, c in rows[i].items()}, {i}) for i in component]
    by_unknown: dict[int, set[int]] = defaultdict(set)
    for k, (row, _) in enumerate(work):
        for v in row:
            by_unknown[v].add(k)
    pivots: dict[int, int] = {}
    # Short rows first, each pivoting on its least shared unknown, to keep fill-in low.
    for k in sorted(range(len(work)), key=lambda r: (len(work[r][0]), r)):
        row, used = work[k]
        if not row:
            continue
        v = min(row, key=lambda u: (len(by_unknown[u]), u))
        inverse = pow(row[v], -1, prime)
        row = {u: c * inverse % prime for u, c in row.items()}
        work[k] = (row, used)
        for other in list(by_unknown[v] - {k}):
            target, target_used = work[other]
            factor = target[v]
            for u, c in row.items():
                value = (target.get(u, 0) - factor * c) % prime
                if value:
                    if u not in target:
                        by_unknown[u].add(other)
                    target[u] = value
                else:
                    if u in target:
                        del target[u]
                        by_unknown[u].discard(other)
            work[other] = (target, target_used | used)
        pivots[v] = k
    return {v: work[k] for v, k in pivots.items()}
