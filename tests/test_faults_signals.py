"""Told to stop: a refresh interrupted by SIGTERM says so in words (while dbt builds, and while two
years publish side by side), and `make dagster` stops on SIGTERM and on SIGINT, with everything it
started."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_faults import (  # noqa: F401 (zone: a fixture)
    WRES, _alive, _descendants, _holds, _is_dbt, digests, zone,
)
from wres.runlock import writer_lock

ROOT = Path(__file__).resolve().parent.parent


def test_sigterm_during_a_refresh_is_said_in_words(zone):
    """SIGTERM while dbt builds: the build step fails as "interrupted", no step follows, the releases
    and the landing zone are untouched, the exit code is 130 and the writer lock is free."""
    releases_before, raw_before = digests(zone.publish_dir), digests(zone.raw_dir)
    refresh = subprocess.Popen([WRES, "--raw-dir", str(zone.raw_dir), "--warehouse", str(zone.warehouse),
                                "--publish-dir", str(zone.publish_dir), "refresh", "--force"],
                               env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        dbt = []
        deadline = time.monotonic() + 300
        while not dbt and refresh.poll() is None and time.monotonic() < deadline:
            dbt = [p for p in _descendants(refresh.pid) if _is_dbt(p)]
            time.sleep(0.2)
        assert dbt, "dbt never started"
        while not _holds(dbt[0], zone.warehouse) and refresh.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        refresh.send_signal(signal.SIGTERM)
        out, _ = refresh.communicate(timeout=300)
    finally:
        if refresh.poll() is None:
            refresh.kill()
    output = " ".join(out.split())
    assert refresh.returncode == 130, output
    assert ("build dbt models and tests (every year) failed: interrupted (SIGTERM or Ctrl-C); what it had begun "
            "was not kept") in output
    assert "run `wres refresh` again" in output
    assert "DagsterExecutionInterruptedError" not in output and "Traceback" not in output
    assert "publish WRES" not in output
    assert digests(zone.publish_dir) == releases_before and digests(zone.raw_dir) == raw_before
    with writer_lock(zone.warehouse):  # free: taken at once, or this raises WarehouseBusy
        pass


def test_sigterm_while_two_years_publish_side_by_side_stops_both(zone):
    """`wres refresh --force` republishes 2017 and 2018 side by side: 2018 in a publication worker, 2017 in the
    refresh's own process. Both are held still writing their gate report's checks.json, a named pipe nothing
    reads (as in test_faults' kill test), when the refresh alone gets SIGTERM. It stops its worker; each year
    fails as "interrupted"; both previous releases stay byte for byte and no half-written folder is left; no
    process of the refresh survives; the exit code is 130 and the writer lock is free."""
    before = {year: digests(zone.publish_dir / year) for year in ("2017", "2018")}
    pipes = {}
    refresh = None
    try:
        for year in ("2017", "2018"):
            checks = zone.publish_dir / "gate_reports" / year / "checks.json"
            assert checks.stat().st_size > 2 * 4096  # the attempt's own is as long: it cannot fit the pipe
            checks.unlink()
            os.mkfifo(checks)
            pipes[year] = os.open(checks, os.O_RDONLY | os.O_NONBLOCK)  # a reader: the writer's open does not wait
            fcntl.fcntl(pipes[year], fcntl.F_SETPIPE_SZ, 4096)
        refresh = subprocess.Popen([WRES, "--raw-dir", str(zone.raw_dir), "--warehouse", str(zone.warehouse),
                                    "--publish-dir", str(zone.publish_dir), "refresh", "--force", "--workers", "2"],
                                   env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        poller = select.poll()
        for pipe in pipes.values():
            poller.register(pipe, select.POLLIN)
        held: set[int] = set()
        deadline = time.monotonic() + 600
        while len(held) < 2 and refresh.poll() is None and time.monotonic() < deadline:
            held |= {pipe for pipe, _ in poller.poll(500)}
        assert len(held) == 2, f"the refresh ({refresh.poll()}) did not reach both publications"
        group = [refresh.pid, *_descendants(refresh.pid)]
        assert sorted(p.name[:len(".incoming-2017")] for p in zone.publish_dir.glob(".incoming-*")) == [
            ".incoming-2017", ".incoming-2018"]
        refresh.send_signal(signal.SIGTERM)
        out, _ = refresh.communicate(timeout=120)
    finally:
        for pipe in pipes.values():
            os.close(pipe)
        if refresh is not None and refresh.poll() is None:
            refresh.kill()
    output = " ".join(out.split())
    assert refresh.returncode == 130, output
    for year in ("2017", "2018"):
        assert f"publish WRES {year} failed: interrupted (SIGTERM or Ctrl-C)" in output, output
    assert "published nothing" in output
    assert "Traceback" not in output and "DagsterExecutionInterruptedError" not in output
    deadline = time.monotonic() + 30  # Dagster's log watchers of a run go once they see its process gone
    while any(_alive(p) for p in group) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert {p: _command(p) for p in group if _alive(p)} == {}
    for year, files in before.items():
        assert digests(zone.publish_dir / year) == files, f"WRES {year}'s release changed"
    assert list(zone.publish_dir.glob(".incoming-*")) == [] and list(zone.publish_dir.glob(".previous-*")) == []
    with writer_lock(zone.warehouse):  # free: taken at once, or this raises WarehouseBusy
        pass


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "(gone)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("signum, to_group", [(signal.SIGTERM, False), (signal.SIGINT, True)],
                         ids=["SIGTERM to make", "Ctrl-C (SIGINT to the terminal's process group)"])
def test_make_dagster_stops_with_everything_it_started(tmp_path, signum, to_group):
    """`make dagster` on a free port, once its webserver answers: SIGTERM to `make` alone, or SIGINT to
    its process group as Ctrl-C in a terminal sends it, stops make, `dagster dev`, its webserver, daemon
    and code server; no process of theirs is left."""
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "WRES_WAREHOUSE": str(tmp_path / "wh" / "wres.duckdb"),
           "WRES_RAW_DIR": str(tmp_path / "raw"), "WRES_PUBLISH_DIR": str(tmp_path / "published")}
    make = subprocess.Popen(["make", "-s", "dagster", f"DAGSTER_ARGS=-p {port}", f"DAGSTER_HOME={tmp_path}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            process_group=0)
    started: list[int] = []
    try:
        deadline = time.monotonic() + 600
        while make.poll() is None and not _answers(port) and time.monotonic() < deadline:
            time.sleep(1)
        assert make.poll() is None and _answers(port), "the Dagster webserver never answered"
        started = [make.pid, *_descendants(make.pid)]
        assert len(started) >= 4  # make, the wrapper, dagster dev, its webserver and daemon
        if to_group:
            os.killpg(make.pid, signum)
        else:
            make.send_signal(signum)
        _, err = make.communicate(timeout=120)
    finally:
        if make.poll() is None:
            make.kill()
    assert f"{signal.Signals(signum).name}: stopping dagster dev" in err
    assert [p for p in started if _alive(p)] == []
    assert not _answers(port)
