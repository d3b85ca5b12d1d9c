"""The publication gate's warnings as sentences a person understands, naming the trusts concerned."""

from __future__ import annotations


def _names(check, names: dict[str, str]) -> str:
    """The trusts of a check's failing rows (`<year>:<code>`), by name, and how many more there are."""
    codes = [row.split(":", 1)[-1] for row in check.failing_rows]
    listed = ", ".join(f"{names.get(code, code)} ({code})" for code in codes)
    more = check.failing_count - len(codes)
    return listed + (f" and {more} more (listed in the data-quality report)" if more > 0 else "")


def _trusts(count: int) -> str:
    return "1 trust" if count == 1 else f"{count} trusts"


def warning_sentences(checks, names: dict[str, str], thresholds) -> list[str]:
    """One sentence per failed warning check; `names` maps a trust's code to its name."""
    t = thresholds
    out = []
    for check in checks:
        n = check.failing_count
        who = _names(check, names)
        their = "its" if n == 1 else "their"
        if check.column == "declaration_rate" and "withheld" in check.guards:
            out.append(f"{_trusts(n)} recorded the ethnicity of fewer than {t.declaration_withhold:.0%} of {their} "
                       f"staff, so {their} indicators 1 to 4 and 9 are withheld: {who}.")
        elif check.column == "declaration_rate":
            out.append(f"{_trusts(n)} recorded the ethnicity of fewer than {t.declaration_warning:.0%} of {their} "
                       f"staff, so {their} figures are less reliable than others': {who}.")
        elif check.column == "relative_difference":
            out.append(f"{_trusts(n)} reported a total headcount in {their} WRES return more than "
                       f"{t.source_mismatch:.0%} away from NHS workforce statistics' count: {who}.")
        elif check.column == "trust_type":
            out.append(f"{_trusts(n)} have no trust type in reference/trust_types.csv, so each is compared only "
                       f"with itself: {who}.")
        else:
            examples = "; ".join(check.failing_rows[:3]) + ("; ..." if n > 3 else "")
            out.append(f"A check did not hold for {n} row(s) (the data-quality report lists them): {check.guards}. "
                       f"For example: {examples}.")
    return out
