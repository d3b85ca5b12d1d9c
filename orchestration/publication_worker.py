"""A publication worker's entry point (`python -m orchestration.publication_worker <refresh PID>`).

Armed to die with the refresh that started it (Linux's parent-death signal, SIGKILL, as dbt) before
anything heavy loads: a refresh killed while its worker imports Dagster leaves no orphan that would
go on to adopt its writer lock. Then it serves (orchestration.publication_workers.serve) and leaves
without the interpreter's teardown of Dagster, Great Expectations and Altair (over a second, which
the refresh would wait for): its runs are committed and its answers sent.
"""

import os
import sys

from wres.child import die_with_parent

if __name__ == "__main__":
    if not die_with_parent(parent=int(sys.argv[1])):
        sys.exit(1)
    code = 130  # told to stop before it could say otherwise
    try:
        from orchestration.publication_workers import serve

        code = serve()
        sys.stderr.flush()
    except KeyboardInterrupt:
        pass
    finally:
        os._exit(code)
