"""The England page's key findings, in words, from the published figures."""

from __future__ import annotations

import pandas as pd

from wres.report.data import SHORT


def key_findings(summary: pd.DataFrame, trust_share: pd.DataFrame, this_year: int) -> list[str]:
    """England's key findings in sentences, each against the first year of the warehouse."""
    s = summary
    first = int(s["wres_year"].min())

    england = s[(s["level"] == "england") & (s["breakdown"] == "all")]
    values: dict[tuple, float] = {}
    for key, value in zip(zip(*(england[c].tolist() for c in ("indicator", "measure", "wres_year"))),
                          england["value"].tolist()):
        values.setdefault(key, value)  # the first row of a key, as a filter's first row

    def eng(indicator, measure, year=None):
        value = values.get((indicator, measure, year or this_year))
        return None if value is None or pd.isna(value) else float(value)

    def change(now, before, unit=""):
        if before is None or first == this_year:
            return ""
        word = "up from" if now > before else "down from" if now < before else "the same as"
        return f", {word} {before:.1f}{unit} in {first}"

    out = []
    bme = eng(1, "pct_bme")
    if bme is not None:
        out.append(f"{bme:.1f}% of the workforce was BME{change(bme, eng(1, 'pct_bme', first), '%')}.")
    phrases = {2: "white applicants were {v:.2f} times as likely as BME applicants to be appointed from shortlisting",
               3: "BME staff were {v:.2f} times as likely as white staff to enter the formal disciplinary process",
               4: "white staff were {v:.2f} times as likely as BME staff to access non-mandatory training"}
    for indicator, phrase in phrases.items():
        v = eng(indicator, "relative_likelihood")
        if v is not None:
            before = eng(indicator, "relative_likelihood", first)
            tail = "" if before is None or first == this_year else f" ({before:.2f} in {first})"
            sentence = phrase.format(v=v)
            out.append(sentence[0].upper() + sentence[1:] + tail + ".")
    wording = {5: "experienced harassment, bullying or abuse from patients, relatives or the public",
               6: "experienced harassment, bullying or abuse from staff",
               7: "believed their trust gives equal opportunities for career progression",
               8: "experienced discrimination at work from a manager, team leader or colleague"}
    for indicator, words in wording.items():
        b, w = eng(indicator, "pct_bme"), eng(indicator, "pct_white")
        if b is not None and w is not None:
            out.append(f"{b:.1f}% of BME staff {words}, against {w:.1f}% of white staff.")
    board, gap = eng(9, "pct_bme_board"), eng(9, "gap_pp")
    if board is not None and gap is not None:
        side = "below" if gap < 0 else "above"
        out.append(f"{board:.1f}% of board members were BME, {abs(gap):.1f} percentage points {side} "
                   f"the BME share of the workforce.")
    share = trust_share[trust_share["wres_year"] == this_year]
    for r in share.sort_values("indicator").itertuples():
        if r.indicator in (2, 3, 4, 5, 6, 7, 8) and not pd.isna(r.pct_trusts_bme_worse):
            significant = getattr(r, "pct_trusts_bme_worse_significant", None)
            tail = "" if significant is None or pd.isna(significant) else \
                f", significantly so (95% level) at {significant:.1f}%"
            out.append(f"Indicator {r.indicator} ({SHORT[r.indicator].lower()}): BME staff fared worse than "
                       f"white staff at {r.pct_trusts_bme_worse:.1f}% of the {r.trusts_reporting} trusts "
                       f"reporting{tail}.")
    return out
