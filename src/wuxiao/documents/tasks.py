"""Background tasks (django-tasks). The database backend's worker runs them: `manage.py db_worker`."""

from django_tasks import task


@task()
def export_entry_forms(job_id: int) -> int:
    """Build the ZIP of 申报表 PDFs of one ExportJob; returns the number of PDFs."""
    from .services import run_export

    return run_export(job_id=job_id).done
