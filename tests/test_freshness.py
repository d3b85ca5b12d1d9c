"""What a refresh has to do: the years whose files changed, the years that depend on them, and
the releases that are stale. Only ingest runs here (no dbt): the plan reads the load manifest,
the landing zone and the releases' fingerprints."""

import json
from dataclasses import replace

import duckdb
import pytest

from tests.conftest import settings_in
from tests.handmade import write_handmade_landing_zone
from wres.freshness import landing_inputs, plan_refresh, release_fingerprint
from wres.ingest.load import ingest_reference, ingest_year, latest_loads, release_inputs

YEARS = [2017, 2018]


@pytest.fixture
def loaded(tmp_path):
    settings = settings_in(tmp_path)
    write_handmade_landing_zone(settings.raw_dir)
    settings.warehouse.parent.mkdir(parents=True)
    con = duckdb.connect(str(settings.warehouse))
    ingest_reference(con, settings.raw_dir)
    for year in YEARS:
        ingest_year(con, settings.raw_dir, year, settings)
    con.close()
    return settings


def publish_as_of_now(settings, years):
    """A release folder per year whose manifest carries the fingerprint of today's inputs."""
    landing = landing_inputs(settings, years)
    for year in years:
        folder = settings.publish_dir / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        fingerprint = release_fingerprint(landing, year, settings)
        (folder / "manifest.json").write_text(json.dumps({"fingerprint": fingerprint}))


def test_an_empty_warehouse_needs_everything(tmp_path):
    settings = settings_in(tmp_path)
    write_handmade_landing_zone(settings.raw_dir)
    plan = plan_refresh(settings, YEARS)
    assert (plan.full, plan.reference, plan.ingest, plan.publish) == (True, True, [2017, 2018], [2017, 2018])
    assert plan.reasons == {2017: "no release yet", 2018: "no release yet"}
    assert plan.build_years == []  # a full build


def test_loaded_but_unpublished_years_are_published_without_reloading(loaded):
    plan = plan_refresh(loaded, YEARS)
    assert (plan.full, plan.reference, plan.ingest, plan.publish) == (False, False, [], [2017, 2018])
    assert plan.build_years == [2017, 2018]


def test_nothing_changed_means_nothing_to_do(loaded):
    publish_as_of_now(loaded, YEARS)
    assert plan_refresh(loaded, YEARS).nothing_to_do


def test_a_revised_file_reloads_its_year_and_republishes_the_year_after(loaded):
    publish_as_of_now(loaded, YEARS)
    path = loaded.raw_dir / "workforce_statistics" / "2017" / "workforce.csv"
    path.write_text(path.read_text().replace(",35\n", ",36\n"))
    plan = plan_refresh(loaded, [2017], available=YEARS)
    assert (plan.years, plan.reference, plan.ingest, plan.publish) == ([2017, 2018], False, [2017], [2017, 2018])
    assert plan.reasons == {2017: "its files changed",
                            2018: "the files of 2017 changed (indicator 3 uses them)"}
    assert plan.build_years == [2017, 2018]
    # Should 2017 fail to load, 2018 waits for it (the warehouse keeps 2017's last load).
    assert plan.held_back([2017]) == [2018] and plan.held_back([]) == []
    # Asked for 2018 alone, nothing of 2018 changed but its release uses 2017's files.
    only_2018 = plan_refresh(loaded, [2018], available=YEARS)
    assert (only_2018.ingest, only_2018.publish) == ([], [2018])
    # With a reference file changed too, 2018 is due for it as well: it does not wait for 2017.
    reference = loaded.raw_dir / "reference" / "trust_types.csv"
    reference.write_text(reference.read_text().replace("RCC,Community", "RCC,Acute"))
    both = plan_refresh(loaded, [2017], available=YEARS)
    assert both.reasons[2018] == "the files of 2017 changed (indicator 3 uses them)"
    assert both.held_back([2017]) == []


def test_a_changed_reference_file_rebuilds_every_year(loaded):
    publish_as_of_now(loaded, YEARS)
    path = loaded.raw_dir / "reference" / "trust_types.csv"
    path.write_text(path.read_text().replace("RCC,Community", "RCC,Acute"))
    plan = plan_refresh(loaded, YEARS)
    assert (plan.reference, plan.ingest, plan.publish) == (True, [], [2017, 2018])
    assert set(plan.reasons.values()) == {"the reference files changed"}
    assert plan.build_years == []


def test_latest_loads_keep_only_the_newest_load_of_each_year(loaded):
    con = duckdb.connect(str(loaded.warehouse))
    ingest_year(con, loaded.raw_dir, 2018, loaded)  # a second load of 2018
    loads = latest_loads(con)
    inputs_2018 = release_inputs(con, 2018)
    con.close()
    by_year = {}
    for load in loads:
        by_year.setdefault(load["wres_year"], set()).add(load["load_id"])
    assert all(len(ids) == 1 for ids in by_year.values())  # one load per year and for the reference
    assert set(by_year) == {None, 2017, 2018}
    # 2018's release names the three reference files and 2018's files (its survey is the 2017 staff
    # survey), each once, and none of WRES 2017's.
    paths = [i["path"] for i in inputs_2018]
    assert len(paths) == len(set(paths))
    assert [p for p in paths if p.startswith("reference/")] == ["reference/etr.csv", "reference/icb_names.csv",
                                                                 "reference/trust_types.csv"]
    assert "workforce_statistics/2018/workforce.csv" in paths and "staff_survey/2017/nss_2017.csv" in paths
    assert "workforce_statistics/2017/workforce.csv" not in paths


def test_a_year_published_on_the_year_end_method_does_not_wait_on_the_year_before(loaded):
    # From WRES 2018 on (instead of 2022), indicator 3 is the year-end rate: 2018 uses no 2017 file.
    year_end = replace(loaded, years=loaded.years.model_copy(update={"indicator3_year_end_from": 2018}))
    publish_as_of_now(year_end, YEARS)
    path = year_end.raw_dir / "workforce_statistics" / "2017" / "workforce.csv"
    path.write_text(path.read_text().replace(",35\n", ",36\n"))
    plan = plan_refresh(year_end, [2017], available=YEARS)
    assert (plan.years, plan.ingest, plan.publish, plan.build_years) == ([2017], [2017], [2017], [2017])
    assert plan_refresh(year_end, [2018], available=YEARS).nothing_to_do
