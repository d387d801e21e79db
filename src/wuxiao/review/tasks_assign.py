"""The assignment run in the background worker (django-tasks; `manage.py db_worker`)."""

from django.utils import timezone
from django_tasks import task

from wuxiao.jobs.leases import when_interrupted

from .models import AssignmentRun, RunStatus


@task()
def compute_assignment(run_id: int) -> str:
    """Compute one AssignmentRun (services_assign.run_assignment); returns its status.

    Safe to run again after its worker died: a finished run is left alone, an unfinished one starts over and
    replaces the drafts in one transaction."""
    from .services_assign import run_assignment

    return run_assignment(run_id).status


@when_interrupted(compute_assignment)
def _assignment_interrupted(run_id: int, *, requeued: bool) -> None:
    """The progress bar shows the run waiting again (or failed), not running with a frozen bar."""
    unfinished = AssignmentRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
    if requeued:
        unfinished.update(status=RunStatus.QUEUED, progress=0)
    else:
        unfinished.update(status=RunStatus.FAILED, step="the background worker stopped", finished_at=timezone.now())
