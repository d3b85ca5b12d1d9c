"""Work side by side in processes of our own: WRES years protected by secondary suppression at the
same time (`wres.disclosure.suppression.suppress_year_by_year`).

A worker is `python -m wres.processes <parent PID>`. It reads a (function, arguments) pair on stdin
(the function pickled by name, so this module imports none of its callers) and answers with the
result, or the error, on stdout; each message is pickled and sent whole behind its length, so a
request that cannot be pickled never reaches the worker half-written. A worker is armed to die with
the thread that started it (Linux's parent-death signal, SIGKILL, as dbt and the publication
workers): start `Workers` in a thread that outlives the work, as `suppress_year_by_year` does.

Processes of our own rather than multiprocessing's: a spawned multiprocessing child runs its
parent's main script again (dbt's, or any caller's), which fails wherever that script has no
`if __name__ == "__main__"` guard, and a forked one would inherit the locks dbt's threads and its
DuckDB connection hold at that moment.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import traceback

STOP_SECONDS = 30
_LENGTH = struct.Struct("!Q")


class WorkerError(RuntimeError):
    """A worker stopped, or its function failed with an error that could not be sent back as it was."""


def send(stream, message) -> None:
    """Pickle `message` whole (an error here leaves the stream untouched), then write it behind its length."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def receive(stream) -> bytes:
    """One message's bytes; EOFError when the stream ends before a whole one."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError("the stream ended")
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the stream ended inside a message")
    return data


def _name(function) -> str:
    return getattr(function, "__qualname__", None) or repr(function)


class _Worker:
    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-m", __name__, str(os.getpid())],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def call(self, function, arguments: tuple):
        send_error = None
        try:
            send(self.process.stdin, (function, arguments))
            ok, answer = pickle.loads(receive(self.process.stdout))
        except (EOFError, BrokenPipeError) as error:
            send_error = error
        if send_error is not None:
            raise WorkerError(f"a worker process ({_name(function)}) stopped: {self._ending()}") from send_error
        if ok:
            return answer
        error, trace = answer
        if error is None:
            raise WorkerError(f"{_name(function)} failed in a worker process:\n{trace}")
        error.add_note(f"in a worker process ({_name(function)}):\n{trace}")
        raise error

    def _ending(self) -> str:
        try:  # its pipe closes a moment before it can be waited for
            code = self.process.wait(5)
        except subprocess.TimeoutExpired:
            return "its output ended, though it still runs"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            more = " (by the kernel's out-of-memory killer?)" if -code == signal.SIGKILL else ""
            return f"killed by {name}{more}"
        return f"exit code {code}"

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
    """`count` worker processes; `call` runs on whichever is idle (from any thread). Leaving the
    context closes each worker's input and waits for it to exit; leaving it on an error kills them."""

    def __init__(self, count: int):
        self._all = [_Worker() for _ in range(count)]
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        for worker in self._all:
            self._idle.put(worker)

    def call(self, function, arguments: tuple):
        """`function(*arguments)` in an idle worker; `function` must be importable by its name. Its
        error is raised here, with the worker's traceback as a note."""
        worker = self._idle.get()
        try:
            return worker.call(function, arguments)
        finally:
            self._idle.put(worker)

    @property
    def processes(self) -> list[subprocess.Popen]:
        return [worker.process for worker in self._all]

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind, error, trace) -> None:
        for worker in self._all:
            worker.stop(wait=kind is None)


def serve() -> int:
    """A worker's loop: until stdin ends, one call per (function, arguments) message."""
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    while True:
        try:
            data = receive(requests)
        except EOFError:
            return 0
        try:
            function, arguments = pickle.loads(data)
            answer = (True, function(*arguments))
            send(answers, answer)
            continue
        except Exception as error:
            failure = (error, traceback.format_exc())
        try:
            send(answers, (False, failure))
        except Exception:  # the error itself cannot be pickled: its text can
            send(answers, (False, (None, failure[1])))


if __name__ == "__main__":
    from wres.child import die_with_parent

    # Ctrl-C reaches the whole process group: the process that started this one decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not die_with_parent(parent=int(sys.argv[1])):
        sys.exit(1)
    sys.exit(serve())
