"""One step of a refresh: a Dagster job run in this process, and its outcome in words.

Used by the refresh (orchestration.refresh) for every step, and by the publication workers
(orchestration.publication_workers) for the years they publish side by side.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import dagster as dg

from orchestration.interrupts import INTERRUPTED
from orchestration.runs import CLI_REASON, REASON_TAG, process_tags

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
    interrupted: bool = False  # the process was told to stop (SIGTERM, Ctrl-C): no further step runs

    def as_dict(self) -> dict:
        return asdict(self)


class StepInterrupted(KeyboardInterrupt):
    """The process was told to stop outside a step of the run (before its first event or after its last)."""


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


def run_step(defs: dg.Definitions, instance: dg.DagsterInstance, name: str, job: str, partition: str | None = None,
             config: dict | None = None) -> StepResult:
    """Run `job` (of `defs`) in this process, tagged with this process; `StepInterrupted` when the process
    was told to stop outside a step of the run."""
    try:
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, partition_key=partition, raise_on_error=False,
            run_config={**QUIET, **(config or {})}, tags={REASON_TAG: CLI_REASON, **process_tags()})
    except (dg.DagsterExecutionInterruptedError, KeyboardInterrupt):
        raise StepInterrupted() from None
    if result.success:
        return StepResult(name, True, warnings=_warnings_of(result), run_id=result.run_id)
    return StepResult(name, False, _error_of(result), _warnings_of(result), result.run_id, _trace_of(result),
                      interrupted=_interrupted(result))
