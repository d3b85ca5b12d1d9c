"""A whole refresh run in this process, step by step, through the Dagster jobs.

`wres refresh` calls `run_refresh`: load the reference files, ingest each WRES year,
rebuild the dbt models, then publish each year whose ingest and gate passed. A year that
fails stops only itself: the others go on, and the failure is reported at the end.
"""

from __future__ import annotations

import os
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import dagster as dg

from wres.config import Settings
from wres.freshness import RefreshPlan, plan_refresh
from orchestration.definitions import build_definitions
from orchestration.jobs import ingest_year_job, publish_job, reference_job, transform_job
from orchestration.partitions import wres_year_partitions
from orchestration.resources import WarehouseResource

# The CLI prints each step, its errors and warnings itself; the run log keeps everything.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class StepResult:
    name: str
    ok: bool
    error: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class RefreshResult:
    years: list[int]
    plan: RefreshPlan
    steps: list[StepResult] = field(default_factory=list)
    published: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)

    @property
    def failures(self) -> list[StepResult]:
        return [s for s in self.steps if not s.ok]


def _error_of(result: dg.ExecuteInProcessResult) -> str:
    messages = []
    for event in result.all_events:
        failure = event.step_failure_data if event.is_step_failure else None
        if failure and failure.user_failure_data and failure.user_failure_data.description:
            messages.append(failure.user_failure_data.description.strip())
        elif failure and failure.error:
            error = failure.error
            while error.cause is not None and "ContractError" not in error.cls_name:
                error = error.cause
            # "wres.ingest.read.ContractError: WRES 2018: ..." reads as "WRES 2018: ...".
            messages.append(re.sub(r"^[\w.]+(Error|Failure|Exception): ", "", error.message.strip()))
    return "\n".join(messages) or "the run failed (see the Dagster run log)"


def _warnings_of(result: dg.ExecuteInProcessResult) -> list[str]:
    """Warnings the step's assets recorded in their `warnings` metadata (e.g. trusts without a type)."""
    found = []
    for event in result.get_asset_materialization_events():
        entry = event.materialization.metadata.get("warnings")
        if entry is not None and isinstance(entry.value, str) and entry.value:
            found.extend(line for line in entry.value.splitlines() if line not in found)
    return found


def _state_storage_of(instance: dg.DagsterInstance):
    """Make `instance` the one Dagster reads definitions state from while a refresh runs.

    Dagster keeps that storage in a context variable set by `with instance:`; an instance
    entered elsewhere in this process (and since garbage-collected) can leave a dead one
    behind, and loading definitions then fails ("undefined DagsterInstance weakref"). Using
    `with instance:` here would dispose of the caller's instance, so set the storage alone.
    """
    try:
        from dagster._core.storage.defs_state.base import set_defs_state_storage
    except ImportError:  # a Dagster release that moved it: fall back to its own behaviour
        return nullcontext()
    return set_defs_state_storage(instance.defs_state_storage)


@lru_cache(maxsize=8)
def _definitions(warehouse: str, raw_dir: str, publish_dir: str, config_file: str) -> dg.Definitions:
    """One Definitions object per set of folders, resolved once per process.

    Resolving a new Definitions object after runs have executed in this process can meet a
    stale Dagster state-storage context; resolving each set of folders once avoids it.
    """
    defs = build_definitions(WarehouseResource(warehouse=warehouse, raw_dir=raw_dir, publish_dir=publish_dir,
                                               config_file=config_file))
    defs.resolve_all_job_defs()
    return defs


def run_refresh(settings: Settings, years: list[int], instance: dg.DagsterInstance, publish: bool = True,
                on_step: Callable[[str, str], None] | None = None, plan: RefreshPlan | None = None) -> RefreshResult:
    """Run the steps of a refresh for `years` that `plan` (by default: what changed) asks for;
    `on_step(name, state)` reports start/ok/failed."""
    plan = plan or plan_refresh(settings, years)
    with _state_storage_of(instance):
        return _run_refresh(settings, plan, instance, publish, on_step or (lambda name, state: None))


def _run_refresh(settings: Settings, plan: RefreshPlan, instance: dg.DagsterInstance, publish: bool,
                 notify: Callable[[str, str], None]) -> RefreshResult:
    outcome = RefreshResult(years=list(plan.years), plan=plan)
    if plan.nothing_to_do:
        return outcome
    defs = _definitions(str(settings.warehouse), str(settings.raw_dir), str(settings.publish_dir),
                        str(settings.config_file))
    keys = [str(y) for y in plan.years]
    known = set(instance.get_dynamic_partitions(wres_year_partitions.name))
    instance.add_dynamic_partitions(wres_year_partitions.name, [k for k in keys if k not in known])

    def step(name: str, job: str, partition: str | None = None, config: dict | None = None) -> bool:
        notify(name, "start")
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, partition_key=partition, raise_on_error=False, run_config={**QUIET, **(config or {})},
            tags={"wres/reason": "cli", "wres/pid": str(os.getpid())})
        outcome.steps.append(StepResult(name, result.success, "" if result.success else _error_of(result),
                                        _warnings_of(result)))
        notify(name, "ok" if result.success else "failed")
        return result.success

    if plan.reference and not step("load reference files", reference_job.name):
        return outcome
    failed = [y for y in plan.ingest if not step(f"ingest WRES {y}", ingest_year_job.name, str(y))]
    if not plan.reference and set(failed) >= set(plan.ingest) and set(failed) >= set(plan.publish):
        return outcome  # every year that needed work failed to load: nothing for dbt to rebuild
    years = plan.build_years
    name = f"build dbt models and tests ({'WRES ' + ', '.join(map(str, years)) if years else 'every year'})"
    if not step(name, transform_job.name, config={"ops": {"wres_dbt_models": {"config": {"years": years}}}}):
        return outcome
    if publish:
        for year in plan.publish:
            if year not in failed and step(f"publish WRES {year}", publish_job.name, str(year)):
                outcome.published.append(year)
    return outcome
