"""The published release of a WRES year (CONTRACTS.md, Publication)."""


import dagster as dg

from dagster_dbt import get_asset_key_for_model

from wres.publish.release import write_release
from orchestration.partitions import wres_year_partitions
from orchestration.resources import WarehouseResource
from orchestration.transform.assets import wres_dbt_models

GROUP = "publish"
MART_KEYS = [get_asset_key_for_model([wres_dbt_models], name) for name in ("wres_indicator_summary", "wres_trust_share")]


@dg.asset(
    key=dg.AssetKey(["published", "wres_release"]),
    deps=MART_KEYS,
    partitions_def=wres_year_partitions,
    group_name=GROUP,
    kinds={"parquet", "csv"},
    description="Disclosure-controlled tables, manifest and data-quality report of one WRES year, "
                "swapped into <publish dir>/<year>/ only when complete.",
)
def wres_release(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    wres_year = int(context.partition_key)
    with warehouse.reader() as con:
        release = write_release(con, wres_year, warehouse.publish_dir)
    context.log.info(f"published WRES {wres_year} to {release.folder}")
    return dg.MaterializeResult(metadata={
        "folder": dg.MetadataValue.path(str(release.folder)),
        **{f"rows_{t}": dg.MetadataValue.int(int(n)) for t, n in release.tables.items()},
        "inputs": dg.MetadataValue.int(len(release.manifest["inputs"])),
        "code_version": release.manifest["code_version"],
    })
