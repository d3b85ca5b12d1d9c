"""Which unknowns of a linear system are determined by it: exact arithmetic, no rounding.

A reader who knows the published values holds a system `A x = b` over the hidden values `x`.
An unknown `x_j` is determined exactly when the unit vector `e_j` lies in the row space of `A`.
Relations with a single unknown are solved first, in chains, recording which relations gave
each value; what remains is reduced to reduced row echelon form over the integers modulo
two large primes (coefficients are rationals: published values are binary fractions), where
`x_j` is determined when its pivot row has no other unknown. Working modulo a prime errs only
when the prime divides a minor of `A`, in either direction: towards "determined" (a false
alarm, which holds a safe release back) or towards "undetermined" (which could let a leak
through). An unknown counts as protected only when neither prime determines it, so a leak
passes only if both primes err.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

PRIMES = (2**61 - 1, 2**89 - 1)


@dataclass
class Derivation:
    """How an unknown is determined: the relations used, in the order a reader would apply them."""

    relations: list[int] = field(default_factory=list)
    jointly: bool = False  # solved from several relations at once, not one at a time


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
        others = [u for u in relations[i] if u != v]
        solved[v] = Derivation(_relations_behind(others, solved) + [i],
                               any(solved[u].jointly for u in others if u in solved))
        for j in by_unknown.pop(v, ()):
            rows[j].pop(v, None)
            if len(rows[j]) == 1:
                queue.append(j)
    remaining = [i for i, row in enumerate(rows) if len(row) >= 2]
    open_targets = {t for t in targets if t not in solved and t in by_unknown}
    if open_targets and remaining:
        inverses: dict[int, dict[int, int]] = {prime: {} for prime in PRIMES}
        for component in _components(rows, remaining):
            unknowns = {v for i in component for v in rows[i]}
            if not unknowns & open_targets:
                continue
            found: dict[int, set[int]] = {}
            for prime in PRIMES:
                found.update(_reduce(rows, component, prime, inverses[prime]))
            for v, used in found.items():
                ordered = sorted(used)
                solved[v] = Derivation(_relations_behind((u for i in ordered for u in relations[i]), solved)
                                       + ordered, True)
    return {t: solved[t] for t in targets if t in solved}


def _relations_behind(unknowns: Iterable[int], solved: dict[int, Derivation]) -> list[int]:
    """The relations that solved those of `unknowns` that are solved, in order, each once."""
    chain: list[int] = []
    held: set[int] = set()  # beside the list, so that the check stays cheap on long chains
    for u in unknowns:
        if u in solved:
            steps = [r for r in solved[u].relations if r not in held]
            chain += steps
            held.update(steps)
    return chain


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


def _modular_row(row: dict[int, Fraction], prime: int, inverses: dict[int, int]) -> dict[int, int]:
    """The row's coefficients modulo `prime`; `inverses` caches the inverse of each denominator."""
    out = {}
    for v, c in row.items():
        if isinstance(c, int):
            out[v] = c % prime
            continue
        inverse = inverses.get(c.denominator)
        if inverse is None:
            inverse = inverses[c.denominator] = pow(c.denominator % prime, -1, prime)
        out[v] = c.numerator % prime * inverse % prime
    return out


def _reduce(rows: list[dict[int, Fraction]], component: list[int], prime: int, inverses: dict[int, int]
            ) -> dict[int, set[int]]:
    """Gauss-Jordan modulo `prime`: each unknown whose pivot row ends with no other unknown -> the
    relations combined into that row, in the order the pivots were taken."""
    work = [_modular_row(rows[i], prime, inverses) for i in component]
    # Which rows were combined into each row, as a bitset over positions in `component`: a union
    # per row operation is then one integer OR instead of a set copy.
    used = [1 << k for k in range(len(work))]
    by_unknown: dict[int, set[int]] = defaultdict(set)
    for k, row in enumerate(work):
        for v in row:
            by_unknown[v].add(k)
    pivots: dict[int, int] = {}
    # Short rows first, each pivoting on its least shared unknown, to keep fill-in low.
    for k in sorted(range(len(work)), key=lambda r: (len(work[r]), r)):
        row = work[k]
        if not row:
            continue
        v = min(row, key=lambda u: (len(by_unknown[u]), u))
        inverse = pow(row[v], -1, prime)
        rest = [(u, c * inverse % prime) for u, c in row.items() if u != v]
        work[k] = {v: 1, **dict(rest)}
        others = by_unknown[v]
        others.discard(k)
        by_unknown[v] = {k}
        for other in others:
            _eliminate(work[other], other, v, rest, prime, by_unknown)
            used[other] |= used[k]
        pivots[v] = k
    return {v: _positions(used[k], component) for v, k in pivots.items() if len(work[k]) == 1}


def _eliminate(target: dict[int, int], index: int, v: int, rest: list[tuple[int, int]], prime: int,
               by_unknown: dict[int, set[int]]) -> None:
    """Subtract from row `target` (number `index`) the multiple of the pivot row `v + rest` that
    clears `v`, keeping `by_unknown` in step with the unknowns the row holds."""
    factor = target.pop(v)
    for u, c in rest:
        before = target.get(u)
        if before is None:
            target[u] = -factor * c % prime  # nonzero: a product of nonzero residues
            by_unknown[u].add(index)
            continue
        value = (before - factor * c) % prime
        if value:
            target[u] = value
        else:
            del target[u]
            by_unknown[u].discard(index)


def _positions(bits: int, component: list[int]) -> set[int]:
    return {component[k] for k, bit in enumerate(reversed(bin(bits)[2:])) if bit == "1"}
