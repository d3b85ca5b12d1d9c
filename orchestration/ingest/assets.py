"""Raw-layer assets: the reference files, and every source of one WRES year at a time."""


import dagster as dg

from wres.ingest import contracts as c
from wres.ingest.load import RAW, LoadResult, ingest_reference, ingest_year
from orchestration.metadata import warehouse_table_schema
from orchestration.partitions import wres_year_partitions
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

GROUP = "raw"
YEAR_TABLES = (
    c.WORKFORCE_STATISTICS.raw_table,
    *(section.raw_table for section in c.DCF_SECTIONS.values()),
    c.STAFF_SURVEY.raw_table,
)
_DESCRIPTIONS = {
    c.WORKFORCE_STATISTICS.raw_table: "NHS workforce statistics (`workforce_statistics/<YYYY>/*.csv`)",
    c.STAFF_SURVEY.raw_table: "NHS Staff Survey respondents and their answers (`staff_survey/<YYYY-1>/*`)",
    **{s.raw_table: f"WRES return, {name} section, every submission (`dcf/<YYYY>/{name}__*.csv`)"
       for name, s in c.DCF_SECTIONS.items()},
}


_CONTRACTS = {k.raw_table: k for k in (c.ETR, c.TRUST_TYPES, c.WORKFORCE_STATISTICS, c.STAFF_SURVEY,
                                      *c.DCF_SECTIONS.values())}
_LOAD_COLUMNS = {"wres_year": "WRES year the row was loaded for",
                 "source_file": "the landing file, relative to the landing zone",
                 "load_id": "the load that wrote the row (raw.load_manifest)"}


def _column_descriptions(table: str) -> dict[str, str]:
    """Raw values are kept as text: each column's description says what its contract checked."""
    contract = _CONTRACTS.get(table)
    checked = {col.name: "as in the file; checked as " + col.type + (" >= 0" if col.non_negative else "")
               + ("" if col.required else ", may be empty") + (f", one of {len(col.allowed)} values" if col.allowed else "")
               for col in (contract.columns if contract else ())}
    return {**checked, **_LOAD_COLUMNS}


def _key(table: str) -> dg.AssetKey:
    # dagster-dbt names a dbt source [source_name, table]: these keys are the sources' keys.
    return dg.AssetKey([RAW, table])


def _materializations(con, result: LoadResult, tables) -> list[dg.MaterializeResult]:
    files = dg.MetadataValue.md("\n".join(f"- `{f['path']}` ({f['rows']:,} rows) sha256 `{f['sha256'][:12]}…`"
                                          for f in result.files[:200]) or "none")
    return [dg.MaterializeResult(asset_key=_key(table), metadata={
        "dagster/row_count": dg.MetadataValue.int(int(result.rows.get(table, 0))),
        "dagster/column_schema": warehouse_table_schema(con, RAW, table, _column_descriptions(table)),
        "load_id": result.load_id,
        "files": files,
        "warnings": dg.MetadataValue.text("\n".join(result.warnings)),
    }) for table in tables]


@dg.multi_asset(
    specs=[dg.AssetSpec(_key("etr"), description="ODS etr extract of NHS trusts (reference/etr.csv)",
                        group_name=GROUP, kinds={"duckdb"}),
           dg.AssetSpec(_key("trust_types"), description="Trust type per trust (reference/trust_types.csv)",
                        group_name=GROUP, kinds={"duckdb"})],
    pool=WAREHOUSE_POOL,
)
def raw_reference(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Check the reference files against their contract and replace them in the raw schema."""
    with warehouse.writer() as con:
        result = ingest_reference(con, warehouse.raw_dir, run_id=context.run.run_id)
        materializations = _materializations(con, result, ("etr", "trust_types"))
    context.log.info(f"loaded {result.total_rows:,} reference rows from {len(result.files)} files")
    yield from materializations


@dg.multi_asset(
    specs=[dg.AssetSpec(_key(t), description=_DESCRIPTIONS[t], group_name=GROUP, kinds={"duckdb"})
           for t in YEAR_TABLES],
    partitions_def=wres_year_partitions,
    pool=WAREHOUSE_POOL,
)
def raw_wres_year(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Check every file of one WRES year against its contract, then replace that year's raw
    rows in one transaction: a broken file fails the year and leaves its previous rows."""
    wres_year = int(context.partition_key)
    with warehouse.writer() as con:
        s = warehouse.settings()
        result = ingest_year(con, warehouse.raw_dir, wres_year, s, run_id=context.run.run_id)
        materializations = _materializations(con, result, YEAR_TABLES)
    context.log.info(f"WRES {wres_year}: loaded {result.total_rows:,} rows from {len(result.files)} files")
    for warning in result.warnings:
        context.log.warning(warning)
    yield from materializations
