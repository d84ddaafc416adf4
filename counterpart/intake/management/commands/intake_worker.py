"""``counterpart worker [--once] [--poll SECONDS]``: run queued import batches in the background.

Several workers may run at once: each claims a batch with SELECT … FOR UPDATE SKIP LOCKED on
PostgreSQL. With nothing queued, a worker takes a batch a killed process abandoned (in ``validating``
or ``writing``, its advisory lock free) and resumes it from its stored file.
"""

import time
import traceback
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from counterpart.core.audit import Actor
from counterpart.intake.at_rest import leftovers_sweep
from counterpart.intake.services import batch_claim, batch_run


class Command(BaseCommand):
    help = "Run queued import batches (the web upload queues them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued, then stop")
        parser.add_argument("--poll", type=float, default=2.0)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("worker:import")
        leftovers_sweep()
        while True:
            batch = batch_claim()
            if batch is None:
                leftovers_sweep()  # killed imports' spools, ended batches' uploads past retention
                if options["once"]:
                    return
                time.sleep(options["poll"])
                continue
            try:
                result = batch_run(actor, batch)
            except Exception:
                self.stderr.write(f"batch #{batch.pk}: {traceback.format_exc(limit=1).splitlines()[-1]}")
                continue
            self.stdout.write(f"batch #{result.batch.pk} {result.batch.kind}: {result.batch.status}")
