"""A refresh told to stop (SIGTERM, Ctrl-C), in words: light, so the CLI can import it before Dagster."""

from __future__ import annotations

INTERRUPTED = ("interrupted (SIGTERM or Ctrl-C); what it had begun was not kept (a load and a publication are "
               "all or nothing): run `wres refresh` again")


class RefreshInterrupted(KeyboardInterrupt):
    """A step was interrupted; carries what the refresh did until then (an orchestration.refresh.RefreshResult)."""

    def __init__(self, outcome):
        super().__init__(INTERRUPTED)
        self.outcome = outcome
