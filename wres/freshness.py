"""Which steps a refresh needs: the years whose files changed, and the releases that are stale.

A year's files are compared by SHA-256 with its latest load in `raw.load_manifest`: only the
years whose files changed are loaded again. A release is stale when its *fingerprint* differs
from the one its inputs give now. The fingerprint covers everything a year's figures depend
on: the files of the year, of the year before when indicator 3 is published as a two-year rolling
rate that year (before `indicator3_year_end_from`), the reference files, the code that computes figures (Python, dbt, expectations) and the
configuration's content. A refresh with nothing changed therefore does nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from wres import warehouse
from wres.config import DBT_PROJECT_DIR, EXPECTATIONS_DIR, PROJECT_ROOT, Settings
from wres.ingest.landing import not_regular, reference_files, year_files
from wres.ingest.load import latest_loads, sha256

REFERENCE = "reference"
# Everything that changes a published figure; orchestration code and tests do not.
CODE_FOLDERS = (PROJECT_ROOT / "wres", DBT_PROJECT_DIR / "models", DBT_PROJECT_DIR / "macros",
                DBT_PROJECT_DIR / "seeds", DBT_PROJECT_DIR / "tests", EXPECTATIONS_DIR)
CODE_SUFFIXES = (".py", ".sql", ".yml", ".csv", ".json", ".html", ".css", ".js")

Inputs = frozenset  # of (path relative to the landing zone, sha256)


@dataclass
class RefreshPlan:
    years: list[int]
    reference: bool  # reload the reference files
    ingest: list[int] = field(default_factory=list)
    publish: list[int] = field(default_factory=list)
    reasons: dict[int, str] = field(default_factory=dict)  # why each year is republished

    full: bool = False  # rebuild every year from scratch (forced, or a new warehouse)
    dependents: list[int] = field(default_factory=list)  # years whose figures use a reloaded year
    # Years republished only because the year before's files changed, with that year.
    waiting_on: dict[int, int] = field(default_factory=dict)

    def held_back(self, failed: list[int]) -> list[int]:
        """The years republished only for the files of a year that then `failed` to load: the warehouse
        still holds that year's last load, so their figures would not change (and their release would name
        files that were never loaded). They wait until those files load."""
        return sorted(y for y, before in self.waiting_on.items() if before in failed)

    @property
    def build_years(self) -> list[int]:
        """The years the incremental dbt models recompute; empty for all of them."""
        if self.full or self.reference:
            return []
        return sorted(set(self.publish) | set(self.ingest) | set(self.dependents))

    @property
    def build(self) -> bool:
        return self.reference or bool(self.ingest) or bool(self.publish)

    @property
    def nothing_to_do(self) -> bool:
        return not self.build


def uses_previous_year(wres_year: int, settings: Settings) -> bool:
    """Whether a year's release uses the year before's files: indicator 3 as published is a two-year
    rolling rate before `indicator3_year_end_from` (METHODOLOGY.md); nothing else spans years."""
    return wres_year < settings.years.indicator3_year_end_from


def code_fingerprint() -> str:
    """SHA-256 of the code that computes figures, file by file (no git needed)."""
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(PROJECT_ROOT)}\n".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def config_fingerprint(settings: Settings) -> str:
    return hashlib.sha256(settings.config_file.read_bytes()).hexdigest()


def landing_inputs(settings: Settings, years: list[int],
                   known: dict[str | int, Inputs] | None = None) -> dict[str | int, Inputs]:
    """(path, sha256) of the reference files and of each year's files (and the year before's where it
    uses them), as they are in the landing zone; entries of `known` are taken as they are, not hashed again."""
    raw_dir = settings.raw_dir

    def hashed(paths) -> Inputs:
        return frozenset((str(p.relative_to(raw_dir)), sha256(p)) for p in paths
                         if p.is_file() and not_regular(p, raw_dir) is None)

    found = dict(known or {})
    if REFERENCE not in found:
        found[REFERENCE] = hashed(f.path for f in reference_files(raw_dir))
    for year in sorted(set(years) | {y - 1 for y in years if uses_previous_year(y, settings)}):
        if year not in found:
            files = year_files(raw_dir, year, settings)
            # A problem of the layout (a FIFO, a link out of the zone, a misnamed file) is an input too:
            # the year is not up to date while it lasts, so its load runs and names it.
            found[year] = hashed(f.path for f in files.files) | frozenset((p, "") for p in files.problems)
    return found


def loaded_inputs(settings: Settings, path: Path | None = None) -> dict[str | int, Inputs]:
    """(path, sha256) of the latest load of the reference files and of each year, from the load manifest
    of the warehouse (or of `path`, its snapshot)."""
    if not Path(path or settings.warehouse).exists():
        return {}
    con = warehouse.connect(settings, read_only=True, path=path)
    try:
        return inputs_in_manifest(con)
    except duckdb.CatalogException:  # a warehouse that has never loaded anything
        return {}
    finally:
        con.close()


def inputs_in_manifest(con: duckdb.DuckDBPyConnection) -> dict[str | int, Inputs]:
    found: dict[str | int, set] = {}
    for load in latest_loads(con):
        year = load["wres_year"]
        found.setdefault(REFERENCE if year is None else int(year), set()).add((load["path"], load["sha256"]))
    return {key: frozenset(value) for key, value in found.items()}


def release_fingerprint(inputs: dict[str | int, Inputs], wres_year: int, settings: Settings,
                        code: str | None = None) -> str:
    """The fingerprint of year `wres_year`'s release computed from `inputs` (landing or loaded)."""
    payload = {
        "code": code or code_fingerprint(),
        "configuration": config_fingerprint(settings),
        REFERENCE: sorted(inputs.get(REFERENCE, ())),
        "year": sorted(inputs.get(wres_year, ())),
        "previous_year": sorted(inputs.get(wres_year - 1, ())) if uses_previous_year(wres_year, settings) else [],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def published_fingerprint(publish_dir: Path, wres_year: int) -> str | None:
    manifest = Path(publish_dir) / str(wres_year) / "manifest.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError):
        return None


def plan_refresh(settings: Settings, years: list[int], force: bool = False,
                 available: list[int] | None = None) -> RefreshPlan:
    """What a refresh of `years` has to do, given the landing zone, the warehouse and the releases.
    A year of `available` whose figures use a reloaded year is republished too (`uses_previous_year`)."""
    years = sorted(years)
    if force:
        return RefreshPlan(years, reference=True, ingest=list(years), publish=list(years),
                           reasons={y: "--force" for y in years}, full=True)
    loaded = loaded_inputs(settings)
    provisional = landing_inputs(settings, years)
    ingest = [y for y in years if provisional[y] != loaded.get(y)]
    dependents = [y + 1 for y in ingest if uses_previous_year(y + 1, settings)]
    candidates = sorted(set(years) | {y for y in dependents if y in (available or [])})
    landing = landing_inputs(settings, candidates, known=provisional)
    plan = RefreshPlan(candidates, reference=landing[REFERENCE] != loaded.get(REFERENCE), ingest=ingest,
                       full=not loaded, dependents=dependents)
    for year in stale_releases(settings, candidates, landing):
        if published_fingerprint(settings.publish_dir, year) is None:
            plan.reasons[year] = "no release yet"
        elif year in plan.ingest:
            plan.reasons[year] = "its files changed"
        elif (uses_previous_year(year, settings)
              and landing.get(year - 1, frozenset()) != loaded.get(year - 1, frozenset())):
            plan.reasons[year] = f"the files of {year - 1} changed (indicator 3 uses them)"
            # Only those files: as last loaded, they give the release it has (no reference, code or
            # configuration change besides), so the year can wait for them should they fail to load.
            as_loaded = {**landing, year - 1: loaded.get(year - 1, frozenset())}
            if release_fingerprint(as_loaded, year, settings) == published_fingerprint(settings.publish_dir, year):
                plan.waiting_on[year] = year - 1
        elif plan.reference:
            plan.reasons[year] = "the reference files changed"
        else:
            plan.reasons[year] = "the code or configuration changed, or its last release failed"
        plan.publish.append(year)
    return plan


def stale_releases(settings: Settings, years: list[int],
                   landing: dict[str | int, Inputs] | None = None) -> list[int]:
    """The years of `years` whose release is missing or older than their landing files, code or configuration."""
    landing = landing_inputs(settings, years, known=landing)
    code = code_fingerprint()
    return [y for y in sorted(years)
            if published_fingerprint(settings.publish_dir, y) != release_fingerprint(landing, y, settings, code)]


def changed_since_load(settings: Settings, years: list[int], loaded: dict[str | int, Inputs]) -> list[str | int]:
    """The reference (as REFERENCE) and the years whose landing files differ from their latest load."""
    landing = landing_inputs(settings, years)
    return [key for key in [REFERENCE, *sorted(years)] if landing.get(key) != loaded.get(key)]
