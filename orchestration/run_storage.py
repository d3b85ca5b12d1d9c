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
the transactions and their commits are Dagster's own, unchanged. The run index and the event index
keep their connection open in the engine's pool. Each run's own event file does not: the webserver
learns of a run's new events by watching that file (watchdog), which changes only when the WAL is
checkpointed, that is when the last connection closes, so its connection still closes after every
event (`NullPool`), and only the engine is kept.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

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


def engine_for(url: str, keep_open: bool = True) -> Engine:
    """The process's engine for the SQLite file at `url`: its pool keeps one connection open (more while
    threads write at once), or, `keep_open` false, closes each connection when it is returned."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            pool = {"pool_size": 1, "max_overflow": 4} if keep_open else {"poolclass": NullPool}
            engine = _engines[url] = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS}, **pool)
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
            # A run's own file is watched for changes: closed after each event, it is checkpointed.
            engine = engine_for(self.conn_string_for_shard(shard), keep_open=shard == INDEX_SHARD_NAME)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    @contextmanager
    def run_connection(self):
        with engine_for(self._conn_string).connect() as conn, conn.begin():
            yield conn

    SqliteEventLogStorage._connect = event_log_connection
    SqliteRunStorage.connect = run_connection
