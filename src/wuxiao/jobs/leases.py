"""Leases on running background tasks, so that a killed worker loses no job.

django-tasks-db marks a task RUNNING when a worker claims it, and nothing more: a worker killed
by SIGKILL (or the out-of-memory killer, or a machine that goes down) leaves it RUNNING forever.
Our `db_worker` (management/commands/db_worker.py) adds two things:

- a lease per running task (TaskLease), taken when the task starts and renewed every quarter of
  TASK_LEASE_SECONDS by a heartbeat thread of the worker process;
- a sweep, run by every worker at start and at every heartbeat, that puts the RUNNING tasks whose
  lease ran out (or which never got one, TASK_LEASE_SECONDS after they started) back in the
  queue. After TASK_MAX_ATTEMPTS starts the task is failed instead: a task that kills its worker
  must not kill every worker in turn forever.

So every task may run twice and must be idempotent. A task module shows the interruption in its
own records (a job's status on its progress page) with `@when_interrupted(task)`.
"""

import datetime as dt
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.models import DBTaskResult

from .models import TaskLease

logger = logging.getLogger(__name__)

# A task that ends with one of these was stopped with its worker (Ctrl+C twice), not by its own fault.
STOPPED = {"builtins.SystemExit", "builtins.KeyboardInterrupt"}


class WorkerLost(Exception):
    """The error recorded on a task whose worker died while running it TASK_MAX_ATTEMPTS times."""


_hooks: dict[str, Callable] = {}


def when_interrupted(task):
    """Register `func(*task_args, requeued: bool, **task_kwargs)` for `task`.

    It runs in the transaction that puts an interrupted run back in the queue (requeued=True)
    or gives the task up (False), so the task's own record never shows a run that is not happening.
    """
    def register(func):
        _hooks[task.module_path] = func
        return func
    return register


def lease_duration() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TASK_LEASE_SECONDS)


def stale(now: dt.datetime) -> Q:
    """RUNNING tasks matching this have no live worker: the lease ran out, or none was ever taken."""
    return (Q(status=TaskResultStatus.RUNNING)
            & (Q(lease__expires_at__lt=now) | Q(lease__isnull=True, started_at__lt=now - lease_duration())))


def interrupt(result: DBTaskResult) -> bool:
    """Queue an interrupted task again, or fail it after TASK_MAX_ATTEMPTS starts; True when queued.

    Call it in a transaction that holds the task's row.
    """
    attempts = len(result.worker_ids)
    requeued = attempts < settings.TASK_MAX_ATTEMPTS
    if requeued:
        result.status, result.finished_at, result.exception_class_path, result.traceback = (
            TaskResultStatus.READY, None, "", "")
        result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
        logger.warning("task %s (%s) lost its worker; queued again (attempt %s of %s)",
                       result.pk, result.task_path, attempts + 1, settings.TASK_MAX_ATTEMPTS)
    else:
        result.set_failed(WorkerLost(f"the worker stopped while running this task, {attempts} times"))
        logger.error("task %s (%s) lost its worker %s times; given up", result.pk, result.task_path, attempts)
    TaskLease.objects.filter(task_id=result.pk).delete()
    try:
        import_string(result.task_path)  # a worker that never ran this task has not registered its hook yet
    except ImportError:
        pass
    hook = _hooks.get(result.task_path)
    if hook is not None:
        hook(*result.args_kwargs["args"], requeued=requeued, **result.args_kwargs["kwargs"])
    return requeued


def requeue_expired(now: dt.datetime | None = None) -> int:
    """Sweep: queue again (or give up) every task whose worker died; returns how many."""
    now = now or timezone.now()
    tasks = DBTaskResult.objects.filter(stale(now))
    if not tasks.exists():  # the common case stays a read: on SQLite a write transaction locks the file
        return 0
    count = 0
    with transaction.atomic():
        for result in tasks.select_for_update(skip_locked=True, of=("self",)):
            interrupt(result)
            count += 1
    return count


class LeaseKeeper:
    """The heartbeat of one worker process: renews its running task's lease and sweeps the others'.

    A thread, so that the lease stays fresh while the main thread is deep inside a long task.
    """

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.task_id = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="task-lease-keeper", daemon=True)

    def __enter__(self):
        global _keeper
        _keeper = self
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        global _keeper
        self._stop.set()
        self._thread.join(timeout=settings.TASK_LEASE_SECONDS)
        _keeper = None

    def hold(self, task_id) -> None:
        with self._lock:
            TaskLease.objects.update_or_create(task_id=task_id, defaults={
                "worker_id": self.worker_id, "expires_at": timezone.now() + lease_duration()})
            self.task_id = task_id

    def release(self, task_id) -> None:
        with self._lock:
            self.task_id = None
            TaskLease.objects.filter(task_id=task_id, worker_id=self.worker_id).delete()

    def beat(self) -> None:
        with self._lock:
            if self.task_id is not None:
                renewed = (TaskLease.objects.filter(task_id=self.task_id, worker_id=self.worker_id)
                           .update(expires_at=timezone.now() + lease_duration()))
                if not renewed:
                    logger.warning("task %s: lease lost (the heartbeat was late); another worker may run it",
                                   self.task_id)
        requeue_expired()

    def _run(self) -> None:
        try:
            while True:
                close_old_connections()
                try:
                    self.beat()
                except Exception:  # a database hiccup must not end the heartbeat
                    logger.exception("task lease heartbeat failed")
                if self._stop.wait(settings.TASK_LEASE_SECONDS / 4):
                    return
        finally:
            connections.close_all()


_keeper: LeaseKeeper | None = None


def _db_task(task_result):
    """The DBTaskResult behind a worker's signal, when this process runs a keeper."""
    return getattr(task_result, "db_result", None) if _keeper is not None else None


@receiver(task_started)
def _take_lease(sender, task_result, **kwargs):
    if _db_task(task_result) is not None:
        _keeper.hold(task_result.id)


@receiver(task_finished)
def _drop_lease(sender, task_result, **kwargs):
    if _db_task(task_result) is None:
        return
    _keeper.release(task_result.id)
    if task_result.status == TaskResultStatus.FAILED and any(
            error.exception_class_path in STOPPED for error in task_result.errors):
        with transaction.atomic():
            interrupt(DBTaskResult.objects.select_for_update().get(pk=task_result.id))
