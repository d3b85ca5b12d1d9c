"""The Dagster code location: `dagster dev -w workspace.yaml` loads `defs`, a function Dagster calls
(`dg.definitions`): the configuration is read when the code location loads, not at import."""

import os

import dagster as dg

from wres.config import Settings, load_settings
from orchestration.automation import (
    build_annual_refresh_schedule,
    landing_zone_sensor,
    publish_after_transform,
    record_cells_after_publish,
    transform_after_ingest,
)
from orchestration.ingest.assets import raw_reference, raw_wres_year
from orchestration.jobs import ingest_year_job, publish_job, record_cells_job, reference_job, transform_job
from orchestration.publish.assets import build_release_asset, release_cells
from orchestration.quality.checks import build_mart_checks
from orchestration.resources import WarehouseResource
from orchestration.run_storage import commit_in_write_ahead_mode, reuse_connections
from orchestration.transform.assets import build_dbt_assets, dbt_resource


def build_definitions(settings: Settings) -> dg.Definitions:
    """Every asset, check, job, schedule and sensor, with the resources of `settings` (built once by the
    entry point: the `wres` command or `defs`)."""
    commit_in_write_ahead_mode()  # the runs of these definitions, in this process
    reuse_connections()
    dbt_models = build_dbt_assets(settings)
    return dg.Definitions(
        assets=[raw_reference, raw_wres_year, dbt_models, build_release_asset(dbt_models), release_cells],
        asset_checks=[build_mart_checks(dbt_models)],
        jobs=[reference_job, ingest_year_job, transform_job, publish_job, record_cells_job],
        schedules=[build_annual_refresh_schedule(settings)],
        sensors=[landing_zone_sensor, transform_after_ingest, publish_after_transform, record_cells_after_publish],
        resources={"warehouse": WarehouseResource.from_settings(settings), "dbt": dbt_resource()},
        # Steps of one run share the DuckDB file: run them one after another in one process.
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location of `dagster dev` and `dg check defs`: the configuration of WRES_CONFIG (or
    wres.toml), whose file mode setting also applies to the files its runs write."""
    settings = load_settings()
    os.umask(settings.umask)
    return build_definitions(settings)
