"""dbt models, seeds and tests as Dagster assets and asset checks (dagster-dbt)."""


from contextlib import redirect_stdout
from pathlib import Path
from typing import Any, Mapping

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from wres.config import DBT_PROJECT_DIR, Settings
from wres.dbt import (DbtLog, building_years, dbt_executable, dbt_log_path, ensure_manifest, explain_failure,
                      target_path, vars_arg)
from wres.disclosure.releases import record_release_cells
from wres.ingest.load import ensure_raw_schema
from wres.publish.release import recover_leftovers
from wres.quality import dbt_failures
from orchestration.metadata import table_row_counts
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

DBT_ASSETS_NAME = "wres_dbt_models"


class WresDbtTranslator(DagsterDbtTranslator):
    """Groups dbt nodes by layer. Rebuilds are started by the run-status sensors of automation.py
    (the one automation mechanism), not by automation conditions."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "marts"


translator = WresDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class WresDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without the dbt adapter it builds in this process before each command.

    The adapter serves only `fetch_row_counts()` and `fetch_column_metadata()`, which this project does
    not call (they would open the warehouse while dbt writes it; `with_row_counts` reads it after), and
    building it cost 4.8 s of CPU per build (dbt's behaviour flags call `inspect.stack()`, which reads the
    source of every frame of Dagster's deep stack). dagster-dbt runs the command without an adapter when
    it has none."""

    def _initialize_dbt_core_adapter(self, args):
        return None


def dbt_resource() -> DbtCliResource:
    return WresDbtCliResource(project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR),
                              dbt_executable=dbt_executable())


class DbtBuildConfig(dg.Config):
    """Which WRES years the incremental models recompute; empty: every year, from scratch."""

    years: list[int] = []


def build_dbt_assets(settings: Settings) -> dg.AssetsDefinition:
    """The dbt project as assets, from the manifest dbt parses with these settings' vars."""
    return dbt_assets(manifest=ensure_manifest(settings), dagster_dbt_translator=translator, pool=WAREHOUSE_POOL,
                      name=DBT_ASSETS_NAME)(wres_dbt_models)


def wres_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource,
                    config: DbtBuildConfig):
    """`dbt build` of the selected models: seeds, models and their tests, in layer order. dbt's own
    log goes to a file per run (its path is in the run log and in any failure). A data test that
    finds rows does not fail the build: its rows are recorded per WRES year (wres.quality.dbt_failures)
    and block the publication of those years only; a model error fails the build."""
    # Unit tests check the models' code, not the data: they run with the test suite (`make test`), as
    # dbt recommends, not on every refresh.
    args = ["build", "--exclude-resource-type", "unit_test", *vars_arg(warehouse.settings())] \
        + ([] if config.years else ["--full-refresh"])
    log = dbt_log_path(Path(warehouse.warehouse), context.run.run_id)
    context.log.info(f"dbt log: {log}")
    with warehouse.lock(), DbtLog(log) as sink, redirect_stdout(sink):
        with warehouse.writer() as con:
            ensure_raw_schema(con)  # a warehouse of an earlier layout is brought up to date before dbt reads it
            # A release an interrupted publication moved aside is put back before its cells are compared.
            for message in recover_leftovers(warehouse.settings().publish_dir):
                context.log.warning(message)
            late = record_release_cells(con, warehouse.settings().publish_dir)
        if late:  # recorded after each publication, unless a process stopped in between or none has run yet
            context.log.info(f"recorded the published cells of WRES {sorted(late)} before the build")
        # Row counts are added once dbt has exited (dagster-dbt's fetch_row_counts() would open the
        # warehouse while dbt writes it): the models' events are held until then.
        events = []
        with building_years(warehouse.writer, config.years):
            invocation = dbt.cli(args, context=context, target_path=target_path(warehouse.settings()))
            try:
                events.extend(invocation.stream())
            except DagsterDbtCliRuntimeError as exc:
                yield from events
                errors = explain_failure(sink.errors() or str(exc), warehouse.settings())
                raise dg.Failure(description=f"dbt build failed: {errors}\nfull dbt log: {log}") from None
        # Data tests warn (dbt_project.yml): their failing rows block only the years they belong to.
        with warehouse.writer() as con:
            failures = dbt_failures.record(con, invocation.get_artifact("run_results.json"),
                                           invocation.get_artifact("manifest.json"))
        for failure in failures:
            year = failure.wres_year if failure.wres_year is not None else "every year"
            context.log.warning(f"WRES {year}: {dbt_failures.message(failure, failure.wres_year or 0)}; "
                                f"e.g. {'; '.join(failure.examples[:3])}")
        yield from with_row_counts(context, events, warehouse)
        warehouse.refresh_snapshot()


def with_row_counts(context: dg.AssetExecutionContext, events: list, warehouse: WarehouseResource) -> list:
    """The models' Output events with `dagster/row_count` for each table dbt built (not views)."""
    relation = {e.output_name: tuple(context.asset_key_for_output(e.output_name).path)
                for e in events if isinstance(e, dg.Output)}
    with warehouse.reader() as con:
        counts = table_row_counts(con, [r for r in relation.values() if len(r) == 2])
    return [e.with_metadata({**e.metadata, "dagster/row_count": counts[relation[e.output_name]]})
            if isinstance(e, dg.Output) and relation[e.output_name] in counts else e for e in events]
