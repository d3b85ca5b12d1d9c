"""A child process that dies with its parent (Linux's parent-death signal).

Without it, a child whose parent is killed (even by SIGKILL) runs on as an orphan: a dbt build
holding the warehouse, a query computing for hours. Kept free of heavy imports: it runs first in
every child.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGKILL, parent: int | None = None) -> bool:
    """Have the kernel send `signum` to this process when its parent dies. False when the parent
    (`parent`, or else whatever started this process) has already died, before the signal was armed."""
    if not sys.platform.startswith("linux"):
        return True
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)
    return os.getppid() != 1 and (parent is None or os.getppid() == parent)
