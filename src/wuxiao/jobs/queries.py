"""Reads about background tasks, for the pages that show a job's progress."""

import uuid
from dataclasses import dataclass

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .leases import stale


@dataclass(frozen=True)
class TaskState:
    attempts: int  # how many times a worker has started the task
    stalled: bool  # still marked running, but its worker stopped answering: it is about to be queued again

    @property
    def retried(self) -> bool:
        return self.attempts > 1


def task_state(task_id: str) -> TaskState | None:
    """The state of a database task by its id (as returned by `enqueue`), None when there is no such task."""
    try:
        pk = uuid.UUID(str(task_id))
    except ValueError:
        return None
    row = DBTaskResult.objects.filter(pk=pk).values_list("worker_ids", flat=True).first()
    if row is None:
        return None
    return TaskState(attempts=len(row), stalled=DBTaskResult.objects.filter(stale(timezone.now()), pk=pk).exists())
