"""Worker processes (wres.processes): what a caller gets back, and what it hears when a call or a worker fails."""

import math
import os
import signal
import threading

import pytest

from wres.processes import WorkerError, Workers


def test_a_worker_answers_and_raises_the_error_of_a_failed_call():
    with Workers(2) as workers:
        assert workers.call(math.sqrt, (16.0,)) == 4.0
        assert workers.call(divmod, (17, 5)) == (3, 2)
        with pytest.raises(ValueError, match="math domain error") as failed:
            workers.call(math.sqrt, (-1.0,))
        assert any("in a worker process (sqrt)" in note for note in failed.value.__notes__)
        # A failed call leaves its worker serving.
        assert workers.call(math.sqrt, (9.0,)) == 3.0
        processes = workers.processes
    assert len({p.pid for p in processes}) == 2 and os.getpid() not in {p.pid for p in processes}
    # Each closed its input and left of its own accord.
    assert [p.returncode for p in processes] == [0, 0]


def test_arguments_that_cannot_be_pickled_never_reach_the_worker():
    # 100 KB that pickle writes before it meets the lock: a half-written request would be read as the next one.
    with Workers(1) as workers:
        with pytest.raises(TypeError, match="pickle"):
            workers.call(len, (["x" * 100_000, threading.Lock()],))
        assert workers.call(divmod, (7, 2)) == (3, 1)
        assert workers.call(len, (["x" * 100_000, "y"],)) == 2
        processes = workers.processes
    assert [p.returncode for p in processes] == [0]


def test_a_killed_worker_is_an_error_not_a_hang():
    with Workers(1) as workers:
        os.kill(workers.processes[0].pid, signal.SIGKILL)
        with pytest.raises(WorkerError, match=r"a worker process \(sqrt\) stopped: killed by SIGKILL"):
            workers.call(math.sqrt, (4.0,))
