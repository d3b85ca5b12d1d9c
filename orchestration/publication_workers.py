"""Publication workers: WRES years published side by side, each in a process of its own.

A year's publication (tables, gate, report, board packs) is Python-bound, about 20 s a year at
national size; the years are independent of each other (each reads the marts, never another
year's release), so on two cores two years publish in the time of one. Threads would not do:
the gate's Great Expectations context is shared in a process, and the GIL holds the rest.

Each worker (`python -m orchestration.publication_worker`) is started while dbt builds, loads the
definitions and warms up (Great Expectations, the report's Vega bundle), then runs the publish job
of each year it is sent, as its own Dagster
run on the refresh's instance, tagged with its own process, under the refresh's writer lock, which
it inherits. It dies with the refresh (a parent-death signal, SIGKILL, as dbt: the next refresh
tidies what it left), and a SIGTERM or Ctrl-C interrupts its publication as it would the refresh's:
the half-written release is discarded and the previous one stays.

Protocol, one JSON line each: the refresh sends the settings and the Dagster instance's reference
first, then one WRES year per line; the worker answers each year with its step's result.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import pickle
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Callable

import dagster as dg

from orchestration.interrupts import INTERRUPTED
from orchestration.steps import StepInterrupted, StepResult, run_step
from wres.config import Settings
from wres.runlock import lent_lock, writer_lock

# How long interrupted workers get to discard what they had begun before they are killed.
STOP_SECONDS = 60


@contextlib.contextmanager
def signals_ignored():
    """SIGINT and SIGTERM ignored inside (in the main thread; elsewhere no signal is handled anyway): what
    runs inside stops the workers, and a second signal must not cut it short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class PublicationInterrupted(KeyboardInterrupt):
    """The refresh was told to stop while workers published; `results`: each year sent to a worker."""

    def __init__(self, results: list[StepResult]):
        super().__init__(INTERRUPTED)
        self.results = results


def step_name(year: int) -> str:
    return f"publish WRES {year}"


def can_use_workers(instance: dg.DagsterInstance) -> bool:
    """Workers record their runs on the refresh's instance: it must be one other processes can open."""
    return instance.is_persistent


class PublicationWorkers:
    """`count` worker processes for the settings and Dagster instance of a refresh, which publishes
    beside them (a context manager: the workers stop when it exits)."""

    def __init__(self, settings: Settings, instance: dg.DagsterInstance, count: int):
        self._workers: list[_Worker] = []
        # The refresh's writer lock, lent to the workers: a publication reads the warehouse under it, and
        # the refresh, which alone writes, waits for them.
        self._lock = contextlib.ExitStack()
        self._lock.enter_context(writer_lock(settings.warehouse))
        try:
            lock = lent_lock(settings.warehouse)
            setup = json.dumps({"settings": base64.b64encode(pickle.dumps(settings)).decode("ascii"),
                                "instance": dg.serialize_value(instance.get_ref()), "lock": lock})
            for _ in range(count):
                self._workers.append(_Worker(setup, lock))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "PublicationWorkers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def publish(self, years: list[int], here: Callable[[int], StepResult],
                notify: Callable[[str, str], None]) -> list[StepResult]:
        """Publish `years`, newest first (it prints the board packs: the longest), each by the next idle
        worker or by `here` (a publication in this process, which notifies itself) when none is idle;
        their results in the order of `years`. A SIGTERM or Ctrl-C stops every worker and raises
        `PublicationInterrupted` once they have answered (a second one meanwhile is ignored)."""
        queue, idle = sorted(years, reverse=True), list(self._workers)
        running: dict[_Worker, int] = {}  # a worker is in it, and registered, from before it is sent its year
        results: dict[int, StepResult] = {}

        def done(year: int, result: StepResult) -> None:
            results[year] = result
            notify(step_name(year), "ok" if result.ok else "failed")

        def answered(worker: _Worker) -> StepResult:
            result = worker.receive(step_name(running[worker]))
            selector.unregister(worker.process.stdout)
            done(running.pop(worker), result)
            return result

        with selectors.DefaultSelector() as selector:
            try:
                while queue or running:
                    for key, _ in selector.select(timeout=0 if queue else None):
                        if answered(key.data).interrupted:
                            raise KeyboardInterrupt
                        if key.data.alive():
                            idle.append(key.data)
                    while queue and idle:
                        worker, year = idle.pop(0), queue.pop(0)
                        notify(step_name(year), "start")
                        running[worker] = year
                        selector.register(worker.process.stdout, selectors.EVENT_READ, worker)
                        if not worker.send(year):  # it has ended: the year goes to the next one free
                            selector.unregister(worker.process.stdout)
                            del running[worker]
                            queue.insert(0, year)
                    if queue:
                        year = queue.pop(0)
                        results[year] = here(year)
                        if results[year].interrupted:
                            raise KeyboardInterrupt
            except KeyboardInterrupt:
                with signals_ignored():
                    self.stop()
                    deadline = time.monotonic() + STOP_SECONDS
                    while running and time.monotonic() < deadline:
                        for key, _ in selector.select(timeout=max(0.0, deadline - time.monotonic())):
                            year = running[key.data]
                            if not answered(key.data).ok:  # it stopped: said as the refresh's own step would say it
                                results[year] = StepResult(step_name(year), False, INTERRUPTED,
                                                           run_id=results[year].run_id, interrupted=True)
                    for worker, year in running.items():  # no answer in time: killed
                        worker.signal(signal.SIGKILL)
                        done(year, StepResult(step_name(year), False, INTERRUPTED, interrupted=True))
                raise PublicationInterrupted([results[y] for y in years if y in results]) from None
        return [results[y] for y in years]

    def stop(self) -> None:
        """Tell every worker to stop what it does (SIGTERM: a publication discards its staged release)."""
        for worker in self._workers:
            worker.signal(signal.SIGTERM)

    def close(self) -> None:
        """Let idle workers exit, stop the others; none outlives this call, then the lock is returned (a
        SIGTERM or Ctrl-C meanwhile is ignored: the lock must not go while a worker may still read)."""
        with signals_ignored():
            for worker in self._workers:
                worker.finish()
            self._lock.close()


class _Worker:
    def __init__(self, setup: str, lock: int):
        self.log = tempfile.TemporaryFile()  # its stderr: what it printed, shown only when it fails
        self.process = subprocess.Popen([sys.executable, "-m", "orchestration.publication_worker", str(os.getpid())],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                        pass_fds=(lock,), env=dict(os.environ), text=True, encoding="utf-8")
        self.send_line(setup)

    def alive(self) -> bool:
        return self.process.poll() is None

    def send_line(self, line: str) -> bool:
        try:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def send(self, year: int) -> bool:
        return self.alive() and self.send_line(str(year))

    def receive(self, name: str) -> StepResult:
        line = self.process.stdout.readline()
        try:
            return StepResult(**json.loads(line)) if line.endswith("\n") else self.failure(name)
        except (ValueError, TypeError):  # cut short as the worker was stopped
            return self.failure(name)

    def failure(self, name: str) -> StepResult:
        """The result of a year its worker could not publish because the worker ended."""
        try:
            code = self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        if code in (130, -signal.SIGINT, -signal.SIGTERM):
            return StepResult(name, False, INTERRUPTED, interrupted=True)
        self.log.seek(0)
        said = self.log.read().decode("utf-8", "replace").strip().splitlines()[-20:]
        return StepResult(name, False, f"the publication worker ended (exit code {code}) before it published the "
                                       f"year", trace="\n".join(said))

    def signal(self, signum: int) -> None:
        if self.alive():
            self.process.send_signal(signum)

    def finish(self) -> None:
        """End of work (stdin closed): an idle worker exits; one still warming up or publishing is stopped."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.log.close()


def serve() -> int:
    """The worker (orchestration.publication_worker, armed to die with the refresh): read the setup, warm up,
    then publish each year read from stdin."""
    from orchestration.jobs import publish_job
    from wres.runlock import adopt_lock

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM as Ctrl-C: the publication is interrupted
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever a library prints goes to the worker's log, never into the channel
    try:
        setup = json.loads(sys.stdin.readline())
        settings: Settings = pickle.loads(base64.b64decode(setup["settings"]))
        adopt_lock(settings.warehouse, setup["lock"])
        with dg.DagsterInstance.from_ref(dg.deserialize_value(setup["instance"])) as instance:
            defs = _warm_definitions(settings)
            for line in sys.stdin:
                year = int(line)
                try:
                    result = run_step(defs, instance, step_name(year), publish_job.name, str(year))
                except StepInterrupted:
                    result = StepResult(step_name(year), False, INTERRUPTED, interrupted=True)
                channel.write(json.dumps(result.as_dict()) + "\n")
                channel.flush()
                if result.interrupted:
                    return 130
    except KeyboardInterrupt:
        return 130
    return 0


def _warm_definitions(settings: Settings) -> dg.Definitions:
    from orchestration.definitions import build_definitions

    defs = build_definitions(settings)
    defs.resolve_all_job_defs()
    try:  # as the refresh's own warm-up: a failure here is met again, and said, by the publication
        from wres.quality.gate import shared_validator
        from wres.report.build import vega_bundle

        shared_validator()
        vega_bundle()
    except Exception:
        pass
    return defs
