"""Dagster's run history on SQLite: committed in write-ahead-log mode.

Dagster's default storage writes every event of a run (a dbt build logs several hundred) in a
transaction of its own, in SQLite's default rollback-journal mode, which syncs the disk several
times per commit: about 48 ms an event on this project's machines, 11 ms in WAL mode with
`synchronous=NORMAL` (measured with 200 planned-materialization events). WAL with NORMAL is
SQLite's recommended setting for it: a crash of the process loses nothing committed, a power
cut can lose the last commits but never corrupts the file. The journal mode is stored in the
database file, so the webserver, which does not load this module, reads the files as usual.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


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
