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


def _mark_interrupted(job_id: int, *, requeued: bool, error: str) -> None:
    """The job page shows the job waiting again (or failed), not running with a frozen bar."""
    unfinished = AwardJob.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    if requeued:
        unfinished.update(status=JobStatus.QUEUED, done=0)
    else:
        unfinished.update(status=JobStatus.FAILED, error=error, finished_at=timezone.now())


@when_interrupted(generate_certificates)
def _certificates_interrupted(job_id: int, *, requeued: bool) -> None:
    _mark_interrupted(job_id, requeued=requeued, error="the background worker stopped while generating")


@task()
def build_bundle(job_id: int) -> int:
    """Build the ZIP of one bundle AwardJob (the awarded entries' forms and material); returns the number of
    entries in it. Safe to run again after its worker died, like the certificates."""
    from .services_bundle import run_bundle

    return run_bundle(job_id=job_id).done


@when_interrupted(build_bundle)
def _bundle_interrupted(job_id: int, *, requeued: bool) -> None:
    _mark_interrupted(job_id, requeued=requeued, error="the background worker stopped while exporting")
