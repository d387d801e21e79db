"""Background tasks of the awards stage (django-tasks). The database backend's worker runs them:
`manage.py db_worker`."""

from django.utils import timezone
from django_tasks import task

from wuxiao.jobs.leases import when_interrupted

from .models import AwardJob, JobStatus


@task()
def generate_certificates(job_id: int) -> int:
    """Render the certificates of one AwardJob and their ZIP; returns the number of PDFs.

    Safe to run again after its worker died: a finished job is left alone, an unfinished one starts over
    (the PDFs already stored are reused) and writes the same file.
    """
    from .services_certificates import run_certificates

    return run_certificates(job_id=job_id).done


@when_interrupted(generate_certificates)
def _certificates_interrupted(job_id: int, *, requeued: bool) -> None:
    """The progress page shows the job waiting again (or failed), not running with a frozen bar."""
    unfinished = AwardJob.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    if requeued:
        unfinished.update(status=JobStatus.QUEUED, done=0)
    else:
        unfinished.update(status=JobStatus.FAILED, error="the background worker stopped while generating",
                          finished_at=timezone.now())
