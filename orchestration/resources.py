"""Resources shared by the assets: the DuckDB warehouse and the landing zone."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb
from filelock import FileLock

from wres.config import Settings, settings as current_settings

WAREHOUSE_POOL = "warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file, the landing zone it reads and the folder releases go to.

    DuckDB allows one writer per file: `writer()` holds a lock file beside the warehouse
    for as long as the connection is open, so a CLI refresh and a Dagster run never
    write at the same time; `reader()` opens the file read-only.
    """

    warehouse: str
    raw_dir: str
    publish_dir: str
    lock_timeout_seconds: float = 1800

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "WarehouseResource":
        s = settings or current_settings()
        return cls(warehouse=str(s.warehouse), raw_dir=str(s.raw_dir), publish_dir=str(s.publish_dir))

    @property
    def path(self) -> Path:
        return Path(self.warehouse)

    @contextmanager
    def lock(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.path) + ".lock", timeout=self.lock_timeout_seconds):
            yield

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.lock():
            con = duckdb.connect(str(self.path))
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            yield con
        finally:
            con.close()

    def export_for_dbt(self) -> None:
        """dbt's profile reads the warehouse path from the environment."""
        os.environ["WRES_WAREHOUSE"] = str(self.path)
