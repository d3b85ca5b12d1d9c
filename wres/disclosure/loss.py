"""What disclosure control cost a release: its hidden cells by reason, tier and level, and the
share of tier-1 figures published (docs/METHODOLOGY.md, "Disclosure control"; issue: the
information-loss report in each release's manifest and methodology page).

Tiers, as the methodology defines them:
- tier 1, each indicator's headline figure, at every level: indicator 1's all-staff row
  (breakdown `all`) and its race disparity ratios, the relative likelihoods of 2-4, the white and
  BME percentages of 5-8, the board gap of 9;
- tier 2: any other cell of England, a region, an ICB or a trust type;
- tier 3: any other cell of a trust.
Read from the release as written: its `suppression_reason` (null where published) says why each
hidden cell is hidden, so the confidential truth is not needed.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from wres.disclosure.suppression import tiers as tier

LEVELS = ("england", "region", "icb", "trust_type", "trust")
PRIMARY = ("declaration<80%", "count 1-7", "n<11")
SECONDARY = "secondary"
SUMMARY_FILE = "wres_indicator_summary.parquet"


def information_loss(release: pd.DataFrame) -> dict:
    """From a release's indicator table (indicator, level, breakdown, measure, suppression_reason):
    `hidden`, the hidden cells counted by reason, tier and level (sorted, zero counts left out);
    `tier1`, per level and in all, the tier-1 figures, how many are published, how many are hidden
    as `secondary` and how many a primary reason hides, and the share published (of all, and of
    those no primary reason hides: what secondary suppression could have kept)."""
    frame = pd.DataFrame({"tier": tier(release), "level": release["level"].to_numpy(),
                          "reason": release["suppression_reason"].to_numpy()})
    hidden = frame[frame["reason"].notna()]
    counts = hidden.groupby(["reason", "tier", "level"], sort=True).size()
    rank = {level: i for i, level in enumerate(LEVELS)}
    rows = sorted(((str(r), int(t), str(lv), int(n)) for (r, t, lv), n in counts.items()),
                  key=lambda x: (x[0], x[1], rank.get(x[2], len(LEVELS)), x[2]))
    headline = frame[frame["tier"] == 1]
    by_level = {}
    for level in [lv for lv in LEVELS if lv in set(headline["level"])] + sorted(set(headline["level"]) - set(LEVELS)):
        by_level[level] = _tier1(headline[headline["level"] == level])
    return {"hidden": [dict(reason=r, tier=t, level=lv, cells=n) for r, t, lv, n in rows],
            "tier1": {"all": _tier1(headline), "by_level": by_level}}


def _tier1(rows: pd.DataFrame) -> dict:
    cells = len(rows)
    published = int(rows["reason"].isna().sum())
    primary = int(rows["reason"].isin(PRIMARY).sum())
    secondary = int((rows["reason"] == SECONDARY).sum())
    open_to_secondary = cells - primary
    return {"cells": cells, "published": published, "hidden_primary": primary, "hidden_secondary": secondary,
            "share_published": round(published / cells, 4) if cells else None,
            "share_published_of_not_primary": round(published / open_to_secondary, 4) if open_to_secondary else None}


def release_information_loss(folder: Path) -> dict:
    """`information_loss` of the release written in `folder` (its indicator table's Parquet file)."""
    con = duckdb.connect()
    try:
        release = con.execute("select indicator, level, breakdown, measure, suppression_reason from read_parquet(?)",
                              [str(Path(folder) / SUMMARY_FILE)]).df()
    finally:
        con.close()
    return information_loss(release)
