"""Worker processes (wres.processes): what a caller gets back, and what it hears when a worker fails."""

import math
import os
import signal

import pytest

from wres.processes import WorkerError, Workers


def test_a_worker_answers_and_says_how_a_call_failed():
    with Workers(2) as workers:
        assert workers.call(math.sqrt, (16.0,)) == 4.0
        assert workers.call(divmod, (17, 5)) == (3, 2)
        with pytest.raises(WorkerError) as failed:
            workers.call(math.sqrt, (-1.0,))
        assert "sqrt failed in a worker process" in str(failed.value)
        assert "ValueError: math domain error" in str(failed.value)
        # A failed call leaves its worker serving.
        assert workers.call(math.sqrt, (9.0,)) == 3.0
        pids = workers.pids
    assert len(set(pids)) == 2 and os.getpid() not in pids
    for pid in pids:  # each has left: waited for, so no such process any more
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_killed_worker_is_an_error_not_a_hang():
    with Workers(1) as workers:
        os.kill(workers.pids[0], signal.SIGKILL)
        with pytest.raises(WorkerError, match=r"a worker process \(sqrt\) stopped, exit code -9"):
            workers.call(math.sqrt, (4.0,))
