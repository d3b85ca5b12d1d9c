"""The one connection factory of the warehouse: every connection to a warehouse file is opened here.

It applies the configuration's DuckDB settings (the memory limit), opens read-only or for writing,
and a writer holds the warehouse's writer lock (wres.runlock) while it is open. Readers outside a
run open the snapshot (`reader`); a step inside a run, lock held, may read the live file (`connect`).
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from wres.config import Settings
from wres.runlock import explain_duckdb_lock, reader_path, snapshot_path, writer_lock


def connect(settings: Settings, *, read_only: bool, path: Path | None = None,
            config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse (or to `path`, its snapshot) with the configuration's memory limit
    (and `config` on top). A connection that writes must be opened with the writer lock held (`writer`)."""
    return duckdb.connect(str(path or settings.warehouse), read_only=read_only,
                          config={**settings.duckdb_config(), **(config or {})})


@contextmanager
def writer(settings: Settings, wait_seconds: float = 0,
           on_wait: Callable[[str], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writing connection to the warehouse, the writer lock held while it is open (re-entrant within a
    process); `runlock.WarehouseBusy` when another process holds it past `wait_seconds`."""
    with writer_lock(settings.warehouse, wait_seconds=wait_seconds, on_wait=on_wait):
        con = connect(settings, read_only=False)
        try:
            yield con
        finally:
            con.close()


@contextmanager
def reader(settings: Settings, config: dict | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the readers' snapshot (the warehouse itself before the first one):
    no lock, so a refresh never waits for a reader."""
    con = connect(settings, read_only=True, path=reader_path(settings.warehouse), config=config)
    try:
        yield con
    finally:
        con.close()


def refresh_snapshot(settings: Settings) -> Path:
    """Checkpoint the warehouse and swap a copy of it in atomically as the readers' snapshot.
    Call with no connection to the warehouse open."""
    with writer(settings) as con:
        con.execute("checkpoint")
        con.close()  # before the copy: every change is in the file
        target = snapshot_path(settings.warehouse)
        partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
        shutil.copyfile(settings.warehouse, partial)
        os.replace(partial, target)
    return target


def snapshot_stale(settings: Settings) -> bool:
    """Whether the readers' snapshot is missing or older than the warehouse (a refresh of it failed)."""
    warehouse, snapshot = Path(settings.warehouse), snapshot_path(settings.warehouse)
    if not warehouse.exists():
        return False
    return not snapshot.exists() or snapshot.stat().st_mtime_ns < warehouse.stat().st_mtime_ns


def try_refresh_snapshot(settings: Settings) -> str | None:
    """Refresh the readers' snapshot; None when done, else a one-line warning saying why not. The
    warehouse itself is complete either way (what was built or published stays so), and the next
    refresh tries again (`snapshot_stale`)."""
    try:
        refresh_snapshot(settings)
        return None
    except (duckdb.Error, OSError) as exc:
        reason = explain_duckdb_lock(exc, settings.warehouse) if isinstance(exc, duckdb.Error) else str(exc)
        return (f"the readers' snapshot {snapshot_path(settings.warehouse)} could not be refreshed ({reason}); "
                f"it still shows the warehouse as it was before, and the next `wres refresh` tries again")
