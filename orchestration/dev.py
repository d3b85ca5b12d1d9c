"""`make dagster`: `dagster dev` that stops promptly when told to (SIGTERM, SIGINT, or `make` dying).

`dagster dev` on its own waits up to a minute for its webserver and daemon to finish what they
are doing, and a SIGTERM sent to `make` alone never reaches it. Here it runs in a process group
of its own: a signal asks the whole group to stop (as Ctrl-C in a terminal does), and whatever
is still running `GRACE_SECONDS` later is killed. A run killed that way is marked failed by the
next `wres refresh` or `wres status` (orchestration.runs), and the writer lock dies with it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

from wres.child import die_with_parent

GRACE_SECONDS = 5
PR_SET_CHILD_SUBREAPER = 36


class _Stop(Exception):
    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stop(signum, _frame) -> None:
    raise _Stop(signum)


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def main(argv: list[str]) -> int:
    die_with_parent(signal.SIGTERM)  # `make` killed: this process is told
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        # The processes of dagster dev whose parent dies first are handed to this one, which waits for
        # every one of them before it exits: nothing outlives `make dagster`.
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    dagster = str(Path(sys.executable).parent / "dagster")
    child = subprocess.Popen([dagster, "dev", *argv], process_group=0)
    try:
        return child.wait()
    except _Stop as stop:
        print(f"{stop}: stopping dagster dev (at most {GRACE_SECONDS} s)", file=sys.stderr, flush=True)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second signal does not interrupt the shutdown
        _signal_group(child.pid, signal.SIGINT)
        try:
            child.wait(GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        _signal_group(child.pid, signal.SIGKILL)  # what is left of the group: webserver, daemon, run workers
        child.wait()
        _reap_all()
        return 128 + stop.signum


def _reap_all() -> None:
    """Kill and wait for every process left to this one (the subreaper): one that left the process
    group (a new session) would otherwise outlive the group's SIGKILL."""
    while children := _children():
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _children() -> list[int]:
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == me:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
