"""One writer at a time per warehouse, across processes, and a snapshot for everyone who reads.

DuckDB lets one process write a file, and refuses a writer while any other process has it
open, even read-only. So every step that writes the warehouse (a CLI refresh as a whole, each
Dagster run) holds an exclusive lock on `<warehouse>.lock`; the lock file names its holder,
so a second writer can say who it waits for. Readers (analysts, `wres status`, `wres query`)
never open the warehouse itself: they open `<warehouse>.snapshot.duckdb`, a copy the writer
swaps in atomically after it has finished writing (wres.warehouse.refresh_snapshot), so a refresh never waits for a reader and a
reader is never refused during a refresh.

The lock is re-entrant within a process (a CLI refresh holds it while the Dagster steps it runs
take it again) and is released by the kernel when its holder dies, even by SIGKILL. A refresh
lends it to the worker processes that publish for it (`lent_lock`, `adopt_lock`): they inherit
the locked file, so they hold the same lock, and the kernel releases it when the last of them
has closed it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import duckdb  # for the type of the error explained; connections are opened in wres.warehouse

from wres.text import printable

_held: dict[str, tuple[int, int]] = {}  # lock path -> (file descriptor, depth) in this process


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse's writer lock."""


def lock_path(warehouse: Path) -> Path:
    return Path(str(warehouse) + ".lock")


def snapshot_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(f"{warehouse.stem}.snapshot{warehouse.suffix}")


def holder(warehouse: Path) -> str:
    """Who holds (or last held) the writer lock, in one line."""
    try:
        owner = json.loads(lock_path(warehouse).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another process"
    if not owner:
        return "another process"
    return f"PID {owner.get('pid')} ({owner.get('command', '?')}, since {owner.get('since', '?')})"


@contextmanager
def writer_lock(warehouse: Path, wait_seconds: float = 0,
                on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock; wait up to `wait_seconds` for it, else raise WarehouseBusy."""
    path = lock_path(warehouse)
    key = os.path.abspath(path)
    if key in _held:
        fd, depth = _held[key]
        _held[key] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held[key]
            _held[key] = (fd, depth - 1)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise WarehouseBusy(f"the warehouse {warehouse} is being written by {holder(warehouse)}; "
                                    f"try again when it has finished (or use --wait)") from None
            if on_wait and not told:
                on_wait(f"waiting for {holder(warehouse)}, which is writing the warehouse…")
                told = True
            time.sleep(0.5)
    owner = {"pid": os.getpid(), "command": " ".join(os.path.basename(a) if i == 0 else a
                                                     for i, a in enumerate(sys.argv[:4])),
             "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(owner).encode(), 0)
    _held[key] = (fd, 1)
    try:
        yield
    finally:
        del _held[key]
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def lent_lock(warehouse: Path) -> int:
    """The file descriptor of the writer lock this process holds on `warehouse` (inside `writer_lock`),
    for a child process to inherit and `adopt_lock`."""
    key = os.path.abspath(lock_path(warehouse))
    if key not in _held:
        raise RuntimeError(f"this process does not hold the writer lock of {warehouse}")
    return _held[key][0]


def adopt_lock(warehouse: Path, fd: int) -> None:
    """In a child process: hold the writer lock its parent lent it (`lent_lock`), inherited as descriptor
    `fd`, for the rest of the child's life; `writer_lock` then re-enters it instead of waiting for it."""
    path = lock_path(warehouse)
    if os.fstat(fd).st_ino != os.stat(path).st_ino:
        raise RuntimeError(f"descriptor {fd} is not the writer lock {path}")
    _held[os.path.abspath(path)] = (fd, 1)


_LOCK_HOLDER = re.compile(r"held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


def explain_duckdb_lock(exc: duckdb.Error, warehouse: Path) -> str:
    """DuckDB's 'Conflicting lock is held in <program> (PID n). <more sentences>' as one line that
    names the holder and says what to do. Only the holder's program and PID are taken from DuckDB's
    message, whatever sentences it adds around them."""
    text = str(exc)
    if "lock" not in text.lower():
        return text
    match = _LOCK_HOLDER.search(text)
    if not match:
        return (f"the warehouse {warehouse} is open in another process; "
                f"readers should open the snapshot {snapshot_path(warehouse)} instead")
    pid, command = match["pid"], match["program"]
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        pass
    return (f"the warehouse {warehouse} is open in another process (PID {pid}: {printable(command, 120)}); "
            f"readers should open the snapshot {snapshot_path(warehouse)} instead")


def reader_path(warehouse: Path) -> Path:
    """The file readers open: the snapshot, or the warehouse itself before the first snapshot."""
    snapshot = snapshot_path(warehouse)
    return snapshot if snapshot.exists() else Path(warehouse)
