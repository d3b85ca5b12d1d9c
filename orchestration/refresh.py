"""A whole refresh run in this process, step by step, through the Dagster jobs.

`wres refresh` calls `run_refresh`: load the reference files, ingest each WRES year,
rebuild the dbt models, then publish each year whose ingest and gate passed. A year that
fails stops only itself: the others go on, and the failure is reported at the end.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import dagster as dg

from wres.config import Settings
from orchestration.definitions import build_definitions
from orchestration.jobs import ingest_year_job, publish_job, reference_job, transform_job
from orchestration.partitions import wres_year_partitions
from orchestration.resources import WarehouseResource

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class StepResult:
    name: str
    ok: bool
    error: str = ""


@dataclass
class RefreshResult:
    years: list[int]
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
            messages.append(error.message.strip())
    return "\n".join(messages) or "the run failed (see the Dagster run log)"


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
def _definitions(warehouse: str, raw_dir: str, publish_dir: str) -> dg.Definitions:
    """One Definitions object per set of folders, resolved once per process.

    Resolving a new Definitions object after runs have executed in this process can meet a
    stale Dagster state-storage context; resolving each set of folders once avoids it.
    """
    defs = build_definitions(WarehouseResource(warehouse=warehouse, raw_dir=raw_dir, publish_dir=publish_dir))
    defs.resolve_all_job_defs()
    return defs


def run_refresh(settings: Settings, years: list[int], instance: dg.DagsterInstance,
                publish: bool = True, on_step: Callable[[str, str], None] | None = None) -> RefreshResult:
    """Run the steps of a refresh for `years`; `on_step(name, state)` reports start/ok/failed."""
    with _state_storage_of(instance):
        return _run_refresh(settings, years, instance, publish, on_step or (lambda name, state: None))


def _run_refresh(settings: Settings, years: list[int], instance: dg.DagsterInstance, publish: bool,
                 notify: Callable[[str, str], None]) -> RefreshResult:
    defs = _definitions(str(settings.warehouse), str(settings.raw_dir), str(settings.publish_dir))
    keys = [str(y) for y in years]
    known = set(instance.get_dynamic_partitions(wres_year_partitions.name))
    instance.add_dynamic_partitions(wres_year_partitions.name, [k for k in keys if k not in known])
    outcome = RefreshResult(years=list(years))

    def step(name: str, job: str, partition: str | None = None) -> bool:
        notify(name, "start")
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, partition_key=partition, raise_on_error=False, run_config=QUIET,
            tags={"wres/reason": "cli"})
        outcome.steps.append(StepResult(name, result.success, "" if result.success else _error_of(result)))
        notify(name, "ok" if result.success else "failed")
        return result.success

    if not step("load reference files", reference_job.name):
        return outcome
    ingested = [y for y in years if step(f"ingest WRES {y}", ingest_year_job.name, str(y))]
    if not step("build dbt models and tests", transform_job.name):
        return outcome
    if publish:
        for year in ingested:
            if step(f"publish WRES {year}", publish_job.name, str(year)):
                outcome.published.append(year)
    return outcome
