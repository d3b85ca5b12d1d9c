"""What `wres status` reports per WRES year: loads, landing-zone changes, gate, release, failures.

Everything is read from files a refresh leaves behind (the readers' snapshot of the warehouse,
the gate reports, the release manifests, the failure record): never from the live warehouse,
so status works while a refresh runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from wres import warehouse
from wres.config import Settings
from wres.freshness import inputs_in_manifest, landing_inputs
from wres.ingest.load import latest_loads
from wres.ingest.landing import wres_years_found
from wres.runlock import reader_path


@dataclass
class YearStatus:
    wres_year: int
    in_landing_zone: bool
    files_loaded: int | None = None
    loaded_at: datetime | None = None
    changed_since_load: bool | None = None
    gate: str = "-"
    published_at: str | None = None
    last_failure: str | None = None


def failures_path(settings: Settings) -> Path:
    return Path(str(settings.warehouse) + ".failures.json")


def record_failures(settings: Settings, attempted: list[int], failed: dict[int, str]) -> None:
    """Keep the latest failure of each year; a year refreshed without failure is cleared."""
    path = failures_path(settings)
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for year in attempted:
        known.pop(str(year), None)
    for year, error in failed.items():
        known[str(year)] = {"at": now, "error": error}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=2, sort_keys=True), encoding="utf-8")


def _latest_loads(settings: Settings) -> tuple[dict[int, tuple[int, datetime]], dict]:
    source = reader_path(settings.warehouse)
    if not source.exists():
        return {}, {}
    con = warehouse.connect(settings, read_only=True, path=source)
    try:
        loads: dict[int, tuple[int, datetime]] = {}
        for load in latest_loads(con):
            if load["wres_year"] is not None:
                files, _ = loads.get(int(load["wres_year"]), (0, None))
                loads[int(load["wres_year"])] = (files + 1, load["loaded_at"])
        return loads, inputs_in_manifest(con)
    except duckdb.CatalogException:
        return {}, {}
    finally:
        con.close()


def _gate(publish_dir: Path, year: int) -> str:
    try:
        checks = json.loads((publish_dir / "gate_reports" / str(year) / "checks.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "-"
    warnings = sum(1 for c in checks.get("checks", []) if not c.get("success") and c.get("severity") != "error")
    errors = sum(1 for c in checks.get("checks", []) if not c.get("success") and c.get("severity") == "error")
    verdict = "passed" if checks.get("passed") else f"FAILED ({errors} blocking)"
    return f"{verdict}, {warnings} warning(s)"


def year_statuses(settings: Settings) -> list[YearStatus]:
    found = wres_years_found(settings.raw_dir, settings)
    loads, loaded_inputs = _latest_loads(settings)
    years = sorted(set(found) | set(loads))
    landing = landing_inputs(settings, [y for y in years if y in found]) if found else {}
    try:
        failures = json.loads(failures_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        failures = {}
    statuses = []
    for year in years:
        status = YearStatus(year, year in found)
        if year in loads:
            status.files_loaded, status.loaded_at = loads[year]
            status.changed_since_load = year in found and landing.get(year) != loaded_inputs.get(year)
        status.gate = _gate(settings.publish_dir, year)
        try:
            manifest = json.loads((settings.publish_dir / str(year) / "manifest.json").read_text(encoding="utf-8"))
            status.published_at = manifest.get("published_at")
        except (OSError, ValueError):
            pass
        if str(year) in failures:
            failure = failures[str(year)]
            status.last_failure = f"{failure['at']}: {failure['error'].splitlines()[0] if failure['error'] else ''}"
        statuses.append(status)
    return statuses
