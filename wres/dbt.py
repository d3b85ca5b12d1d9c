"""Running the dbt project with the warehouse's configuration.

dbt reads its thresholds with var() and its warehouse path from WRES_WAREHOUSE; both
come from `wres.toml` (see wres.config), so every invocation goes through here.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from wres.config import DBT_PROJECT_DIR, Settings
from wres.dbt_child import real_dbt

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def dbt_executable() -> str:
    """`wres-dbt` (dbt that dies with its parent, wres.dbt_child) when installed, else dbt."""
    wrapper = Path(sys.executable).parent / "wres-dbt"
    return str(wrapper) if wrapper.exists() else real_dbt()


def vars_arg(settings: Settings, build_years: list[int] | None = None) -> list[str]:
    return ["--vars", json.dumps(settings.dbt_vars(build_years), sort_keys=True)]


def dbt_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["WRES_WAREHOUSE"] = str(settings.warehouse)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def run_dbt(args: list[str], settings: Settings, capture: bool = False,
            build_years: list[int] | None = None) -> subprocess.CompletedProcess:
    """Run `dbt <args>` in the project with the configuration's vars appended (and the years the
    incremental models recompute)."""
    command = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR),
               "--profiles-dir", str(DBT_PROJECT_DIR), *vars_arg(settings, build_years)]
    return subprocess.run(command, cwd=DBT_PROJECT_DIR, env=dbt_env(settings), text=True,
                          capture_output=capture, check=False)


def _newest_source_mtime() -> float:
    files = [DBT_PROJECT_DIR / "dbt_project.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        files.extend((DBT_PROJECT_DIR / folder).rglob("*.*"))
    return max(f.stat().st_mtime for f in files if f.exists())


def ensure_manifest(settings: Settings) -> Path:
    """dagster-dbt reads the project from dbt's manifest: parse the project when it is missing or stale."""
    if not MANIFEST.exists() or MANIFEST.stat().st_mtime < _newest_source_mtime():
        result = run_dbt(["parse", "--quiet"], settings, capture=True)
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
    return MANIFEST


# dbt's event lines: "57 of 96 OK created sql table model ..." / "... ERROR creating ..." / "... FAIL 3 ...".
_PROGRESS = re.compile(r"^(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
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
        return len(text)

    def flush(self) -> None:
        self._handle.flush()

    def errors(self) -> str:
        return "\n".join(self._failed)
