"""The one connection factory (wres.warehouse): the configuration's memory limit on every connection,
read-only or writer, a writer holding the writer lock; `wres dbt` holds the lock too."""

import os
import subprocess
import sys

import duckdb
import pytest
from click.testing import CliRunner

from orchestration.cli import main
from tests.conftest import settings_in
from wres import warehouse
from wres.runlock import holder, snapshot_path


@pytest.fixture
def settings(tmp_path):
    s = settings_in(tmp_path)
    s.warehouse.parent.mkdir(parents=True)
    return s


def test_every_connection_has_the_configured_memory_limit(settings):
    # wres.toml: memory_limit = "600MB", 600,000,000 bytes = 572.2 MiB as DuckDB shows it.
    with warehouse.writer(settings) as con:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "572.2 MiB"
        con.execute("create table t as select 1 as x")
    warehouse.refresh_snapshot(settings)
    with warehouse.reader(settings) as con:
        assert con.execute("select current_setting('memory_limit'), x from t").fetchone() == ("572.2 MiB", 1)
        with pytest.raises(duckdb.InvalidInputException, match="read-only"):
            con.execute("create table u (y integer)")
    assert snapshot_path(settings.warehouse).exists()


def test_a_writer_holds_the_writer_lock(settings):
    with warehouse.writer(settings):
        assert holder(settings.warehouse).startswith(f"PID {os.getpid()} ")
    assert holder(settings.warehouse) == "another process"  # released: the lock file is emptied


def test_wres_dbt_refuses_while_another_process_writes(settings):
    script = ("import sys, time\nfrom pathlib import Path\nfrom wres.runlock import writer_lock\n"
              "with writer_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)\n")
    other = subprocess.Popen([sys.executable, "-c", script, str(settings.warehouse)], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert other.stdout.readline().strip() == "held"
        result = CliRunner().invoke(main, ["--warehouse", str(settings.warehouse), "dbt", "--", "--version"])
    finally:
        other.kill()
        other.wait()
    output = " ".join(result.output.split())
    assert result.exit_code == 1
    # The holder's command line is `python -c <script> <warehouse>`: sys.argv is ["-c", "<warehouse>"].
    assert (f"Error: the warehouse {settings.warehouse} is being written by PID {other.pid} (-c {settings.warehouse}, "
            f"since ") in output and output.endswith("try again when it has finished (or use --wait)")
