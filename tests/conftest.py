from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from tests.handmade import write_handmade_landing_zone
from wres.config import Settings, load_settings


def pytest_configure(config):
    """Each test process (each pytest-xdist worker) gets its own Dagster home and dbt target folder, so
    that workers never write the same SQLite files or dbt artifacts; tests that need another set their own."""
    scratch = Path(tempfile.mkdtemp(prefix="wres-tests-"))
    config.wres_scratch = scratch
    os.environ["DAGSTER_HOME"] = str(scratch / "dagster_home")
    (scratch / "dagster_home").mkdir()
    (scratch / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    os.environ["DBT_TARGET_PATH"] = str(scratch / "dbt_target")


def pytest_collection_modifyitems(session, config, items):
    """One test that needs the shared refresh (`refreshed`) first, then every test that needs none, then the
    rest: under pytest-xdist the first worker builds the refresh while the second runs tests that need
    none, instead of both waiting for it. A stable sort: the order within each part is the collection's."""
    needs = [item for item in items if "refreshed" in item.fixturenames]
    rest = [item for item in items if "refreshed" not in item.fixturenames]
    items[:] = needs[:1] + rest + needs[1:]


def pytest_unconfigure(config):
    if hasattr(config, "wres_scratch"):
        shutil.rmtree(config.wres_scratch, ignore_errors=True)


def settings_in(folder: Path) -> Settings:
    """Settings whose landing zone, warehouse and releases all live in `folder`."""
    return load_settings().with_paths(raw_dir=folder / "raw", warehouse=folder / "warehouse" / "wres.duckdb",
                                      publish_dir=folder / "published")


class Warehouse:
    def __init__(self, settings: Settings):
        self.settings = settings

    def rows(self, sql: str, params=None) -> list[tuple]:
        con = duckdb.connect(str(self.settings.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def value(self, sql: str, params=None):
        rows = self.rows(sql, params)
        assert len(rows) == 1, f"expected one row, got {rows}"
        return rows[0][0] if len(rows[0]) == 1 else rows[0]

    def measure(self, year, indicator, level, area, measure, breakdown="all"):
        """(value, suppressed, suppression_reason, flags) of one mart row."""
        return self.value(
            "select value, suppressed, suppression_reason, flags from marts.wres_indicator_summary "
            "where wres_year = ? and indicator = ? and level = ? and area_code = ? and measure = ? and breakdown = ?",
            [year, indicator, level, area, measure, breakdown])


def copy_of(folder: Path, target: Path, parts=("raw", "warehouse", "published", "dagster")) -> Settings:
    """Settings for a copy of a test folder made by `settings_in`: its DuckDB files are copied, not rebuilt.
    Paths in the warehouse and the releases are relative to the landing zone, so the copy stands alone."""
    for part in parts:
        if (folder / part).exists():
            shutil.copytree(folder / part, target / part)
    return settings_in(target)


@pytest.fixture(scope="session")
def refreshed(tmp_path_factory, worker_id) -> Path:
    """The suite's one full end-to-end refresh: the hand-made landing zone refreshed from nothing by
    `wres refresh` (reference and both years loaded, dbt built with its tests, 2017 and 2018 published
    through their gates, side by side: `--workers 2`, as a national refresh would, where a zone this small
    would publish one year after another). Its folder, with the Dagster home in `dagster/`; tests work on copies (`copy_of`).
    Under pytest-xdist the workers share it: the first to need it builds it, the others wait for it."""
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    with open(shared / "refreshed.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = shared / "refreshed"
        if not (folder / ".built").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            _refresh(folder)
            (folder / ".built").touch()
    return folder


def _refresh(folder: Path) -> None:
    from orchestration.cli import main

    settings = settings_in(folder)
    write_handmade_landing_zone(settings.raw_dir)
    with pytest.MonkeyPatch.context() as patch:  # restored after: the command sets DAGSTER_HOME when it is unset
        patch.setenv("DAGSTER_HOME", str(folder / "dagster"))
        result = CliRunner().invoke(main, ["--raw-dir", str(settings.raw_dir), "--warehouse", str(settings.warehouse),
                                           "--publish-dir", str(settings.publish_dir), "refresh", "--workers", "2"])
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert "ok load reference files" in output and "ok ingest WRES 2017" in output and "ok ingest WRES 2018" in output
    assert "published [2017, 2018]" in output
    # Under pytest-xdist another worker may read this refresh's runs: it names the process that ran it.
    from orchestration.runs import process_start
    (folder / "refreshed_by.json").write_text(json.dumps({"pid": os.getpid(), "process_start": process_start(os.getpid())}))


@pytest.fixture(scope="session")
def handmade(refreshed, tmp_path_factory) -> Warehouse:
    """The hand-made landing zone, loaded and built (a copy of the refreshed warehouse, without releases)."""
    return Warehouse(copy_of(refreshed, tmp_path_factory.mktemp("handmade"), parts=("raw", "warehouse")))


@pytest.fixture(scope="session")
def released(refreshed, tmp_path_factory):
    """The hand-made landing zone built, and WRES 2018 published through its gate (with its report)."""
    from wres.publish.release import publish_year

    settings = copy_of(refreshed, tmp_path_factory.mktemp("released"), parts=("raw", "warehouse"))
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    release, gate = publish_year(con, 2018, settings)
    yield settings, con, release, gate
    con.close()
