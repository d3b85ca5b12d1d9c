"""`wres-dbt`: dbt that dies with the process that started it.

dagster-dbt starts dbt as a child process. If the refresh is killed (even by SIGKILL) an
orphaned `dbt build` would go on holding the warehouse, and the next refresh would fail at
once. Linux's parent-death signal, set here before exec'ing dbt (wres.child), kills dbt with
its parent. Kept free of heavy imports: it runs before every dbt command.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from wres.child import die_with_parent


def real_dbt() -> str:
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else "dbt"


def print_version() -> None:
    """What `dbt --version` says of the installed packages, without dbt's import (seconds) and its
    look-up of the latest release on the network, which a locked-down machine may not reach.
    dagster-dbt asks for it before each dbt command it runs."""
    from importlib.metadata import version

    print(f"Core:\n  - installed: {version('dbt-core')}\n\nPlugins:\n  - duckdb: {version('dbt-duckdb')}")


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print_version()
        return
    if not die_with_parent():
        sys.exit(1)
    dbt = real_dbt()
    os.execvp(dbt, [dbt, *sys.argv[1:]])


if __name__ == "__main__":
    main()
