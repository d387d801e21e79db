"""The scheduled reminders of the second round, in the background worker (django-tasks; `manage.py db_worker`).

The project has no cron: periodic work is a task that queues its own next run (`run_after`, which
the database backend supports). `ensure_reminder_schedule()` starts the chain when an edition has
reminders every N days and none is waiting (the office's progress page calls it, and so does the
`review_reminders --schedule` command); `manage.py review_reminders` also sends the due reminders
once, for a host that prefers cron.
"""

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# How often the worker looks for editions whose reminder is due (each edition keeps its own N days).
CHECK_EVERY = dt.timedelta(hours=1)


@task()
def send_due_review_reminders() -> dict:
    """Send the reminders that are due in every edition, then queue the next check."""
    from .services_scoring import send_due_reminders

    try:
        return send_due_reminders()
    finally:
        _queue_next(timezone.now() + CHECK_EVERY)


def _task_path() -> str:
    return send_due_review_reminders.module_path


def _waiting() -> bool:
    """Whether a check is already queued (database backend only; other backends never chain)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the backend is part of the project's dependencies
        return False
    from django_tasks import TaskResultStatus

    return DBTaskResult.objects.filter(task_path=_task_path(),
                                       status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()


def _queue_next(when: dt.datetime) -> bool:
    job = send_due_review_reminders
    if not job.get_backend().supports_defer:
        return False  # immediate/dummy backends (tests): no chain
    try:
        job.using(run_after=when).enqueue()
    except Exception:  # the queue itself is unavailable: the next page view or command tries again
        logger.exception("could not queue the next check of the review reminders")
        return False
    return True


def ensure_reminder_schedule(edition=None) -> bool:
    """Queue the reminder check when `edition` (or any, when None) has scheduled reminders and none is waiting."""
    from .models import ReviewSettings

    wanted = ReviewSettings.objects.filter(reminder_every_days__gt=0)
    if edition is not None:
        wanted = wanted.filter(edition=edition)
    if not wanted.exists():
        return False
    job = send_due_review_reminders
    if not job.get_backend().supports_defer or _waiting():
        return False
    return _queue_next(timezone.now())
