"""Work side by side in processes of our own: WRES years protected by secondary suppression at the
same time (`wres.disclosure.suppression.suppress_year_by_year`).

A worker is `python -m wres.processes <parent PID>`, armed to die with the process that started it
(Linux's parent-death signal, SIGKILL, as dbt and the publication workers). It reads a pickled
(function, arguments) pair on stdin (the function pickled by name, so this module imports none of
its callers) and answers with the pickled result, or the error's traceback, on stdout. Processes of
our own rather than multiprocessing's: a spawned multiprocessing
child runs its parent's main script again (dbt's, or any caller's), which fails wherever that
script has no `if __name__ == "__main__"` guard, and a forked one would copy dbt's threads and its
open DuckDB connection.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import subprocess
import sys
import traceback

STOP_SECONDS = 30


class WorkerError(RuntimeError):
    """A worker's function failed, or the worker stopped."""


class _Worker:
    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-m", __name__, str(os.getpid())],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def call(self, function, arguments: tuple):
        try:
            pickle.dump((function, arguments), self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
            ok, answer = pickle.load(self.process.stdout)
        except (EOFError, BrokenPipeError, pickle.UnpicklingError) as error:
            try:  # its pipe closes a moment before it can be waited for
                code = self.process.wait(5)
            except subprocess.TimeoutExpired:
                code = None
            raise WorkerError(f"a worker process ({function.__qualname__}) stopped, exit code {code}") from error
        if not ok:
            raise WorkerError(f"{function.__qualname__} failed in a worker process:\n{answer}")
        return answer

    def stop(self, wait: bool) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        if wait:
            try:
                self.process.wait(STOP_SECONDS)
                return
            except subprocess.TimeoutExpired:
                pass
        self.process.kill()
        self.process.wait()


class Workers:
    """`count` worker processes; `call` runs on whichever is idle (from any thread)."""

    def __init__(self, count: int):
        self._all = [_Worker() for _ in range(count)]
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        for worker in self._all:
            self._idle.put(worker)

    def call(self, function, arguments: tuple):
        """`function(*arguments)` in an idle worker; `function` must be importable by its name."""
        worker = self._idle.get()
        try:
            return worker.call(function, arguments)
        finally:
            self._idle.put(worker)

    @property
    def pids(self) -> list[int]:
        return [worker.process.pid for worker in self._all]

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind, error, trace) -> None:
        for worker in self._all:
            worker.stop(wait=kind is None)


def serve() -> int:
    """A worker's loop: until stdin ends, one call per pickled (function, arguments) pair."""
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    while True:
        try:
            function, arguments = pickle.load(requests)
        except EOFError:
            return 0
        try:
            answer = (True, function(*arguments))
        except Exception:
            answer = (False, traceback.format_exc())
        pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


if __name__ == "__main__":
    from wres.child import die_with_parent

    # Ctrl-C reaches the whole process group: the process that started this one decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not die_with_parent(parent=int(sys.argv[1])):
        sys.exit(1)
    sys.exit(serve())
