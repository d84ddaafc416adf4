"""``counterpart worker [--once] [--poll SECONDS]``: run queued imports in the background.

The queue is Django's Tasks framework with its database backend (counterpart/intake/tasks.py): the
worker runs every ready task, then looks for batches no task will run — queued without one (by an
older version, or a test) or left in ``validating``/``writing`` by a killed process (PostgreSQL: its
advisory lock free), which it resumes from the stored file — and sweeps leftovers. Several workers may
run at once: tasks and batches are each claimed once (SKIP LOCKED on PostgreSQL).
"""

import os
import socket
import time
import traceback
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from counterpart.core.audit import Actor
from counterpart.intake.at_rest import leftovers_sweep
from counterpart.intake.services import batch_claim, batch_run

# An idle worker looks at the queue every --poll seconds, and for leftovers to remove this often.
SWEEP_SECONDS = 60.0


class Command(BaseCommand):
    help = "Run queued imports (the web upload queues them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued, then stop")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between looks at an empty queue")
        parser.add_argument(
            "--exit-with-parent", action="store_true", help="stop when the process that started it ends (serve)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("worker:import")
        tasks = Worker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=0,
            batch=True,  # run the ready tasks, then return here
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=f"{socket.gethostname()}:{os.getpid()}"[:64],
            excluded_queue_names=[],
        )
        parent = os.getppid() if options["exit_with_parent"] else None
        leftovers_sweep()
        swept = time.monotonic()
        while True:
            tasks.run()
            batch = batch_claim()
            if batch is not None:
                self._run(actor, batch)
                continue
            if options["once"] or time.monotonic() - swept > SWEEP_SECONDS:
                leftovers_sweep()  # killed imports' spools, ended batches' uploads past retention
                swept = time.monotonic()
            if options["once"] or (parent is not None and os.getppid() != parent):
                return
            time.sleep(options["poll"])

    def _run(self, actor: Actor, batch: Any) -> None:
        try:
            result = batch_run(actor, batch)
        except Exception:
            self.stderr.write(f"batch #{batch.pk}: {traceback.format_exc(limit=1).splitlines()[-1]}")
            return
        self.stdout.write(f"batch #{result.batch.pk} {result.batch.kind}: {result.batch.status}")
