"""A whole refresh run in this process, step by step, through the Dagster jobs.

`wres refresh` calls `run_refresh`: load the reference files, ingest each WRES year,
rebuild the dbt models, then publish each year whose ingest and gate passed. A year that
fails stops only itself: the others go on, and the failure is reported at the end.
"""

from __future__ import annotations

import contextvars
import re
import threading
from dataclasses import dataclass, field
from typing import Callable

import dagster as dg

from wres.config import Settings
from wres.freshness import RefreshPlan, plan_refresh
from orchestration.definitions import build_definitions
from orchestration.interrupts import INTERRUPTED, RefreshInterrupted
from orchestration.jobs import ingest_year_job, publish_job, reference_job, transform_job
from orchestration.partitions import wres_year_partitions
from orchestration.runs import process_tags
from orchestration.transform.assets import DBT_ASSETS_NAME

# The CLI prints each step, its errors and warnings itself; the run log keeps everything.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class StepResult:
    name: str
    ok: bool
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    run_id: str = ""
    trace: str = ""  # the failed steps' exceptions with their stack traces (`wres refresh --verbose`)


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


_INTERRUPTIONS = ("DagsterExecutionInterruptedError", "KeyboardInterrupt")


def _interrupted(result: dg.ExecuteInProcessResult) -> bool:
    """Whether a step of the run failed because the process was told to stop (SIGTERM, SIGINT)."""
    for event in result.all_events:
        error = event.step_failure_data.error if event.is_step_failure and event.step_failure_data else None
        while error is not None:
            if error.cls_name in _INTERRUPTIONS:
                return True
            error = error.cause
    return False


def _error_of(result: dg.ExecuteInProcessResult) -> str:
    if _interrupted(result):
        return INTERRUPTED
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


def _trace_of(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(event.step_failure_data.error.to_string().strip() for event in result.all_events
                     if event.is_step_failure and event.step_failure_data.error)


def _warnings_of(result: dg.ExecuteInProcessResult) -> list[str]:
    """Warnings the step's assets recorded in their `warnings` metadata (e.g. trusts without a type)."""
    found = []
    for event in result.get_asset_materialization_events():
        entry = event.materialization.metadata.get("warnings")
        if entry is not None and isinstance(entry.value, str) and entry.value:
            found.extend(line for line in entry.value.splitlines() if line not in found)
    return found


def run_refresh(settings: Settings, years: list[int], instance: dg.DagsterInstance, publish: bool = True,
                on_step: Callable[[str, str], None] | None = None, plan: RefreshPlan | None = None) -> RefreshResult:
    """Run the steps of a refresh for `years` that `plan` (by default: what changed) asks for;
    `on_step(name, state)` reports start/ok/failed.

    The refresh runs in a context of its own (contextvars): loading Definitions reads the
    "current" definitions-state storage from a context variable that every `with instance:`
    sets and resets, and an instance exited out of order elsewhere in the process (a sensor or
    resource context, a test) leaves it naming the storage of a collected instance, whose
    dead weakref then fails the load. In a fresh context nothing set outside is visible, and
    the state storage is unset, which is all these Definitions need (no state-backed components).
    """
    plan = plan or plan_refresh(settings, years)
    return contextvars.Context().run(_run_refresh, settings, plan, instance, publish,
                                     on_step or (lambda name, state: None))


def _run_refresh(settings: Settings, plan: RefreshPlan, instance: dg.DagsterInstance, publish: bool,
                 notify: Callable[[str, str], None]) -> RefreshResult:
    outcome = RefreshResult(years=list(plan.years), plan=plan)
    if plan.nothing_to_do:
        return outcome
    defs = build_definitions(settings)
    defs.resolve_all_job_defs()  # before any run: what a run leaves behind in this context cannot reach it
    keys = [str(y) for y in plan.years]
    known = set(instance.get_dynamic_partitions(wres_year_partitions.name))
    instance.add_dynamic_partitions(wres_year_partitions.name, [k for k in keys if k not in known])

    def step(name: str, job: str, partition: str | None = None, config: dict | None = None) -> bool:
        notify(name, "start")
        try:
            result = defs.resolve_job_def(job).execute_in_process(
                instance=instance, partition_key=partition, raise_on_error=False,
                run_config={**QUIET, **(config or {})}, tags={"wres/reason": "cli", **process_tags()})
        except (dg.DagsterExecutionInterruptedError, KeyboardInterrupt):  # outside a step of the run
            outcome.steps.append(StepResult(name, False, INTERRUPTED))
            notify(name, "failed")
            raise RefreshInterrupted(outcome) from None
        outcome.steps.append(StepResult(name, result.success, "" if result.success else _error_of(result),
                                        _warnings_of(result), result.run_id,
                                        "" if result.success else _trace_of(result)))
        notify(name, "ok" if result.success else "failed")
        if not result.success and _interrupted(result):
            raise RefreshInterrupted(outcome)  # no further step: the process was told to stop
        return result.success

    if plan.reference and not step("load reference files", reference_job.name):
        return outcome
    failed = [y for y in plan.ingest if not step(f"ingest WRES {y}", ingest_year_job.name, str(y))]
    if not plan.reference and set(failed) >= set(plan.ingest) and set(failed) >= set(plan.publish):
        return outcome  # every year that needed work failed to load: nothing for dbt to rebuild
    years = plan.build_years
    name = f"build dbt models and tests ({'WRES ' + ', '.join(map(str, years)) if years else 'every year'})"
    warm_up = threading.Thread(target=_warm_up, args=(publish and bool(plan.publish),), name="wres-warm-up")
    warm_up.start()
    try:
        if not step(name, transform_job.name, config={"ops": {DBT_ASSETS_NAME: {"config": {"years": years}}}}):
            return outcome
        if publish:
            for year in plan.publish:
                if year not in failed and step(f"publish WRES {year}", publish_job.name, str(year)):
                    outcome.published.append(year)
    finally:
        warm_up.join()
    return outcome


def _warm_up(report: bool) -> None:
    """Start Great Expectations (seconds of imports) and the report's Vega bundle while dbt runs in its
    own process: the checks after dbt and the publication then find them ready. A failure here is
    left to those steps, which meet it again and report it with their own message."""
    try:
        from wres.quality.gate import shared_validator  # imported here: the report's charting libraries load slowly
        from wres.report.build import vega_bundle

        shared_validator()
        if report:
            vega_bundle()
    except Exception:
        pass
