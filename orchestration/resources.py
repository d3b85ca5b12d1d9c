"""Resources shared by the assets: the DuckDB warehouse and the landing zone."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from wres import warehouse as factory
from wres.config import Settings, load_settings
from wres.runlock import explain_duckdb_lock, writer_lock

WAREHOUSE_POOL = "warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file, the landing zone it reads and the folder releases go to.

    DuckDB allows one writer per file, and refuses a writer while another process has the file
    open: every step of a run that writes or reads the live warehouse holds its writer lock
    (wres.runlock), waiting up to `lock_timeout_seconds`. Readers outside a run (analysts,
    `wres status`, `wres query`) open the snapshot the writer swaps in after each build.
    """

    warehouse: str
    raw_dir: str
    publish_dir: str
    config_file: str
    lock_timeout_seconds: float = 1800
    _settings: Settings | None = PrivateAttr(default=None)

    @classmethod
    def from_settings(cls, settings: Settings) -> "WarehouseResource":
        """The resource of an entry point's settings, which it keeps (a run worker that builds the
        resource from its configuration reads the configuration file once)."""
        resource = cls(warehouse=str(settings.warehouse), raw_dir=str(settings.raw_dir),
                       publish_dir=str(settings.publish_dir), config_file=str(settings.config_file))
        resource._settings = settings
        return resource

    def settings(self) -> Settings:
        """The run's settings: its configuration file, with this resource's folders (read once)."""
        if self._settings is None:
            self._settings = load_settings(self.config_file).with_paths(self.raw_dir, self.warehouse,
                                                                         self.publish_dir)
        return self._settings

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Tag the run with its process (orchestration.runs), so a run whose worker dies is found."""
        if context.instance is not None and context.run is not None:
            from orchestration.runs import process_tags

            context.instance.add_run_tags(context.run.run_id, process_tags())

    @property
    def path(self) -> Path:
        return Path(self.warehouse)

    @contextmanager
    def lock(self) -> Iterator[None]:
        with writer_lock(self.path, wait_seconds=self.lock_timeout_seconds,
                         on_wait=lambda message: dg.get_dagster_logger().info(message)):
            yield

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            return factory.connect(self.settings(), read_only=read_only)
        except duckdb.IOException as exc:
            raise dg.Failure(description=explain_duckdb_lock(exc, self.path)) from None

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.lock():
            con = self._connect(read_only=False)
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The live warehouse, read-only, for a step of a run (checks, publication): under the lock,
        so no other run writes while it reads."""
        with self.lock():
            con = self._connect(read_only=True)
            try:
                yield con
            finally:
                con.close()

    def refresh_snapshot(self) -> str | None:
        """Swap in a fresh copy of the warehouse for readers (call after a build, lock held). A process
        holding the warehouse open does not fail the build: the warning is returned (and logged), and
        the next refresh tries again."""
        with self.lock():
            warning = factory.try_refresh_snapshot(self.settings())
        if warning:
            dg.get_dagster_logger().warning(warning)
        return warning
