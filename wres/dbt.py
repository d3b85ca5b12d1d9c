"""Running the dbt project with the warehouse's configuration.

dbt reads its thresholds, and its profile the warehouse path, with var(); they come from
`wres.toml` (see wres.config), so every invocation goes through here. The WRES years an
incremental build recomputes are not a var: they are written to the warehouse's
`control.build_years` for the build to read (a changed var makes dbt re-parse the whole project).
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, ContextManager, Iterator

import duckdb

from wres import warehouse
from wres.config import DBT_PROJECT_DIR, Settings
from wres.dbt_child import real_dbt
from wres.disclosure.releases import record_release_cells

BUILD_YEARS = "control.build_years"


def dbt_executable() -> str:
    """`wres-dbt` (dbt that dies with its parent, wres.dbt_child) when installed, else dbt."""
    wrapper = Path(sys.executable).parent / "wres-dbt"
    return str(wrapper) if wrapper.exists() else real_dbt()


def vars_arg(settings: Settings, extra: dict | None = None) -> list[str]:
    """The configuration's vars (`extra` on top: one --vars flag, as dbt reads only the last)."""
    return ["--vars", json.dumps({**settings.dbt_vars(), **(extra or {})}, sort_keys=True)]


def target_path(settings: Settings) -> Path:
    """dbt's artifacts for builds of this warehouse, kept beside it: its partial-parse state, valid for
    this warehouse's profile, is reused by the next build instead of a full parse."""
    return Path(settings.warehouse).parent / "dbt_target"


def ensure_build_years_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists control")
    con.execute(f"create table if not exists {BUILD_YEARS} (wres_year integer)")


def request_build_years(con: duckdb.DuckDBPyConnection, years: list[int] | None) -> None:
    """The WRES years the next incremental build recomputes (none: every year)."""
    ensure_build_years_table(con)
    con.execute(f"delete from {BUILD_YEARS}")
    if years:
        con.execute(f"insert into {BUILD_YEARS} select unnest(?::integer[]) order by 1", [sorted(set(years))])


@contextmanager
def building_years(connect: Callable[[], ContextManager[duckdb.DuckDBPyConnection]], years: list[int] | None
                   ) -> Iterator[None]:
    """Request `years` for the build run inside, and clear the request after it, so that a later
    `wres dbt -- build` recomputes every year. `connect` opens a writing connection to the warehouse."""
    with connect() as con:
        request_build_years(con, years)
    try:
        yield
    finally:
        with connect() as con:
            request_build_years(con, [])


def dbt_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def run_dbt(args: list[str], settings: Settings, capture: bool = False,
            build_years: list[int] | None = None, extra_vars: dict | None = None) -> subprocess.CompletedProcess:
    """Run `dbt <args>` in the project with the configuration's vars (and `extra_vars`) appended;
    `build_years`: the years the incremental models recompute (see `building_years`). A build or run
    first records the cells of any release not yet in published.release_cells (`record_published_cells`)."""
    command = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR),
               "--profiles-dir", str(DBT_PROJECT_DIR), *vars_arg(settings, extra_vars)]

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=DBT_PROJECT_DIR, env=dbt_env(), text=True,
                              capture_output=capture, check=False)

    if {"build", "run"} & set(args) and Path(settings.warehouse).exists():
        record_published_cells(settings)
    if build_years is None:
        return run()
    with building_years(lambda: warehouse.writer(settings), build_years):
        return run()


def record_published_cells(settings: Settings) -> dict[int, int]:
    """Before a build: the cells of any current release not yet in published.release_cells, which the
    secondary suppression model reads (wres.disclosure.releases)."""
    with warehouse.writer(settings) as con:
        return record_release_cells(con, settings.publish_dir)


def _newest_source_mtime() -> float:
    files = [DBT_PROJECT_DIR / "dbt_project.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        files.extend((DBT_PROJECT_DIR / folder).rglob("*.*"))
    return max(f.stat().st_mtime for f in files if f.exists())


def manifest_path() -> Path:
    """dbt's manifest of the project: in its target folder, or in dbt's DBT_TARGET_PATH when set (relative
    to the project folder, as dbt reads it)."""
    return DBT_PROJECT_DIR / (os.environ.get("DBT_TARGET_PATH") or "target") / "manifest.json"


def ensure_manifest(settings: Settings) -> Path:
    """dagster-dbt reads the project from dbt's manifest: parse the project when it is missing or stale.
    One process parses at a time (a lock beside the manifest): two that load the definitions together
    (`dagster dev` and `wres refresh`, or test workers) would otherwise write the same target folder."""
    manifest = manifest_path()
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest.parent / ".parse.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
            result = run_dbt(["parse", "--quiet"], settings, capture=True)
            if result.returncode != 0:
                raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
    return manifest


# dbt's event lines: "57 of 96 OK created sql table model ..." / "... ERROR creating ..." / "... FAIL 3 ...".
_PROGRESS = re.compile(r"^(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# DuckDB's reason under a failed node: "Out of Memory Error: could not allocate ...", "Binder Error: ...".
_DATABASE_ERROR = re.compile(r"^\s*[A-Z][a-z]+( [A-Za-z]+)* Error: ")
# Set by the command line to show "dbt 57/96" while a build runs in its process.
progress_listeners: list[Callable[[int, int], None]] = []


def dbt_log_path(warehouse: Path, run_id: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Path(warehouse).parent / "logs" / f"dbt-{stamp}-{run_id[:8]}.log"


class DbtLog(io.TextIOBase):
    """A text sink for dbt's console output: every line to the log file, without colour codes;
    progress to the listeners; failing nodes kept for the error message."""

    def __init__(self, path: Path):
        self.path = path
        self._handle = None
        self._failed: list[str] = []

    def __enter__(self) -> "DbtLog":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(self.path, "w", encoding="utf-8")
        return self

    def __exit__(self, *exc) -> None:
        self._handle.close()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        plain = _ANSI.sub("", text)
        self._handle.write(plain)
        for line in plain.splitlines():
            match = _PROGRESS.match(line.strip())
            if match:
                for listener in progress_listeners:
                    listener(int(match[1]), int(match[2]))
                if match[3] in ("ERROR", "FAIL"):
                    self._failed.append(line.strip())
            elif _DATABASE_ERROR.search(line):
                self._failed.append(line.strip())
        return len(text)

    def flush(self) -> None:
        self._handle.flush()

    def errors(self) -> str:
        return "\n".join(self._failed)


def explain_failure(errors: str, settings: Settings) -> str:
    """dbt's error lines, with what to change when DuckDB ran out of the memory the configuration allows."""
    if "Out of Memory Error" not in errors:
        return errors
    return (f"{errors}\nDuckDB needed more memory than [duckdb] memory_limit = "
            f"\"{settings.duckdb_memory_limit}\" allows: raise it in {settings.config_file}")
