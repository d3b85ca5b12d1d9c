"""The Model Employer's projection of a band's BME share."""

from __future__ import annotations


def trajectory(b0: float, p: float, t: float, s: float | None, status: str, years: int) -> list[float]:
    """A band's BME share (0-1) each year from now to `years` ahead, when a share t leaves each year
    and a share s of the recruits replacing them is BME (every recruit when the target is out of
    reach, today's share when it is already met): b(n) = b0 (1-t)^n + s (1 - (1-t)^n)."""
    share = 1.0 if status == "unreachable" else b0 if status == "already met" or s is None else s
    return [b0 * (1 - t) ** n + share * (1 - (1 - t) ** n) for n in range(years + 1)]
