"""The Dagster code location: lineage, sensors, schedule, and whole refreshes in process."""

import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.automation import annual_refresh_schedule, landing_zone_sensor
from orchestration.definitions import defs
from orchestration.refresh import run_refresh
from orchestration.resources import WarehouseResource
from tests.conftest import copy_of, settings_in
from tests.handmade import write_csv, write_handmade_landing_zone
from wres.config import PROJECT_ROOT
from wres.ingest.load import ingest_reference, ingest_year
from wres.runlock import refresh_snapshot


def test_definitions_validate():
    result = subprocess.run([str(Path(sys.executable).parent / "dagster"), "definitions", "validate",
                             "-w", "workspace.yaml"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]


def test_lineage_runs_from_raw_files_through_dbt_to_the_release():
    graph = defs.resolve_asset_graph()
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
                     "marts/wres_trust_data_quality", "marts/wres_survey_denominators",
                     "intermediate/int_declaration_rates_computed", "intermediate/int_trust_years_enumerated",
                     "intermediate/int_workforce_headcounts_unioned", "staging/stg_dcf__recruitment",
                     "staging/stg_workforce_statistics__headcounts", "raw/dcf_recruitment", "raw/dcf_workforce",
                     "raw/workforce_statistics", "raw/etr", "raw/trust_types", "reference/ethnic_categories"):
        assert key(upstream) in release, upstream
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
        first = tick(instance)
        assert sorted((r.partition_key or "reference") for r in first.run_requests) == ["2017", "2018", "reference"]
        assert first.dynamic_partitions_requests[0].partition_keys == ["2017", "2018"]
    # Everything is loaded (as `wres refresh` does): a Dagster started afterwards, with no cursor, asks for nothing.
    landing.warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(landing.warehouse))
    ingest_reference(con, landing.raw_dir)
    for year in (2017, 2018):
        ingest_year(con, landing.raw_dir, year, landing)
    con.close()
    refresh_snapshot(landing.warehouse)
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
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, resources={"warehouse": warehouse},
                                            scheduled_execution_time=__import__("datetime").datetime(2025, 8, 31, 6))
        requests = annual_refresh_schedule(context)
        assert [r.partition_key for r in requests] == [None, "2017", "2018"]
        assert sorted(instance.get_dynamic_partitions("wres_year")) == ["2017", "2018"]
    assert annual_refresh_schedule.cron_schedule == "0 6 31 8 *"


def test_refresh_publishes_every_year_and_a_broken_year_blocks_only_itself(refreshed, tmp_path):
    # The session's refresh published both years (asserted in conftest's `refreshed`); work on a copy.
    landing = copy_of(refreshed, tmp_path, parts=("raw", "warehouse", "published"))
    with dg.DagsterInstance.ephemeral() as instance:
        release = landing.publish_dir / "2018"
        assert sorted(p.name for p in release.iterdir()) == [
            "DATA_DICTIONARY.md", "data_quality.html", "manifest.json", "model_employer_trajectory.csv", "model_employer_trajectory.parquet",
            "report", "trusts.csv", "trusts.parquet", "wres_indicator_summary.csv", "wres_indicator_summary.parquet",
            "wres_survey_breakdown.csv", "wres_survey_breakdown.parquet", "wres_trust_share.csv",
            "wres_trust_share.parquet"]
        manifest = json.loads((release / "manifest.json").read_text())
        paths = {i["path"] for i in manifest["inputs"]}
        assert "dcf/2018/recruitment__S18-RAA-2.csv" in paths and "reference/etr.csv" in paths
        assert not any(p.startswith("dcf/2017/") for p in paths)
        assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
        published_before = (release / "manifest.json").read_text()

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
