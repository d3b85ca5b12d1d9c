"""Running the dbt project with the warehouse's configuration.

dbt reads its thresholds with var() and its warehouse path from WRES_WAREHOUSE; both
come from `wres.toml` (see wres.config), so every invocation goes through here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from wres.config import DBT_PROJECT_DIR, Settings

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def dbt_executable() -> str:
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else "dbt"


def vars_arg(settings: Settings) -> list[str]:
    return ["--vars", json.dumps(settings.dbt_vars(), sort_keys=True)]


def dbt_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["WRES_WAREHOUSE"] = str(settings.warehouse)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def run_dbt(args: list[str], settings: Settings, capture: bool = False) -> subprocess.CompletedProcess:
    """Run `dbt <args>` in the project with the configuration's vars appended."""
    command = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR),
               "--profiles-dir", str(DBT_PROJECT_DIR), *vars_arg(settings)]
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
