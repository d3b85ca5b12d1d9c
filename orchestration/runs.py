"""Which process runs a Dagster run, and failing the runs whose process died.

Dagster's run monitoring cannot tell that the worker of a run started by `dagster dev` died:
the DefaultRunLauncher does not support run-worker health checks (only STARTING timeouts and
a maximum runtime), so a SIGKILLed worker leaves its run STARTED for ever. Every run that uses
the warehouse tags itself with its process (in-process executor: the run worker's PID and start
time, so a reused PID is not taken for the dead worker), and `wres` fails the runs whose process
is gone.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

PID_TAG = "wres/pid"
# Why a run was started: "cli" for the steps of `wres refresh`, else what started it (a sensor, the schedule).
REASON_TAG = "wres/reason"
CLI_REASON = "cli"
PROCESS_START_TAG = "wres/process_start"
UNFINISHED = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
              dg.DagsterRunStatus.CANCELING]


def process_start(pid: int) -> str | None:
    """The start time of process `pid` in clock ticks since boot (/proc/<pid>/stat, field 22); None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return stat[stat.rindex(")") + 2:].split()[19]  # fields after "pid (comm)" start at field 3


def process_tags() -> dict[str, str]:
    """The tags naming this process as the one running a run."""
    return {PID_TAG: str(os.getpid()), PROCESS_START_TAG: process_start(os.getpid()) or ""}


def _process_died(tags) -> bool:
    pid = int(tags.get(PID_TAG, "0") or 0)
    if not pid:
        return False  # no process recorded: nothing to judge by
    started = process_start(pid)
    return started is None or (bool(tags.get(PROCESS_START_TAG)) and started != tags[PROCESS_START_TAG])


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed every unfinished run whose tagged process has died; one message per run."""
    messages = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=UNFINISHED)):
        if _process_died(run.tags):
            pid = run.tags[PID_TAG]
            instance.report_run_failed(run, message=f"the process running it (PID {pid}) died during the run")
            messages.append(f"marked Dagster run {run.run_id[:8]} ({run.job_name}) failed: its process {pid} had died")
    return messages
