"""Told to stop: a refresh interrupted by SIGTERM says so in words, and `make dagster` stops on
SIGTERM and on SIGINT, with everything it started."""

from __future__ import annotations

import os
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
