"""What a new release of a year changes against the release it replaces: CHANGES.csv.

Every published value (or suppression) of `wres_indicator_summary` that differs between the
two, with the old and the new value and reason, and the input files whose SHA-256 changed.
Both sides are published files, so the list reveals nothing neither release shows.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

SUMMARY = "wres_indicator_summary.parquet"
KEY = ("indicator", "level", "area_code", "breakdown", "measure")
CHANGES_FILE = "CHANGES.csv"


def changed_inputs(previous_manifest: dict, inputs: list[dict]) -> list[str]:
    """Input files added, removed or changed (by SHA-256) since the previous release."""
    before = {i["path"]: i["sha256"] for i in previous_manifest.get("inputs", [])}
    after = {i["path"]: i["sha256"] for i in inputs}
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def write_changes(previous: Path, staging: Path, inputs: list[dict]) -> dict:
    """Write CHANGES.csv into the staged release; return a summary for the manifest and the page."""
    old, new = previous / SUMMARY, staging / SUMMARY
    if not old.exists():
        return {"previous_release": None, "changed_values": 0, "changed_inputs": []}
    manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
    files = changed_inputs(manifest, inputs)
    con = duckdb.connect()
    try:
        key = ", ".join(KEY)
        query = f"""
            select {', '.join(f'coalesce(n.{k}, o.{k}) as {k}' for k in KEY)},
                   o.value as old_value, n.value as new_value,
                   o.suppression_reason as old_suppression_reason, n.suppression_reason as new_suppression_reason,
                   ? as changed_input_files
            from read_parquet(?) o full join read_parquet(?) n using ({key})
            where o.value is distinct from n.value or o.suppressed is distinct from n.suppressed
               or o.suppression_reason is distinct from n.suppression_reason
            order by {key}"""
        params = ["; ".join(files), str(old), str(new)]
        target = str(staging / CHANGES_FILE).replace("'", "''")
        con.execute(f"copy ({query}) to '{target}' (format csv, header true)", params)
        count = con.execute(f"select count(*) from ({query})", params).fetchone()[0]
    finally:
        con.close()
    return {"previous_release": manifest.get("published_at"), "changed_values": int(count), "changed_inputs": files}
