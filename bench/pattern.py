"""How far a revised return moved the suppression pattern: the cells of the revised year's summary
whose suppression (reason, or none) changed, in the revising trust and its areas (its region, ICB,
trust type and England), where its figures may force a change, and elsewhere, where they should not."""

from __future__ import annotations

from pathlib import Path

import duckdb

OWN, ELSEWHERE = "the revising trust and its areas", "elsewhere"


def pattern_changes(before: Path, after: Path, org_code: str) -> dict[str, tuple[int, int]]:
    """{place: (cells whose suppression changed, cells)} between two releases of one year."""
    rows = duckdb.connect().execute(f"""
        select case when a.level = 'england'
                     or (a.level = 'trust' and a.area_code = t.org_code)
                     or (a.level = 'region' and a.area_code = t.region_code)
                     or (a.level = 'icb' and a.area_code = t.icb_code)
                     or (a.level = 'trust_type' and a.area_code = t.trust_type) then '{OWN}'
                    else '{ELSEWHERE}' end as place,
               count(*) filter (where a.suppression_reason is distinct from b.suppression_reason),
               count(*)
        from read_parquet($after) a
        join read_parquet($before) b using (indicator, level, area_code, breakdown, measure)
        cross join (select * from read_parquet($trusts) where org_code = $org) t
        group by place order by place""", {
        "after": str(after / "wres_indicator_summary.parquet"), "before": str(before / "wres_indicator_summary.parquet"),
        "trusts": str(after / "trusts.parquet"), "org": org_code}).fetchall()
    return {place: (changed, cells) for place, changed, cells in rows}


def pattern_lines(changes: dict[str, tuple[int, int]], org_code: str) -> list[str]:
    return [f"suppression pattern after {org_code}'s revised return: "
            + "; ".join(f"{place} {changed:,} of {cells:,} cells changed"
                        for place, (changed, cells) in sorted(changes.items()))]
