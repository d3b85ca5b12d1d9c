"""A whole refresh, step by step, through the Dagster jobs.

`wres refresh` calls `run_refresh`: load the reference files, ingest each WRES year,
rebuild the dbt models, then publish each year whose ingest and gate passed, two years
side by side in worker processes (orchestration.publication_workers) when more than one is
due. A year that fails stops only itself: the others go on, and the failure is reported
at the end.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from dataclasses import dataclass, field
from typing import Callable

import dagster as dg

from wres.config import PUBLICATION_WORKERS, PUBLICATION_WORKERS_FROM_FILES, Settings
from wres.freshness import RefreshPlan, plan_refresh
from wres.ingest.landing import year_files
from orchestration.definitions import build_definitions
from orchestration.interrupts import INTERRUPTED, RefreshInterrupted
from orchestration.jobs import ingest_year_job, publish_job, record_cells_job, reference_job, transform_job
from orchestration.partitions import wres_year_partitions
from orchestration.publication_workers import PublicationInterrupted, PublicationWorkers, can_use_workers, step_name
from orchestration.steps import StepInterrupted, StepResult, run_step
from orchestration.transform.assets import DBT_ASSETS_NAME

RECORD_CELLS_STEP = "record the published cells"


@dataclass
class RefreshResult:
    years: list[int]
    plan: RefreshPlan
    steps: list[StepResult] = field(default_factory=list)
    published: list[int] = field(default_factory=list)
    held_back: list[int] = field(default_factory=list)  # RefreshPlan.held_back

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)

    @property
    def failures(self) -> list[StepResult]:
        return [s for s in self.steps if not s.ok]


def run_refresh(settings: Settings, years: list[int], instance: dg.DagsterInstance, publish: bool = True,
                on_step: Callable[[str, str], None] | None = None, plan: RefreshPlan | None = None,
                workers: int | None = None) -> RefreshResult:
    """Run the steps of a refresh for `years` that `plan` (by default: what changed) asks for;
    `on_step(name, state)` reports start/ok/failed (or warning: a step whose failure the refresh
    tolerates). Up to `workers` years are published side by side (1: one after another, in this
    process; None: `default_workers`); the releases are the same either way.

    The refresh runs in a context of its own (contextvars): loading Definitions reads the
    "current" definitions-state storage from a context variable that every `with instance:`
    sets and resets, and an instance exited out of order elsewhere in the process (a sensor or
    resource context, a test) leaves it naming the storage of a collected instance, whose
    dead weakref then fails the load. In a fresh context nothing set outside is visible, and
    the state storage is unset, which is all these Definitions need (no state-backed components).
    """
    plan = plan or plan_refresh(settings, years)
    return contextvars.Context().run(_run_refresh, settings, plan, instance, publish,
                                     on_step or (lambda name, state: None), workers)


def _run_refresh(settings: Settings, plan: RefreshPlan, instance: dg.DagsterInstance, publish: bool,
                 notify: Callable[[str, str], None], workers: int) -> RefreshResult:
    outcome = RefreshResult(years=list(plan.years), plan=plan)
    if plan.nothing_to_do:
        return outcome
    defs = build_definitions(settings)
    defs.resolve_all_job_defs()  # before any run: what a run leaves behind in this context cannot reach it
    keys = [str(y) for y in plan.years]
    known = set(instance.get_dynamic_partitions(wres_year_partitions.name))
    instance.add_dynamic_partitions(wres_year_partitions.name, [k for k in keys if k not in known])

    def record(result: StepResult) -> bool:
        outcome.steps.append(result)
        if result.interrupted:
            raise RefreshInterrupted(outcome)  # no further step: the process was told to stop
        return result.ok

    def run(name: str, job: str, partition: str | None = None, config: dict | None = None) -> StepResult:
        notify(name, "start")
        try:
            result = run_step(defs, instance, name, job, partition, config)
        except StepInterrupted:
            result = StepResult(name, False, INTERRUPTED, interrupted=True)
        notify(name, "ok" if result.ok else "failed")
        return result

    def step(name: str, job: str, partition: str | None = None, config: dict | None = None) -> bool:
        return record(run(name, job, partition, config))

    def record_cells() -> None:
        """The new releases' cells, for the next build (after the publications: their workers read the
        warehouse, and DuckDB lets no process write a file that another holds open). Should that fail (a
        reader holding the warehouse open), the releases stand: the next build records their cells before
        it starts, so the failure is a warning."""
        if not outcome.published:
            return
        notify(RECORD_CELLS_STEP, "start")
        try:
            result = run_step(defs, instance, RECORD_CELLS_STEP, record_cells_job.name, None, None)
        except StepInterrupted:
            result = StepResult(RECORD_CELLS_STEP, False, INTERRUPTED, interrupted=True)
        if not result.ok and not result.interrupted:
            result = StepResult(RECORD_CELLS_STEP, True, run_id=result.run_id, warnings=[
                f"the cells of WRES {', '.join(map(str, outcome.published))} were not recorded in the warehouse "
                f"now ({result.error}); the next build records them before it starts"])
            notify(RECORD_CELLS_STEP, "warning")
        else:
            notify(RECORD_CELLS_STEP, "ok" if result.ok else "failed")
        record(result)

    if plan.reference and not step("load reference files", reference_job.name):
        return outcome
    failed = [y for y in plan.ingest if not step(f"ingest WRES {y}", ingest_year_job.name, str(y))]
    outcome.held_back = plan.held_back(failed)
    waiting = set(failed) | set(outcome.held_back)
    if not plan.reference and set(failed) >= set(plan.ingest) and waiting >= set(plan.publish):
        return outcome  # every year that needed work failed to load, or waits on one: nothing for dbt to rebuild
    due = [y for y in plan.publish if y not in waiting] if publish else []
    workers = default_workers(settings, due) if workers is None else workers
    helpers = min(workers, len(due)) - 1 if can_use_workers(instance) else 0
    # Never empty when the plan's is not (which means every year): a held year waits on a failed one, built.
    years = [y for y in plan.build_years if y not in outcome.held_back]
    name = f"build dbt models and tests ({'WRES ' + ', '.join(map(str, years)) if years else 'every year'})"
    warm_up = threading.Thread(target=_warm_up, args=(bool(due),), name="wres-warm-up")
    warm_up.start()
    try:
        with contextlib.ExitStack() as stack:
            # Started now, the workers load and warm up while dbt builds in its own process.
            pool = stack.enter_context(PublicationWorkers(settings, instance, helpers)) if helpers > 0 else None
            if not step(name, transform_job.name, config={"ops": {DBT_ASSETS_NAME: {"config": {"years": years}}}}):
                return outcome
            if pool is None:
                outcome.published.extend(y for y in due if step(step_name(y), publish_job.name, str(y)))
            else:
                try:
                    results = pool.publish(due, lambda y: run(step_name(y), publish_job.name, str(y)), notify)
                except PublicationInterrupted as interrupted:  # the years published before it stay published
                    outcome.steps.extend(interrupted.results)
                    outcome.published.extend(y for y in due for r in interrupted.results
                                              if r.name == step_name(y) and r.ok)
                    # Their cells are recorded by the next build, which finds them unrecorded.
                    raise RefreshInterrupted(outcome) from None
                outcome.steps.extend(results)
                outcome.published.extend(y for y, r in zip(due, results) if r.ok)
    finally:
        warm_up.join()
    record_cells()
    return outcome


def default_workers(settings: Settings, years: list[int]) -> int:
    """PUBLICATION_WORKERS when the years to publish are large enough to gain from them (their landing
    files number at least PUBLICATION_WORKERS_FROM_FILES), else 1."""
    files = sum(len(year_files(settings.raw_dir, year, settings).files) for year in years)
    return PUBLICATION_WORKERS if files >= PUBLICATION_WORKERS_FROM_FILES else 1


def _warm_up(report: bool) -> None:
    """Start Great Expectations (seconds of imports) and, when this process publishes, the report's Vega
    bundle while dbt runs in its own process: the checks after dbt and the publication then find them
    ready. A failure here is left to those steps, which meet it again and report it with their own message."""
    try:
        from wres.quality.gate import shared_validator  # imported here: the report's charting libraries load slowly
        from wres.report.build import vega_bundle

        shared_validator()
        if report:
            vega_bundle()
    except Exception:
        pass
