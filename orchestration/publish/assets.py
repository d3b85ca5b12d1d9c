"""The published release of a WRES year, behind its gate (CONTRACTS.md, Publication)."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from wres.disclosure.releases import record_release_cells
from wres.publish.dictionary import column_descriptions
from wres.publish.release import GateFailed, publish_year, recover_leftovers
from orchestration.metadata import parquet_table_schema
from orchestration.partitions import wres_year_partitions, year_check_spec
from orchestration.quality.checks import check_result
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

GROUP = "publish"
RELEASE = dg.AssetKey(["published", "wres_release"])
# The dbt source published.release_cells: dagster-dbt keys a source by its name and table.
RELEASE_CELLS = dg.AssetKey(["published", "release_cells"])
MAIN_TABLE = "wres_indicator_summary"
# Every mart the release or its gate reads.
MARTS = ("wres_indicator_summary", "wres_trust_share", "wres_survey_breakdown", "model_employer_trajectory",
         "trusts", "wres_return_completeness", "wres_trust_data_quality", "wres_survey_denominators",
         "wres_protection_certificates")


def build_release_asset(dbt_models: dg.AssetsDefinition) -> dg.AssetsDefinition:
    """The release asset, downstream of the marts it reads among `dbt_models`."""
    return dg.asset(
        key=RELEASE,
        deps=[get_asset_key_for_model([dbt_models], name) for name in MARTS],
        partitions_def=wres_year_partitions,
        group_name=GROUP,
        kinds={"parquet", "csv", "html"},
        check_specs=[year_check_spec("publication_gate", RELEASE,
                                     "The dbt data tests failing on the year's rows, and every GX suite of "
                                     "expectations/ for the year, the release as it would be published included; "
                                     "errors block it.")],
        description="Disclosure-controlled tables, manifest, data-quality page and report site of one WRES year, "
                    "audited for disclosure from the files as written and swapped into the year's folder under the "
                    "publish dir only when the year's gate passes.",
    )(wres_release)


def wres_release(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    wres_year = int(context.partition_key)
    s = warehouse.settings()
    with warehouse.reader() as con:
        for message in recover_leftovers(s.publish_dir, wres_year):
            context.log.warning(message)
        try:
            release, gate = publish_year(con, wres_year, s)
        except GateFailed as failure:
            yield check_result("publication_gate", failure.gate.checks, RELEASE, warnings_pass=True,
                               extra={"report": dg.MetadataValue.path(str(failure.report_path))})
            raise dg.Failure(description=str(failure)) from None
    yield check_result("publication_gate", gate.checks, RELEASE, warnings_pass=True)
    context.log.info(f"published WRES {wres_year} to {release.folder}")
    schemas = {t: parquet_table_schema(release.folder / f"{t}.parquet", column_descriptions(t)) for t in release.tables}
    yield dg.MaterializeResult(asset_key=RELEASE, metadata={
        "folder": dg.MetadataValue.path(str(release.folder)),
        # A path, not a link: a browser does not open file:// links from the UI's http page.
        "report": dg.MetadataValue.path(str(release.folder / "report" / "index.html")),
        # The release's stable interface is its indicator table; every table's columns follow.
        "dagster/row_count": dg.MetadataValue.int(int(release.tables[MAIN_TABLE])),
        "dagster/column_schema": schemas[MAIN_TABLE],
        **{f"columns_{t}": dg.MetadataValue.table_schema(schema) for t, schema in schemas.items()},
        **{f"rows_{t}": dg.MetadataValue.int(int(n)) for t, n in release.tables.items()},
        "inputs": dg.MetadataValue.int(len(release.manifest["inputs"])),
        "warnings": dg.MetadataValue.int(len(gate.warnings)),
        "code_version": release.manifest["code_version"],
    })


@dg.asset(key=RELEASE_CELLS, group_name=GROUP, kinds={"duckdb"}, pool=WAREHOUSE_POOL,
          description="The indicator cells of each WRES year's current release, as published (null where hidden), "
                      "in the warehouse table published.release_cells: recorded from the releases as written after "
                      "they are published, and read by the next dbt build's secondary suppression, which must keep "
                      "them. The dependency runs across builds (a release, then the next build), which the graph of "
                      "one build cannot draw: the release asset is its writer, the suppression model its reader.")
def release_cells(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.writer() as con:
        written = record_release_cells(con, warehouse.settings().publish_dir)
        rows = con.execute("select count(*) from published.release_cells").fetchall()[0][0]
    for year, count in written.items():
        context.log.info(f"WRES {year}: {count} published cells recorded" if count else
                         f"WRES {year}: no current release; its cells removed")
    return dg.MaterializeResult(metadata={"dagster/row_count": dg.MetadataValue.int(int(rows)),
                                          "years_recorded": dg.MetadataValue.json(sorted(written))})
