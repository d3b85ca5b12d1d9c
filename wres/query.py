"""`wres query`'s bounded run: one read-only statement against the readers' snapshot, computed in a
child process that a timeout or Ctrl-C ends.

Why a process and not a thread with DuckDB's `interrupt()`: under load, a query in a worker thread
sometimes kept the main thread from ever seeing Ctrl-C (about one test run in two), so the command
neither stopped nor exited. A child process is ended by the kernel whatever DuckDB is doing, and
the parent waits on a pipe only, so it sees every signal at once. Ending the child loses nothing:
it holds the snapshot read-only. It also dies with its parent (wres.child).
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from dataclasses import dataclass

from wres.child import die_with_parent
from wres.config import Settings

# The snapshot read-only, no file access beyond it (no COPY ... TO, no ATTACH, no read_csv of other
# files), the memory limit of every warehouse connection, and none of it can be changed by the query.
LOCKED_DOWN = {"enable_external_access": False, "lock_configuration": True}


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple]


class QueryFailed(Exception):
    """DuckDB refused or failed the statement (its message), or the query's process died."""


class QueryTimedOut(Exception):
    pass


def run(settings: Settings, sql: str, limit: int, timeout: float) -> Result:
    """The first `limit` rows of `sql`. `QueryTimedOut` after `timeout` seconds; Ctrl-C
    (KeyboardInterrupt) ends the query before it reaches the caller."""
    child = subprocess.Popen([sys.executable, "-m", "wres.query"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = child.communicate(pickle.dumps((os.getpid(), settings, sql, limit)), timeout=timeout)
    except subprocess.TimeoutExpired:
        _end(child)
        raise QueryTimedOut(f"the query ran longer than {timeout:g} s and was stopped "
                            f"(--timeout sets the limit)") from None
    except BaseException:  # Ctrl-C, or SIGTERM made an exception: the query must not outlive the command
        _end(child)
        raise
    if child.returncode != 0 or not out:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise QueryFailed(f"the query's process ended unexpectedly (exit code {child.returncode}: {last[0]})")
    outcome = pickle.loads(out)
    if isinstance(outcome, str):
        raise QueryFailed(outcome)
    return Result(*outcome)


def _end(child: subprocess.Popen) -> None:
    child.kill()
    child.wait()


def _compute() -> None:
    """The child: read (parent, settings, sql, limit) from stdin, write (columns, rows) or DuckDB's
    message (plain types: this module runs as __main__ here, so its classes would not unpickle)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal reaches both; the parent decides
    parent, settings, sql, limit = pickle.load(sys.stdin.buffer)
    if not die_with_parent(parent=parent):
        sys.exit(1)
    import duckdb

    from wres.warehouse import reader

    try:
        with reader(settings, config=LOCKED_DOWN) as con:
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            outcome: tuple | str = (columns, cursor.fetchmany(limit) if cursor.description else [])
    except duckdb.Error as exc:
        outcome = str(exc)
    sys.stdout.buffer.write(pickle.dumps(outcome))

if __name__ == "__main__":
    _compute()
