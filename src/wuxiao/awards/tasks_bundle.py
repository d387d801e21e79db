"""Background task (django-tasks) of the awarded entries' ZIP; `manage.py db_worker` runs it."""

from django.utils import timezone
from django_tasks import task

from wuxiao.jobs.leases import when_interrupted

from .models import AwardJob, JobStatus


@task()
def build_bundle(job_id: int) -> int:
    """Build the ZIP of one bundle AwardJob; returns the number of entries in it.

    Safe to run again after its worker died: a finished job is left alone, an unfinished one starts over and
    writes the same file.
    """
    from .services_bundle import run_bundle

    return run_bundle(job_id=job_id).done


@when_interrupted(build_bundle)
def _bundle_interrupted(job_id: int, *, requeued: bool) -> None:
    """The job page shows the job waiting again (or failed), not running with a frozen bar."""
    unfinished = AwardJob.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    if requeued:
        unfinished.update(status=JobStatus.QUEUED, done=0)
    else:
        unfinished.update(status=JobStatus.FAILED, error="the background worker stopped while exporting",
                          finished_at=timezone.now())
