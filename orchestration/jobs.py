"""Jobs: what a refresh runs, step by step (ingest a year, transform, publish a year)."""

import dagster as dg

from orchestration.ingest.assets import raw_reference, raw_wres_year
from orchestration.publish.assets import RELEASE, RELEASE_CELLS

STAGE_TAG = "wres/stage"

reference_job = dg.define_asset_job(
    "ingest_reference_job", selection=dg.AssetSelection.assets(raw_reference), tags={STAGE_TAG: "ingest"},
    description="Check and load reference/etr.csv and reference/trust_types.csv.")
ingest_year_job = dg.define_asset_job(
    "ingest_year_job", selection=dg.AssetSelection.assets(raw_wres_year),
    tags={STAGE_TAG: "ingest"}, description="Check and load every landing file of one WRES year.")
transform_job = dg.define_asset_job(
    "transform_job", selection=dg.AssetSelection.kind("dbt"), tags={STAGE_TAG: "transform"},
    description="dbt build: seeds, staging, intermediate and mart models with their tests.")
publish_job = dg.define_asset_job(
    "publish_year_job", selection=dg.AssetSelection.assets(RELEASE),
    tags={STAGE_TAG: "publish"}, description="Gate and publish the release of one WRES year.")
record_cells_job = dg.define_asset_job(
    "record_release_cells_job", selection=dg.AssetSelection.assets(RELEASE_CELLS),
    tags={STAGE_TAG: "publish"},
    description="Record the cells of the current releases in the warehouse, for the next build to respect.")
