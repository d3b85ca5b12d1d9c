"""The Dagster code location: lineage, sensors, schedule, and whole refreshes in process."""

import contextvars
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.test_utils import create_run_for_test

from orchestration.cli import main
from orchestration.automation import build_annual_refresh_schedule, landing_zone_sensor
from orchestration.definitions import build_definitions
from orchestration.publish.assets import RELEASE
from orchestration.refresh import run_refresh
from orchestration.resources import WarehouseResource
from orchestration.runs import PID_TAG, PROCESS_START_TAG, process_start
from tests.conftest import copy_of, settings_in
from tests.handmade import write_csv, write_handmade_landing_zone
from wres.config import PROJECT_ROOT, load_settings
from wres.ingest.load import ingest_reference, ingest_year
from wres.warehouse import refresh_snapshot


def test_definitions_validate():
    result = subprocess.run([str(Path(sys.executable).parent / "dg"), "check", "defs"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, env={**os.environ, "VIRTUAL_ENV": sys.prefix})
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "All definitions loaded successfully." in result.stdout + result.stderr


def test_lineage_runs_from_raw_files_through_dbt_to_the_release():
    # In a context of its own, as run_refresh loads them: an instance another test exited out of order
    # leaves Dagster's current definitions-state storage naming a collected instance (refresh.py).
    graph = contextvars.Context().run(lambda: build_definitions(load_settings()).resolve_asset_graph())
    key = dg.AssetKey.from_user_string

    def ancestors(asset):
        seen, todo = set(), [asset]
        while todo:
            for parent in graph.get(todo.pop()).parent_keys:
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    release = ancestors(key("published/wres_release"))
    for upstream in ("marts/wres_indicator_summary", "marts/wres_trust_share", "marts/wres_return_completeness",
                     "marts/trusts", "marts/wres_protection_certificates",
                     "marts/wres_trust_data_quality", "marts/wres_survey_denominators",
                     "intermediate/int_declaration_rates_computed", "intermediate/int_trust_years_enumerated",
                     "intermediate/int_workforce_headcounts_unioned", "staging/stg_dcf__recruitment",
                     "staging/stg_workforce_statistics__headcounts", "raw/dcf_recruitment", "raw/dcf_workforce",
                     "raw/workforce_statistics", "raw/etr", "raw/trust_types", "reference/ethnic_categories",
                     "published/release_cells"):
        assert key(upstream) in release, upstream
    # The cells earlier releases published feed the suppression model through a table Dagster writes
    # (the release_cells asset, the dbt source published.release_cells), not files read behind dbt's back.
    suppression = graph.get(key("intermediate/int_indicator_measures_secondary_suppressed"))
    assert key("published/release_cells") in suppression.parent_keys
    assert graph.get(key("published/release_cells")).is_materializable
    assert graph.get(key("raw/dcf_recruitment")).partitions_def.name == "wres_year"
    # dbt tests are asset checks of their models.
    checks = {c.asset_key.to_user_string() for c in graph.asset_check_keys}
    assert "marts/wres_indicator_summary" in checks
    # The GX suites on marts are checks of the mart each reads; none remains on the raw tables.
    suites = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert {("marts/wres_return_completeness", "return_completeness"),
            ("marts/wres_trust_data_quality", "data_quality_warnings")} <= suites
    assert not [c for c in suites if c[0].startswith("raw/")]


@pytest.fixture
def landing(tmp_path):
    settings = settings_in(tmp_path)
    write_handmade_landing_zone(settings.raw_dir)
    return settings


def test_sensor_requests_only_years_whose_files_differ_from_their_load(landing):
    warehouse = WarehouseResource.from_settings(landing)

    def tick(instance, cursor=None):
        return landing_zone_sensor(dg.build_sensor_context(instance=instance, cursor=cursor,
                                                           resources={"warehouse": warehouse}))

    with dg.instance_for_test() as instance:
        # A run whose worker died (dagster dev): the sensor's next tick marks it failed, freeing the warehouse pool.
        pid, started = _dead_process()
        dead = create_run_for_test(instance, job_name="ingest_year_job", status=dg.DagsterRunStatus.STARTED,
                                   tags={PID_TAG: pid, PROCESS_START_TAG: started})
        first = tick(instance)
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
        assert sorted((r.partition_key or "reference") for r in first.run_requests) == ["2017", "2018", "reference"]
        assert first.dynamic_partitions_requests[0].partition_keys == ["2017", "2018"]
    # Everything is loaded (as `wres refresh` does): a Dagster started afterwards, with no cursor, asks for nothing.
    landing.warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(landing.warehouse))
    ingest_reference(con, landing.raw_dir)
    for year in (2017, 2018):
        ingest_year(con, landing.raw_dir, year, landing)
    con.close()
    refresh_snapshot(landing)
    with dg.instance_for_test() as instance:
        started = tick(instance)
        assert started.run_requests == []
        # A trust revises its 2018 return: only 2018 is requested.
        write_csv(landing.raw_dir / "dcf" / "2018" / "training__S18-RBB-2.csv",
                  ["org_code", "submission_id", "submitted_at", "ethnicity_group", "accessed_training"],
                  [("RBB", "S18-RBB-2", "2018-09-01T10:00:00", "White", 36)])
        second = tick(instance, started.cursor)
        assert [r.partition_key for r in second.run_requests] == ["2018"]
        assert tick(instance, second.cursor).run_requests == []


def test_annual_schedule_requests_the_reference_and_every_year(landing):
    warehouse = WarehouseResource.from_settings(landing)
    annual_refresh_schedule = build_annual_refresh_schedule(landing)
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, resources={"warehouse": warehouse},
                                            scheduled_execution_time=__import__("datetime").datetime(2025, 8, 31, 6))
        requests = annual_refresh_schedule(context)
        assert [r.partition_key for r in requests] == [None, "2017", "2018"]
        assert sorted(instance.get_dynamic_partitions("wres_year")) == ["2017", "2018"]
    assert annual_refresh_schedule.cron_schedule == "0 6 31 8 *"


def _leave_a_dead_instance_as_current():
    """Two instances exited out of order, then collected: Dagster's context variable for the
    definitions-state storage is left naming the storage of the collected one (what a sensor or
    resource context that outlives its instance does). A Definitions object loaded in this
    state raised "Attempted to resolve undefined DagsterInstance weakref"."""
    first, second = dg.instance_for_test(), dg.instance_for_test()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    del first, second
    gc.collect()


def _check_of(instance, key: dg.AssetCheckKey, year: str):
    return instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [key], partition_filter=PartitionKeyFilter(key=year))[key]


def _materialization_record(instance, asset: str, partition: str | None = None):
    return instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey.from_user_string(asset),
                              asset_partitions=[partition] if partition else None), limit=1).records[0]


def _materialization(instance, asset: str, partition: str | None = None):
    return _materialization_record(instance, asset, partition).asset_materialization.metadata


def test_refresh_publishes_every_year_and_a_broken_year_blocks_only_itself(refreshed, tmp_path, monkeypatch):
    # The session's refresh (conftest's `refreshed`, in this process) published both years; work on a copy,
    # its Dagster home included, whose instance holds that refresh's runs.
    landing = copy_of(refreshed, tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    with dg.DagsterInstance.get() as instance:
        # Each year's gate is its own check result, read back per partition from the run that published it.
        by = json.loads((refreshed / "refreshed_by.json").read_text())
        publishers = {}
        for year in ("2017", "2018"):
            gate = _check_of(instance, dg.AssetCheckKey(RELEASE, "publication_gate"), year)
            evaluation = gate.event.dagster_event.event_specific_data
            run = instance.get_run_by_id(gate.run_id)
            assert (gate.partition, evaluation.partition) == (year, year)
            assert (run.job_name, run.tags["dagster/partition"]) == ("publish_year_job", year)
            assert evaluation.metadata["blocking_failures"].value == 0
            publishers[year] = (run.tags[PID_TAG], run.tags[PROCESS_START_TAG])
        # Every run that used the warehouse names the process that ran it. The two years were published side
        # by side: the newest by a publication worker (a process of its own, gone since), 2017 by the test
        # process that refreshed, which also ran the loads.
        assert publishers["2017"] == (str(by["pid"]), by["process_start"])
        worker = int(publishers["2018"][0])
        assert worker != by["pid"] and publishers["2018"][1]
        assert process_start(worker) != publishers["2018"][1]  # it has ended with the refresh
        load = instance.get_run_by_id(_materialization_record(instance, "raw/dcf_recruitment", "2018").run_id)
        assert (load.tags[PID_TAG], load.tags[PROCESS_START_TAG]) == (str(by["pid"]), by["process_start"])
        # Standard metadata: row counts and column schemas. 2017's recruitment files hold 2 x 3 rows,
        # 2018's 4 x 3; the columns are the file's, then the load's.
        assert _materialization(instance, "raw/dcf_recruitment", "2017")["dagster/row_count"].value == 6
        raw = _materialization(instance, "raw/dcf_recruitment", "2018")
        assert raw["dagster/row_count"].value == 12
        columns = {c.name: c for c in raw["dagster/column_schema"].schema.columns}
        assert list(columns) == ["org_code", "submission_id", "submitted_at", "ethnicity_group", "shortlisted",
                                 "appointed", "wres_year", "source_file", "load_id"]
        assert columns["appointed"].description == "as in the file; checked as integer >= 0"
        release = _materialization(instance, "published/wres_release", "2018")
        published = pq.read_table(landing.publish_dir / "2018" / "wres_indicator_summary.parquet")
        assert release["dagster/row_count"].value == published.num_rows
        assert [c.name for c in release["dagster/column_schema"].schema.columns] == published.column_names
        assert release["report"].value == str(refreshed / "published" / "2018" / "report" / "index.html")
        con = duckdb.connect(str(landing.warehouse), read_only=True)
        trust_share = con.execute("select count(*) from marts.wres_trust_share").fetchone()[0]
        con.close()
        assert _materialization(instance, "marts/wres_trust_share")["dagster/row_count"].value == trust_share
        assert "dagster/row_count" not in _materialization(instance, "staging/stg_dcf__recruitment")  # a view
        release = landing.publish_dir / "2018"
        assert sorted(p.name for p in release.iterdir()) == [
            "DATA_DICTIONARY.md", "data_quality.html", "datapackage.json", "manifest.json", "model_employer_trajectory.csv",
            "model_employer_trajectory.parquet", "report", "trusts.csv", "trusts.parquet", "wres_2018.xlsx",
            "wres_indicator_summary.csv", "wres_indicator_summary.parquet",
            "wres_survey_breakdown.csv", "wres_survey_breakdown.parquet", "wres_trust_share.csv",
            "wres_trust_share.parquet"]
        manifest = json.loads((release / "manifest.json").read_text())
        paths = {i["path"] for i in manifest["inputs"]}
        assert "dcf/2018/recruitment__S18-RAA-2.csv" in paths and "reference/etr.csv" in paths
        assert not any(p.startswith("dcf/2017/") for p in paths)
        assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
        published_before = (release / "manifest.json").read_text()

    # The next refresh runs with a new instance, after the last one was dropped out of order.
    _leave_a_dead_instance_as_current()
    with dg.instance_for_test() as instance:
        # Break one 2018 file and revise a 2017 return: 2018 fails with an actionable error and keeps
        # its release; 2017, whose files changed, publishes again.
        broken = landing.raw_dir / "dcf" / "2018" / "recruitment__S18-RBB-1.csv"
        broken.write_text(broken.read_text().replace("White,100,30", "White,100,abc"))
        revised = landing.raw_dir / "dcf" / "2017" / "training__S17-RBB-1.csv"
        revised.write_text(revised.read_text().replace("White,40", "White,41"))
        second = run_refresh(landing, [2017, 2018], instance)
        assert not second.ok and second.published == [2017]
        failure = next(f for f in second.failures if f.name == "ingest WRES 2018")
        assert "recruitment__S18-RBB-1.csv: column 'appointed': line 2: 'abc' is not a whole number" in failure.error
        assert (release / "manifest.json").read_text() == published_before
        assert not list(landing.publish_dir.glob(".incoming-*"))


def _dead_process() -> tuple[str, str]:
    """The PID and start time of a process that has been SIGKILLed and reaped."""
    child = subprocess.Popen(["sleep", "60"])
    started = process_start(child.pid)
    child.kill()
    child.wait()
    return str(child.pid), started


def test_runs_whose_process_died_are_marked_failed_by_the_next_wres_command(landing, tmp_path, monkeypatch):
    """A run worker of `dagster dev` SIGKILLed mid-run leaves its run STARTED: `wres status` fails it."""
    (tmp_path / "dagster_home").mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    pid, started = _dead_process()
    alive = {PID_TAG: str(os.getpid()), PROCESS_START_TAG: process_start(os.getpid())}
    with dg.DagsterInstance.get() as instance:
        dead = create_run_for_test(instance, job_name="ingest_year_job", status=dg.DagsterRunStatus.STARTED,
                                   tags={PID_TAG: pid, PROCESS_START_TAG: started, "wres/reason": "landing"})
        # The PID alive again, but another process (a later start): its run's worker is dead too.
        reused = create_run_for_test(instance, job_name="publish_year_job", status=dg.DagsterRunStatus.STARTED,
                                     tags={**alive, PROCESS_START_TAG: "1"})
        running = create_run_for_test(instance, job_name="transform_job", status=dg.DagsterRunStatus.STARTED,
                                      tags=alive)
        untagged = create_run_for_test(instance, job_name="transform_job", status=dg.DagsterRunStatus.STARTED)
    result = CliRunner().invoke(main, ["--raw-dir", str(landing.raw_dir), "--warehouse", str(landing.warehouse),
                                       "--publish-dir", str(landing.publish_dir), "status"])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert f"marked Dagster run {dead.run_id[:8]} (ingest_year_job) failed: its process {pid} had died" in output
    assert f"marked Dagster run {reused.run_id[:8]} (publish_year_job) failed" in output
    with dg.DagsterInstance.get() as instance:
        status = [instance.get_run_by_id(r.run_id).status.value for r in (dead, reused, running, untagged)]
        assert status == ["FAILURE", "FAILURE", "STARTED", "STARTED"]
        failure = instance.all_logs(dead.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)[0]
        assert failure.message == f"the process running it (PID {pid}) died during the run"


def test_the_refresh_commits_dagster_run_history_in_write_ahead_mode(refreshed):
    """Every SQLite file of the refresh's Dagster storage (the runs, the event index, each run's events)
    is in WAL mode: a dbt build's hundreds of events are not each synced through a rollback journal."""
    import sqlite3

    files = sorted((refreshed / "dagster").rglob("*.db"))
    assert {"runs.db", "index.db"} <= {f.name for f in files} and len(files) >= 6  # runs, index, a file per run
    modes = {}
    for file in files:
        with sqlite3.connect(file) as con:
            modes[file.name] = con.execute("pragma journal_mode").fetchone()[0]
    assert set(modes.values()) == {"wal"}, modes


def test_dagster_storage_opens_each_sqlite_file_once_per_process(tmp_path, monkeypatch):
    """With `reuse_connections` (as the code location and the `wres` command have it), a run of three
    assets stores its events over one engine per SQLite file, the run index, the event index and the
    run's own file, not one per event; the run's history reads back whole. And a watch of the run's
    events, as the webserver keeps on a run it shows, sees every one of them as they are written, though
    the connection stays open (so that its write-ahead log is not checkpointed after each event)."""
    import threading
    import uuid

    from orchestration import run_storage

    created = []
    real = run_storage.create_engine
    monkeypatch.setattr(run_storage, "create_engine", lambda url, **kwargs: created.append(url) or real(url, **kwargs))
    run_storage.reuse_connections()

    @dg.asset
    def first() -> int:
        return 1

    @dg.asset
    def second(first: int) -> int:
        return first + 1

    @dg.asset
    def third(second: int) -> int:
        return second + 1

    run_id = str(uuid.uuid4())
    watched, all_seen = [], threading.Event()
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        # Resolved in a context of its own, as in the lineage test.
        job = contextvars.Context().run(
            lambda: dg.Definitions(assets=[first, second, third]).resolve_implicit_global_asset_job_def())

        def seen(event, cursor):
            watched.append(event)
            if event.is_dagster_event and event.dagster_event_type == dg.DagsterEventType.RUN_SUCCESS:
                all_seen.set()

        instance.watch_event_logs(run_id, None, seen)
        result = job.execute_in_process(instance=instance, run_id=run_id)
        assert result.success and result.output_for_node("third") == 3
        assert all_seen.wait(30), f"the watch saw {len(watched)} events"
        instance.end_watch_event_logs(run_id, seen)
        events = instance.all_logs(run_id)
        materialized = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    files = sorted(url.rsplit("/", 1)[-1] for url in created)
    assert files == sorted(["runs.db", "index.db", f"{run_id}.db"]), files
    assert len(events) > 20 and len(materialized) == 3
    assert len(watched) == len(events)


def test_a_publication_worker_that_has_died_leaves_its_years_to_the_refreshing_process(tmp_path):
    """The worker is gone before any year is sent (SIGKILL): both years are published by the refreshing
    process (`here`), newest first, and their results come back in the order asked; closing returns the lock."""
    from orchestration.publication_workers import PublicationWorkers
    from orchestration.steps import StepResult
    from wres.runlock import writer_lock

    settings = settings_in(tmp_path)
    published_here, said = [], []

    def here(year: int) -> StepResult:
        published_here.append(year)
        return StepResult(f"publish WRES {year}", True)

    with dg.instance_for_test() as instance:
        with PublicationWorkers(settings, instance, 1) as pool:
            (worker,) = pool._workers
            worker.process.kill()
            worker.process.wait()
            results = pool.publish([2017, 2018], here, lambda name, state: said.append((name, state)))
            # The refresh's lock is held while the workers live: another process cannot take it meanwhile.
            other = subprocess.run([sys.executable, "-c", "from wres.runlock import writer_lock\n"
                                    f"with writer_lock({str(settings.warehouse)!r}): pass"],
                                   capture_output=True, text=True)
            assert other.returncode != 0 and "WarehouseBusy" in other.stderr and "is being written by" in other.stderr
    assert published_here == [2018, 2017]
    assert [(r.name, r.ok) for r in results] == [("publish WRES 2017", True), ("publish WRES 2018", True)]
    assert said == [("publish WRES 2018", "start")]  # sent, found dead, taken back; `here` says its own
    with writer_lock(settings.warehouse):  # returned: taken at once
        pass


def test_dbt_commands_run_without_a_dbt_adapter_in_the_refreshing_process():
    """dagster-dbt builds a dbt adapter in the calling process before each command, which this project
    never uses (seconds of CPU a build); the resource replaces that method, which must still exist."""
    from dagster_dbt import DbtCliResource

    from orchestration.transform.assets import dbt_resource

    assert callable(getattr(DbtCliResource, "_initialize_dbt_core_adapter", None))
    assert dbt_resource()._initialize_dbt_core_adapter(["build"]) is None


def test_years_publish_side_by_side_only_when_their_landing_files_are_many(tmp_path):
    """Publication workers pay for their start only at national size (about 1,000 landing files a year): the
    hand-made zone's 2017 (9 files: 8 return files and the workforce statistics) and 2018 (18: 16, the
    workforce statistics and the 2017 survey) publish in the refreshing process; with 173 more 2018 returns,
    the two years hold 200 files, the threshold, and publish side by side."""
    from orchestration.refresh import default_workers
    from wres.config import PUBLICATION_WORKERS, PUBLICATION_WORKERS_FROM_FILES

    settings = settings_in(tmp_path)
    write_handmade_landing_zone(settings.raw_dir)
    assert PUBLICATION_WORKERS_FROM_FILES == 200 and PUBLICATION_WORKERS == 2
    assert default_workers(settings, [2017, 2018]) == 1
    for n in range(173):
        (settings.raw_dir / "dcf" / "2018" / f"board__S18-X{n:03d}-1.csv").write_text("", encoding="utf-8")
    assert default_workers(settings, [2017, 2018]) == 2
    assert default_workers(settings, [2017]) == 1
