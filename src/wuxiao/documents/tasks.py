"""Background tasks (django-tasks). The database backend's worker runs them: `manage.py db_worker`."""

from django.utils import timezone
from django_tasks import task

from wuxiao.jobs.leases import when_interrupted

from .models import ExportJob, ExportStatus


@task()
def export_entry_forms(job_id: int) -> int:
    """Build the ZIP of 申报表 PDFs of one ExportJob; returns the number of PDFs.

    Safe to run again after its worker died: a finished job is left alone, an unfinished one
    starts over and writes the same file.
    """
    from .services import run_export

    return run_export(job_id=job_id).done


@when_interrupted(export_entry_forms)
def _export_interrupted(job_id: int, *, requeued: bool) -> None:
    """The progress page shows the job waiting again (or failed), not running with a frozen bar."""
    unfinished = ExportJob.objects.filter(pk=job_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
    if requeued:
        unfinished.update(status=ExportStatus.QUEUED, done=0)
    else:
        unfinished.update(status=ExportStatus.FAILED, error="the background worker stopped while exporting",
                          finished_at=timezone.now())
