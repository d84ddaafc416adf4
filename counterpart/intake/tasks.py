"""The import queue as Django tasks (``django.tasks``, backported by django-tasks; database backend).

Uploading a file queues its batch and a task that runs it (``batch_enqueue``); ``counterpart worker``
runs the tasks (``counterpart serve`` starts one beside the web server; production runs it as its own
service, docs/deploy.md). The batch row stays the record of progress and outcome that the pages show;
the task only says which batch to run. A batch is taken once: the task claims it from ``queued`` in
one UPDATE, so a task that finds it taken (by another worker, or by the worker's sweep of batches
queued without a task) does nothing.
"""

from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from counterpart.core.audit import Actor

from .models import BatchStatus, ImportBatch
from .services import batch_enqueue, batch_run


def batch_claim_of(batch_id: int) -> ImportBatch | None:
    """Take one queued batch for this process; None when it is not queued (any more)."""
    taken = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.VALIDATING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    return ImportBatch.objects.filter(pk=batch_id).first() if taken else None


@task()
def batch_run_task(batch_id: int) -> str:
    """Run an uploaded batch as its uploader; the outcome is the batch's status (what its page shows)."""
    batch = batch_claim_of(batch_id)
    if batch is None:
        return "taken"
    result = batch_run(Actor.system("worker:import"), batch)
    return str(result.batch.status)


def batch_queue(actor: Actor, path: Path, **options: Any) -> ImportBatch:
    """Queue a stored upload (``batch_enqueue``) and the task that runs it, in one transaction."""
    with transaction.atomic():
        batch = batch_enqueue(actor=actor, path=path, **options)
        batch_run_task.enqueue(batch.pk)
    return batch
