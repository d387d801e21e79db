"""Writes of the documents app: credit commitments (R27) and background exports of 申报表 PDFs."""

import logging
import tempfile
import zipfile

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from wuxiao.common.audit import record
from wuxiao.competitions.models import Edition
from wuxiao.entries.models import CreditCommitment, Entry
from wuxiao.orgs.models import Organisation

from . import content
from .exporters import EntryFormPdf
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)


# --- Credit commitment (Attachment 4, R27) --------------------------------------------------

def get_or_create_commitment(*, actor, edition: Edition, unit: Organisation) -> CreditCommitment:
    """The unit's one commitment for the edition, created (and audited) the first time."""
    with transaction.atomic():
        commitment, created = CreditCommitment.objects.get_or_create(edition=edition, unit=unit)
        if created:
            record(actor=actor, action="documents.commitment_create", obj=commitment, edition=edition)
    return commitment


def save_commitment(*, actor, edition: Edition, unit: Organisation, legal_representative: str,
                    scan=None) -> CreditCommitment:
    """Store the legal representative's name and, when given, the stamped scan (replacing an earlier one)."""
    with transaction.atomic():
        commitment = get_or_create_commitment(actor=actor, edition=edition, unit=unit)
        commitment = CreditCommitment.objects.select_for_update().get(pk=commitment.pk)
        changes = {}
        if legal_representative != commitment.legal_representative:
            changes["legal_representative"] = [commitment.legal_representative, legal_representative]
            commitment.legal_representative = legal_representative
        old_name = commitment.scan.name if commitment.scan else ""
        if scan is not None:
            # FileField.save streams the upload to storage chunk by chunk; it is never read whole.
            commitment.scan.save(scan.name, scan, save=False)
            commitment.scan_name = scan.name[:255]
            commitment.scan_uploaded_at = timezone.now()
            commitment.scan_uploaded_by = actor
            changes["scan"] = {"name": commitment.scan_name, "size": scan.size, "replaced": bool(old_name)}
        commitment.save()
        if scan is not None:
            record(actor=actor, action="documents.commitment_scan_upload", obj=commitment, edition=edition,
                   data=changes)
        elif changes:
            record(actor=actor, action="documents.commitment_update", obj=commitment, edition=edition, data=changes)
        if scan is not None and old_name:
            # Remove the replaced file only once the new one is committed: a rollback keeps the old scan.
            storage = commitment.scan.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return commitment


# --- Batch export of 申报表 PDFs -------------------------------------------------------------

def export_queryset(edition: Edition, filters: dict) -> QuerySet:
    """The entries a job covers: the edition's, narrowed by the stored filters."""
    qs = Entry.objects.filter(edition=edition)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("category"):
        qs = qs.filter(category_id=filters["category"])
    if filters.get("recommending_unit"):
        qs = qs.filter(recommending_unit_id=filters["recommending_unit"])
    return qs.order_by("recommending_unit__name", "declaring_unit__name", "id")


def request_export(*, actor, edition: Edition, filters: dict) -> ExportJob:
    """Create an export job and queue its task (run by `manage.py db_worker`)."""
    from .tasks import export_entry_forms

    with transaction.atomic():
        job = ExportJob.objects.create(edition=edition, requested_by=actor, filters=filters,
                                       total=export_queryset(edition, filters).count())
        record(actor=actor, action="documents.export_request", obj=job, edition=edition, data=filters)
        # With the database backend the task row commits with the job, so a worker never sees one without the other.
        result = export_entry_forms.enqueue(job.pk)
        ExportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


PROGRESS_EVERY = 1  # save progress after this many PDFs (a cheap UPDATE; the page polls every 2 s)


def run_export(*, job_id: int) -> ExportJob:
    """Render every covered entry's 申报表 PDF into one ZIP, saving progress as it goes.

    Not one transaction: progress must be visible to the polling page while the job runs. Running
    it again (its worker died) leaves a finished job alone and otherwise starts over.
    """
    job = ExportJob.objects.select_related("edition").get(pk=job_id)
    if job.is_finished:
        return job
    entries = content.entries_for_documents(export_queryset(job.edition, job.filters))
    ids = list(entries.values_list("pk", flat=True))
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, total=len(ids), done=0, error="")
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
                done = 0
                # Chunks keep memory flat for thousands of entries while prefetching each chunk at once.
                for start in range(0, len(ids), 50):
                    for entry in entries.filter(pk__in=ids[start:start + 50]):
                        exporter = EntryFormPdf(entry)
                        archive.writestr(exporter.filename(), exporter.render())
                        done += 1
                        if done % PROGRESS_EVERY == 0:
                            ExportJob.objects.filter(pk=job.pk).update(done=done)
            spool.seek(0)
            job.refresh_from_db()
            # One name per job: a run whose worker died after writing the file is overwritten, not duplicated.
            name = f"exports/{job.edition_id}/{job.pk}.zip"
            job.result.storage.delete(name)
            job.result.name = job.result.storage.save(name, File(spool))
        job.status, job.done, job.finished_at = ExportStatus.DONE, done, timezone.now()
        job.save(update_fields=["result", "status", "done", "finished_at"])
    except Exception as exc:  # the job must end in a state the page can show, whatever went wrong
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=repr(exc)[:2000],
                                                   finished_at=timezone.now())
        job.refresh_from_db()
    return job
