"""Writing the release of one WRES year: tables, manifest, then an atomic swap into place.

A release is built in a hidden folder beside its destination, checked, and only then
moved to `<publish dir>/<year>/`; the previous release is moved aside first and removed
last, so a failure at any step leaves the previous release in place.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from wres.config import PROJECT_ROOT
from wres.disclosure.loss import release_information_loss
from wres.freshness import config_fingerprint, inputs_in_manifest, release_fingerprint
from wres.ingest.landing import source_gaps
from wres.ingest.load import release_inputs, sha256
from wres.publish.contents import RELEASE_TABLES, csv_safe_query, publication_query
from wres.publish.changes import write_changes
from wres.publish.datapackage import write_datapackage
from wres.publish.dictionary import column_descriptions, write_dictionary
from wres.publish.workbook import workbook_name, write_workbook
from wres.quality.gate import GateResult, evaluate
from wres.quality.report import render
from wres.report.build import build_report

@dataclass
class Release:
    wres_year: int
    folder: Path
    tables: dict[str, int] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    staging: Path | None = None


def code_version() -> str:
    """The git commit of the code (with -dirty when the work tree has changes), else the package version."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        from importlib.metadata import version
        return f"wres-warehouse {version('wres-warehouse')}"


PACKAGES = ("wres-warehouse", "duckdb", "dbt-core", "dbt-duckdb", "dagster", "dagster-dbt", "great-expectations",
            "pandas", "pyarrow", "altair", "vl-convert-python")


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def swap_into_place(staging: Path, destination: Path) -> None:
    """Move a finished release folder to its destination; the one it replaces goes to
    `<publish dir>/history/<year>/<its published_at>/`."""
    aside = destination.with_name(f".previous-{destination.name}-{uuid.uuid4().hex[:8]}")
    if destination.exists():
        destination.rename(aside)
    try:
        staging.rename(destination)
    except BaseException:
        if aside.exists():
            aside.rename(destination)
        raise
    if aside.exists():
        keep_in_history(aside, destination.parent / "history" / destination.name)


def keep_in_history(release: Path, folder: Path) -> None:
    try:
        published_at = json.loads((release / "manifest.json").read_text(encoding="utf-8"))["published_at"]
        name = published_at.replace(":", "").replace("+0000", "Z")
    except (OSError, ValueError, KeyError):
        name = f"unknown-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    release.rename(folder / name)


def stage_release(con: duckdb.DuckDBPyConnection, wres_year: int, settings) -> Release:
    """Write the release's tables, its statistics workbook and their descriptions into a hidden staging
    folder beside its destination."""
    publish_dir = Path(settings.publish_dir)
    publish_dir.mkdir(parents=True, exist_ok=True)
    staging = publish_dir / f".incoming-{wres_year}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    release = Release(wres_year=wres_year, folder=publish_dir / str(wres_year), staging=staging)
    try:
        for table in RELEASE_TABLES:
            query = publication_query(table, wres_year)
            # The column descriptions travel inside the Parquet file (key-value metadata, as JSON).
            described = json.dumps(column_descriptions(RELEASE_TABLES[table]), sort_keys=True).replace("'", "''")
            for extension, source, options in (
                    ("parquet", query, f"(format parquet, kv_metadata {{wres_column_descriptions: '{described}'}})"),
                    ("csv", csv_safe_query(con, query), "(format csv, header true)")):
                target = str(staging / f"{table}.{extension}").replace("'", "''")
                con.execute(f"copy ({source}) to '{target}' {options}")
            release.tables[table] = con.execute(f"select count(*) from ({query})").fetchone()[0]
        write_workbook(staging / workbook_name(wres_year), staging / "wres_indicator_summary.parquet", wres_year,
                       settings)
        write_datapackage(staging, RELEASE_TABLES, wres_year)
        write_dictionary(staging, RELEASE_TABLES, workbook_name(wres_year))
    except BaseException:
        discard(release)
        raise
    return release


def discard(release: Release) -> None:
    if release.staging is not None and release.staging.exists():
        shutil.rmtree(release.staging, ignore_errors=True)


def finish_release(con: duckdb.DuckDBPyConnection, release: Release, extra_manifest: dict | None = None,
                   extra_files: dict[str, str] | None = None, protection_notice: str = "") -> Release:
    """Add the manifest and extra files to a staged release, verify it, and swap it into place.
    A `protection_notice` (disclosure control weaker than the methodology) is the manifest's first entry."""
    staging = release.staging
    try:
        for name, text in (extra_files or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        release.manifest = {
            **({"protection_notice": protection_notice} if protection_notice else {}),
            "wres_year": release.wres_year,
            "published_at": datetime.now(timezone.utc).isoformat(),
            "code_version": code_version(),
            "package_versions": package_versions(),
            "inputs": release_inputs(con, release.wres_year),
            "tables": {t: {"rows": n, "files": [f"{t}.parquet", f"{t}.csv"]} for t, n in release.tables.items()},
            "workbook": workbook_name(release.wres_year),
            "datapackage": "datapackage.json",
            **(extra_manifest or {}),
            # Every file of the release but this manifest, so a reader can prove a copy is intact.
            "file_sha256": {str(p.relative_to(staging)): sha256(p) for p in sorted(staging.rglob("*"))
                            if p.is_file()},
        }
        (staging / "manifest.json").write_text(json.dumps(release.manifest, indent=2, default=str),
                                               encoding="utf-8")
        _verify(staging, release)
        swap_into_place(staging, release.folder)
    finally:
        discard(release)
    return release


def _verify(staging: Path, release: Release) -> None:
    """Every table file is there and reads back with the row count written."""
    con = duckdb.connect()
    try:
        for table, rows in release.tables.items():
            for extension in ("parquet", "csv"):
                path = str(staging / f"{table}.{extension}").replace("'", "''")
                found = con.execute(f"select count(*) from '{path}'").fetchone()[0]
                if found != rows:
                    raise RuntimeError(f"release {release.wres_year}: {table}.{extension} holds {found} rows, "
                                       f"expected {rows}")
    finally:
        con.close()


class GateFailed(Exception):
    """The publication gate of a year failed: nothing was published."""

    def __init__(self, gate, report_path: Path):
        self.gate = gate
        self.report_path = report_path
        lines = "\n  ".join(check.summary() for check in gate.failures)
        super().__init__(f"WRES {gate.wres_year} not published: {len(gate.failures)} blocking check(s) failed "
                         f"(report: {report_path}); the previous release stays in place:\n  {lines}")


def suppression_counts(con: duckdb.DuckDBPyConnection, wres_year: int) -> dict[str, int]:
    return dict(con.execute("""select coalesce(suppression_reason, 'published'), count(*)
                               from marts.wres_indicator_summary where wres_year = ? group by 1 order by 1""",
                            [wres_year]).fetchall())


def publish_year(con: duckdb.DuckDBPyConnection, wres_year: int, settings) -> tuple[Release, GateResult]:
    """Run the gate on the year's release-to-be; publish it atomically only when no blocking check fails.

    The gate's report is always written to `<publish dir>/gate_reports/<year>/`; a passing
    release carries it as `data_quality.html`, and its manifest every check result.
    """
    release = stage_release(con, wres_year, settings)
    try:
        gate = evaluate(con, wres_year, release.staging, release.folder, settings)
        counts = suppression_counts(con, wres_year)
        inputs = release_inputs(con, wres_year)
        version = code_version()
        changes = write_changes(release.folder, release.staging, inputs)
        notice = settings.protection_notice()
        gaps = source_gaps(inputs, wres_year, settings)
        sentences = [gap.sentence for gap in gaps]
        report = render(gate, counts, inputs, version, changes=changes, notice=notice, gaps=sentences)
        reports = Path(settings.publish_dir) / "gate_reports" / str(wres_year)
        reports.mkdir(parents=True, exist_ok=True)
        (reports / "data_quality.html").write_text(render(gate, counts, inputs, version, published=False,
                                                          changes=changes, notice=notice, gaps=sentences),
                                                   encoding="utf-8")
        (reports / "checks.json").write_text(json.dumps({**({"protection_notice": notice} if notice else {}),
                                                         "wres_year": wres_year, "passed": gate.passed,
                                                         "checks": gate.as_dicts()}, indent=2), encoding="utf-8")
        if not gate.passed:
            raise GateFailed(gate, reports / "data_quality.html")
        # The report is built from the staged, disclosure-controlled files only, and swapped in with them.
        build_report(release.staging, con, wres_year, gate.warnings, settings.thresholds,
                     protection_notice=notice, gaps=gaps)
    except BaseException:
        discard(release)
        raise
    release = finish_release(
        con, release,
        extra_manifest={"configuration": {"file": settings.config_file.name, "sha256": config_fingerprint(settings),
                                          "content": settings.config_file.read_text(encoding="utf-8")},
                        "fingerprint": release_fingerprint(inputs_in_manifest(con), wres_year, settings),
                        "gate": {"passed": True, "blocking_failures": 0, "warnings": len(gate.warnings)},
                        "absent_indicators": [{"indicators": list(gap.indicators), "why": gap.sentence}
                                              for gap in gaps],
                        "checks": gate.as_dicts(), "suppression": counts,
                        "information_loss": release_information_loss(release.staging), "report": "report/index.html",
                        "changes": changes},
        extra_files={"data_quality.html": report}, protection_notice=notice)
    # Only now, with the release swapped in, does the gate's own report say "published".
    (reports / "data_quality.html").write_text(report, encoding="utf-8")
    return release, gate


def recover_leftovers(publish_dir: Path, wres_year: int | None = None) -> list[str]:
    """Tidy what an interrupted publication left (call with the writer lock held): a release moved
    aside but never replaced is put back; half-written and superseded folders are removed. Of one WRES
    year only, when given: other years may be publishing beside it."""
    publish_dir = Path(publish_dir)
    if not publish_dir.is_dir():
        return []
    done = []
    which = "*" if wres_year is None else str(int(wres_year))
    for aside in sorted(publish_dir.glob(f".previous-{which}-*")):
        year = aside.name.split("-")[1]
        destination = publish_dir / year
        if not destination.exists():
            aside.rename(destination)
            done.append(f"restored the WRES {year} release an interrupted publication had moved aside")
        else:
            shutil.rmtree(aside, ignore_errors=True)
            done.append(f"removed {aside.name}, the WRES {year} release an interrupted publication had replaced")
    for incoming in sorted(publish_dir.glob(f".incoming-{which}-*")):
        shutil.rmtree(incoming, ignore_errors=True)
        done.append(f"removed {incoming.name}, a release an interrupted publication had not finished")
    return done
