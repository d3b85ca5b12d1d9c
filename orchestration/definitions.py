"""The Dagster code location: `dagster dev -w workspace.yaml` loads `defs`."""

import os

import dagster as dg

from wres.config import settings
from orchestration.automation import (
    annual_refresh_schedule,
    landing_zone_sensor,
    publish_after_transform,
    transform_after_ingest,
)
from orchestration.ingest.assets import raw_reference, raw_wres_year
from orchestration.jobs import ingest_year_job, publish_job, reference_job, transform_job
from orchestration.publish.assets import wres_release
from orchestration.quality.checks import build_mart_checks
from orchestration.resources import WarehouseResource
from orchestration.run_storage import commit_in_write_ahead_mode
from orchestration.transform.assets import dbt_resource, wres_dbt_models


def build_definitions(warehouse: "WarehouseResource | None" = None) -> dg.Definitions:
    return dg.Definitions(
        assets=[raw_reference, raw_wres_year, wres_dbt_models, wres_release],
        asset_checks=[build_mart_checks(wres_dbt_models)],
        jobs=[reference_job, ingest_year_job, transform_job, publish_job],
        schedules=[annual_refresh_schedule],
        sensors=[landing_zone_sensor, transform_after_ingest, publish_after_transform],
        resources={"warehouse": warehouse or WarehouseResource.from_settings(), "dbt": dbt_resource()},
        # Steps of one run share the DuckDB file: run them one after another in one process.
        executor=dg.in_process_executor,
    )


# `dagster dev` loads this module: the files its runs write get the configured mode too.
os.umask(settings().umask)
commit_in_write_ahead_mode()
defs = build_definitions()
