"""The import queue as Django tasks: an upload queues its batch and a task; `counterpart worker` runs it."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.intake.services import batch_enqueue
from counterpart.intake.tasks import batch_claim_of, batch_queue
from counterpart.projects.models import Project

from .conftest import PROJECT_HEADER, project_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _connections_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The task worker closes the database connection between tasks, as after a request; inside the
    test's transaction (PostgreSQL) that would drop the transaction itself."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def test_a_queued_upload_has_a_task_that_the_worker_runs(program, actor, write_csv):
    # given: an upload queued as the web page queues it
    path = write_csv("projects.csv", [PROJECT_HEADER, *project_rows(3)])
    batch = batch_queue(actor, path, kind="projects", file_name="projects.csv")
    assert batch.status == BatchStatus.QUEUED
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [batch.pk] and task.status == "READY"
    # when: the worker runs what is queued
    call_command("intake_worker", once=True)
    # then: the task succeeded, the batch is done and its rows are loaded
    batch.refresh_from_db()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == "done"
    assert (batch.status, batch.rows_new, batch.attempts) == (BatchStatus.DONE, 3, 1)
    assert Project.objects.filter(code__startswith="P-").count() == 3


def test_a_batch_is_taken_once_whoever_comes_first(program, actor, write_csv):
    path = write_csv("projects.csv", [PROJECT_HEADER, *project_rows(2)])
    batch = batch_queue(actor, path, kind="projects")
    first, second = batch_claim_of(batch.pk), batch_claim_of(batch.pk)
    assert first is not None and first.status == BatchStatus.VALIDATING
    assert second is None
    assert ImportBatch.objects.get(pk=batch.pk).attempts == 1


def test_the_worker_also_runs_a_batch_queued_without_a_task(program, actor, write_csv):
    # given: a batch queued the old way (no task), e.g. before the upgrade
    path = write_csv("projects.csv", [PROJECT_HEADER, *project_rows(2)])
    batch = batch_enqueue(actor=actor, path=path, kind="projects")
    assert not DBTaskResult.objects.exists()
    call_command("intake_worker", once=True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.rows_new == 2


def test_a_refused_file_queues_nothing(program, actor, write_csv):
    path = write_csv("projects.csv", [["nothing", "known"], ["a", "b"]])
    with pytest.raises(Exception):  # noqa: B017 - the kind cannot be detected: refused before queueing
        batch_queue(actor, path)
    assert not ImportBatch.objects.exists() and not DBTaskResult.objects.exists()
