"""Dagster's run history on SQLite: committed in write-ahead-log mode, over connections kept open.

Dagster's default storage writes every event of a run (a dbt build logs several hundred) in a
transaction of its own, in SQLite's default rollback-journal mode, which syncs the disk several
times per commit: about 48 ms an event on this project's machines, 11 ms in WAL mode with
`synchronous=NORMAL` (measured with 200 planned-materialization events). WAL with NORMAL is
SQLite's recommended setting for it: a crash of the process loses nothing committed, a power
cut can lose the last commits but never corrupts the file. The journal mode is stored in the
database file, so the webserver, which does not load this module, reads the files as usual.

Of those 11 ms, most went on opening the file: Dagster's SQLite storages build a SQLAlchemy engine
for every event and close its connection after it, and closing the last connection to a WAL file
checkpoints it. `reuse_connections` gives each SQLite file one engine for the life of the process;
the transactions and their commits are Dagster's own, unchanged, and each engine's pool keeps its
connection open. A full refresh of the hand-made landing zone, both years published in the
refreshing process, spent 4.3 s storing its events instead of 7.3 s (pyinstrument). The webserver
learns of a run's new events by watching the run's own file (watchdog), and a commit in WAL mode
changes only the write-ahead log beside it until a checkpoint, which Dagster's closing of every
connection used to bring: so after a transaction that wrote to a run's file, its modification time
is set (`os.utime`), which the watch sees as a change.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

# One engine per SQLite file: the run index, the event index and each run's event shard. A process
# writes a few runs (a refresh: one per step); the least recently used beyond these are closed.
ENGINES_KEPT = 8
BUSY_TIMEOUT_SECONDS = 30  # as Dagster's own SQLite storages

_engines: OrderedDict[str, Engine] = OrderedDict()
_engines_lock = threading.Lock()


def _write_ahead(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("pragma journal_mode=wal")
        cursor.execute("pragma synchronous=normal")
        cursor.close()


def commit_in_write_ahead_mode() -> None:
    """Every SQLite connection SQLAlchemy opens in this process (Dagster's storage is the only one) uses WAL."""
    if not event.contains(Engine, "connect", _write_ahead):
        event.listen(Engine, "connect", _write_ahead)


def engine_for(url: str) -> Engine:
    """The process's engine for the SQLite file at `url`; its pool keeps one connection open (more while
    threads write at once)."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = create_engine(url, pool_size=1, max_overflow=4,
                                                   connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
            while len(_engines) > ENGINES_KEPT:
                _engines.popitem(last=False)[1].dispose()  # a connection still checked out closes on return
        _engines.move_to_end(url)
        return engine


def reuse_connections() -> None:
    """Dagster's SQLite run and event storages, in this process, open each file once (`engine_for`).
    They replace the storages' own `connect`/`_connect`, which differ only in building a new engine
    each time: the transaction and the first-use schema check are theirs."""
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
    from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage

    @contextmanager
    def event_log_connection(self, shard: str):
        with self._db_lock:
            engine = engine_for(self.conn_string_for_shard(shard))
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                sqlite = conn.connection.dbapi_connection
                changes = sqlite.total_changes
                with conn.begin():
                    yield conn
                wrote = sqlite.total_changes != changes
            if wrote and shard != INDEX_SHARD_NAME:  # a run's own file, which the webserver watches
                os.utime(self.path_for_shard(shard))

    @contextmanager
    def run_connection(self):
        with engine_for(self._conn_string).connect() as conn, conn.begin():
            yield conn

    SqliteEventLogStorage._connect = event_log_connection
    SqliteRunStorage.connect = run_connection
