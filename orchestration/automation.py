"""Schedules and sensors: the annual refresh, and a refresh when files land or change."""


import hashlib
import json
from pathlib import Path

import dagster as dg

from wres.config import Settings
from wres.freshness import REFERENCE, changed_since_load, loaded_inputs, stale_releases
from wres.ingest.landing import wres_years_found
from wres.runlock import reader_path
from orchestration.ingest.assets import raw_reference, raw_wres_year
from orchestration.jobs import STAGE_TAG, publish_job, record_cells_job, transform_job
from orchestration.partitions import wres_year_partitions
from orchestration.resources import WarehouseResource
from orchestration.runs import CLI_REASON, REASON_TAG, fail_dead_runs
from orchestration.transform.assets import DBT_ASSETS_NAME

RAW_ASSETS = dg.AssetSelection.assets(raw_reference, raw_wres_year)


def _fingerprint(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in paths if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def landing_zone_fingerprints(raw_dir: Path, s: Settings) -> dict[str, str]:
    """A fingerprint (names, sizes, modification times) of the reference files and of each WRES year."""
    prints = {REFERENCE: _fingerprint(list((raw_dir / "reference").glob("*")), raw_dir)}
    for year in wres_years_found(raw_dir, s):
        folders = [raw_dir / "workforce_statistics" / str(year), raw_dir / "dcf" / str(year),
                   raw_dir / "staff_survey" / str(year - s.years.survey_lag)]
        prints[str(year)] = _fingerprint([p for f in folders if f.is_dir() for p in f.iterdir()], raw_dir)
    return prints


def _ingest_requests(years: list[str], reason: str, include_reference: bool) -> list[dg.RunRequest]:
    tags = {REASON_TAG: reason, STAGE_TAG: "ingest"}
    requests = [dg.RunRequest(asset_selection=list(raw_reference.keys), run_key=f"{reason}:reference",
                              tags=tags)] if include_reference else []
    requests += [dg.RunRequest(asset_selection=list(raw_wres_year.keys), partition_key=year,
                               run_key=f"{reason}:{year}", tags=tags) for year in years]
    return requests


@dg.sensor(target=RAW_ASSETS, minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.RUNNING)
def landing_zone_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource) -> dg.SensorResult:
    """Ingest a WRES year when its files differ (SHA-256) from its latest load in raw.load_manifest:
    a trust revised its return, or a year landed. Started after a `wres refresh`, it does nothing.
    File hashes are only compared when names, sizes or modification times changed since the last tick."""
    for message in fail_dead_runs(context.instance):  # a dead run worker would hold the warehouse pool for ever
        context.log.warning(message)
    s = warehouse.settings()
    current = landing_zone_fingerprints(s.raw_dir, s)
    previous = json.loads(context.cursor) if context.cursor else {}
    if current == previous:
        return dg.SensorResult(run_requests=[], cursor=context.cursor)
    years = [int(k) for k in current if k != REFERENCE]
    loaded = loaded_inputs(s, reader_path(s.warehouse))
    changed = changed_since_load(s, years, loaded)
    changed_years = [str(k) for k in changed if k != REFERENCE]
    new_years = [y for y in changed_years
                 if not context.instance.has_dynamic_partition(wres_year_partitions.name, y)]
    requests = [r.with_replaced_attrs(run_key=f"{r.run_key}:{current[r.partition_key or REFERENCE][:12]}")
                for r in _ingest_requests(changed_years, "landing", REFERENCE in changed)]
    return dg.SensorResult(
        run_requests=requests,
        cursor=json.dumps(current, sort_keys=True),
        dynamic_partitions_requests=[wres_year_partitions.build_add_request(new_years)] if new_years else [],
    )


def build_annual_refresh_schedule(settings: Settings) -> dg.ScheduleDefinition:
    """The annual refresh on the configuration's cron string and time zone."""

    @dg.schedule(cron_schedule=settings.annual_refresh_cron, execution_timezone=settings.timezone,
                 target=RAW_ASSETS, default_status=dg.DefaultScheduleStatus.RUNNING)
    def annual_refresh_schedule(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
        """After returns are due (31 August): reload the reference and every WRES year found."""
        s = warehouse.settings()
        years = [str(y) for y in wres_years_found(s.raw_dir, s)]
        new_years = [y for y in years if not context.instance.has_dynamic_partition(wres_year_partitions.name, y)]
        if new_years:
            context.instance.add_dynamic_partitions(wres_year_partitions.name, new_years)
        stamp = context.scheduled_execution_time.strftime("%Y-%m-%d")
        return _ingest_requests(years, f"annual-{stamp}", include_reference=True)

    return annual_refresh_schedule


def _pending(instance: dg.DagsterInstance, stage: str) -> bool:
    runs = instance.get_run_records(filters=dg.RunsFilter(
        tags={STAGE_TAG: stage},
        statuses=[dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
                  dg.DagsterRunStatus.STARTED]), limit=1)
    return bool(runs)


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, request_job=transform_job,
                      default_status=dg.DefaultSensorStatus.RUNNING)
def transform_after_ingest(context: dg.RunStatusSensorContext, warehouse: WarehouseResource):
    """Rebuild the dbt models once the last queued ingest run has succeeded: the incremental
    models recompute the years whose releases are stale."""
    if context.dagster_run.tags.get(STAGE_TAG) != "ingest":
        return dg.SkipReason("not an ingest run")
    if _pending(context.instance, "ingest"):
        return dg.SkipReason("more ingest runs are queued; the last one starts the transform")
    s = warehouse.settings()
    years = [int(y) for y in context.instance.get_dynamic_partitions(wres_year_partitions.name)]
    stale = stale_releases(s, years)
    rebuild = stale if stale and len(stale) < len(years) else []
    return dg.RunRequest(run_key=f"transform-after-{context.dagster_run.run_id}",
                         run_config={"ops": {DBT_ASSETS_NAME: {"config": {"years": rebuild}}}})


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[transform_job],
                      request_jobs=[publish_job], default_status=dg.DefaultSensorStatus.RUNNING)
def publish_after_transform(context: dg.RunStatusSensorContext, warehouse: WarehouseResource):
    """Publish the WRES years whose release is stale (their files, the year before's, the reference,
    the code or the configuration changed); each year passes its own gate."""
    years = [int(y) for y in context.instance.get_dynamic_partitions(wres_year_partitions.name)]
    stale = stale_releases(warehouse.settings(), years)
    if not stale:
        return dg.SkipReason("every release is up to date")
    return [dg.RunRequest(job_name=publish_job.name, partition_key=str(year),
                          run_key=f"publish-{year}-after-{context.dagster_run.run_id}") for year in stale]


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[publish_job],
                      request_jobs=[record_cells_job], default_status=dg.DefaultSensorStatus.RUNNING)
def record_cells_after_publish(context: dg.RunStatusSensorContext):
    """Record a new release's cells in the warehouse (published.release_cells) once it is published, for
    the next build's secondary suppression; a `wres refresh` records them itself, after its publications."""
    if context.dagster_run.tags.get(REASON_TAG) == CLI_REASON:
        return dg.SkipReason("published by `wres refresh`, which records the cells itself")
    return dg.RunRequest(job_name=record_cells_job.name, run_key=f"cells-after-{context.dagster_run.run_id}")
