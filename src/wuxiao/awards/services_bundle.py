"""The awarded entries' forms and material in one ZIP, for recommending them on to the provincial competition:
per awarded entry (revoked ones left out) a folder "01-特等奖-<title>/" with its 申报表 PDF, its attachments
(photos, documents, PPT, video, the stamped form) and its current roadshow material, and an index.xlsx.

Built by a background task (tasks.py) into a temporary file, never the whole ZIP in memory; the progress
is saved per entry for the job page. Running it again (its worker died) leaves a finished job alone and
otherwise starts over, writing the same file.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import zipfile
from pathlib import PurePosixPath

from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import allowed
from wuxiao.common.spreadsheet import XlsxSheet
from wuxiao.documents import content
from wuxiao.documents.exporters import EntryFormPdf, safe_filename
from wuxiao.documents.pdf import DOCUMENT_LANGUAGE
from wuxiao.entries.models import Attachment, Entry

from .models import AwardJob, AwardList, AwardRow, JobKind, JobStatus, ListStatus

logger = logging.getLogger(__name__)

NOT_OFFICE = gettext_lazy("Only the committee office may export the awarded entries.")
NOT_CONFIRMED = gettext_lazy("The award list is not confirmed yet: the awarded entries can be exported once the "
                             "list is confirmed after its public announcement.")
NO_AWARD = gettext_lazy("The confirmed award list holds no award (or every award was revoked): there is nothing "
                        "to export.")
CHUNK = 20  # entries read at once: each brings its completers, attachments and material


def bundle_rows(award_list: AwardList):
    """The rows exported: with a tier and not revoked, in tier and ranking order."""
    return (AwardRow.objects.filter(award_list=award_list, tier__isnull=False, revoked_at__isnull=True)
            .select_related("tier").order_by("tier__position", "position", "id"))


def _confirmed_list(edition) -> AwardList:
    lst = AwardList.objects.filter(edition=edition).first()
    if lst is None or lst.status != ListStatus.CONFIRMED:
        raise Refused(NOT_CONFIRMED)
    return lst


def request_bundle(*, actor, edition) -> AwardJob:
    """Create a bundle job for the edition's confirmed award list and queue its task."""
    from .tasks import build_bundle

    if not allowed(actor, "awards.manage"):
        raise Refused(NOT_OFFICE)
    lst = _confirmed_list(edition)
    total = bundle_rows(lst).count()
    if not total:
        raise Refused(NO_AWARD)
    with transaction.atomic():
        job = AwardJob.objects.create(edition=edition, kind=JobKind.BUNDLE, requested_by=actor, total=total,
                                      parameters={"award_list": lst.pk})
        audit.record(actor=actor, action="awards.bundle_request", obj=job, edition=edition,
                     data={"entries": total})
        # With the database backend the task row commits with the job: a worker never sees one without the other.
        result = build_bundle.enqueue(job.pk)
        AwardJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _entries(ids: list[int]) -> dict[int, Entry]:
    """The entries with what their 申报表, attachments and material need, by id."""
    from wuxiao.finals.models import RoadshowMaterial

    qs = content.entries_for_documents(Entry.objects.filter(pk__in=ids)).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("kind", "uploaded_at", "id")),
        Prefetch("roadshow_materials", queryset=RoadshowMaterial.objects.filter(replaced_at__isnull=True)
                 .order_by("kind", "id"), to_attr="current_material"))
    return {e.pk: e for e in qs}


def folder_name(number: int, tier_name: str, title: str) -> str:
    """"01-特等奖-数控快换工装": the place in the list, the tier and the title, safe for any file system."""
    return f"{number:02d}-{safe_filename(tier_name, 20)}-{safe_filename(title, 60)}"


def _file_name(original: str, stored: str, taken: set) -> str:
    """The file's own name made safe, its suffix kept, numbered when the folder already holds that name."""
    path = PurePosixPath(original or stored)
    suffix = path.suffix.lower() if path.suffix.isascii() and len(path.suffix) <= 8 else PurePosixPath(stored).suffix
    stem = safe_filename(path.stem, 60)
    name, n = f"{stem}{suffix}", 1
    while name in taken:
        n += 1
        name = f"{stem}({n}){suffix}"
    taken.add(name)
    return name


def _copy(archive: zipfile.ZipFile, field_file, size: int, arcname: str) -> None:
    """Copy a stored file into the archive in chunks (a video of 800 MB never sits in memory)."""
    info = zipfile.ZipInfo(arcname, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    with field_file.storage.open(field_file.name, "rb") as source, \
            archive.open(info, "w", force_zip64=size > 2**31) as target:
        shutil.copyfileobj(source, target, 1024 * 1024)


def _index(rows: list[dict], edition) -> bytes:
    book = XlsxSheet(_("Awarded entries"))
    book.append([_("%(title)s: awarded entries") % {"title": edition.title}])
    book.append([_("No."), _("Folder"), _("Prize tier"), _("Entry number"), _("Title of the innovation"),
                 _("Category"), _("Declaring unit"), _("Recommending unit"), _("First completer"), _("Final score"),
                 _("Prize money (yuan)"), _("Files")])
    for row in rows:
        book.append([row["number"], row["folder"], row["tier"], row["entry"], row["title"], row["category"],
                     row["declaring_unit"], row["recommending_unit"], row["first_completer"], row["final"],
                     row["amount"], row["files"]])
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in book.sheet[2]:
        cell.font = Font(bold=True)
    for number, width in enumerate([6, 40, 10, 10, 36, 10, 30, 30, 12, 10, 12, 8], start=1):
        book.sheet.column_dimensions[get_column_letter(number)].width = width
    book.sheet.freeze_panes = "C3"
    return book.to_bytes()


def run_bundle(*, job_id: int) -> AwardJob:
    """Write the ZIP of a bundle job, saving progress per entry. Not one transaction: the job page polls it."""
    job = AwardJob.objects.select_related("edition").get(pk=job_id)
    if job.is_finished:
        return job
    with translation.override(DOCUMENT_LANGUAGE):  # the folders and the index are in Chinese, like the forms
        return _run(job)


def _run(job: AwardJob) -> AwardJob:
    try:
        lst = _confirmed_list(job.edition)
        rows = list(bundle_rows(lst))
        AwardJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, total=len(rows), done=0, error="")
        index, done = [], 0
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
                for start in range(0, len(rows), CHUNK):
                    chunk = rows[start:start + CHUNK]
                    entries = _entries([r.entry_id for r in chunk])
                    for row in chunk:
                        done += 1
                        entry = entries[row.entry_id]
                        folder = folder_name(done, row.tier.name, entry.title)
                        taken: set[str] = set()
                        form = EntryFormPdf(entry)
                        taken.add(form.filename())
                        archive.writestr(f"{folder}/{form.filename()}", form.render(),
                                         compress_type=zipfile.ZIP_DEFLATED)
                        files = 1
                        for attachment in entry.attachments.all():
                            name = _file_name(attachment.original_name, attachment.file.name, taken)
                            _copy(archive, attachment.file, attachment.size, f"{folder}/{name}")
                            files += 1
                        for material in entry.current_material:
                            name = _file_name(_("roadshow") + "-" + material.original_name, material.file.name,
                                              taken)
                            _copy(archive, material.file, material.size, f"{folder}/{name}")
                            files += 1
                        completers = list(entry.completers.all())
                        index.append({
                            "number": done, "folder": folder, "tier": row.tier.name, "entry": entry.pk,
                            "title": entry.title, "category": entry.category.name if entry.category else "",
                            "declaring_unit": entry.declaring_unit.name,
                            "recommending_unit": entry.recommending_unit.name,
                            "first_completer": completers[0].name if completers else "", "final": row.final,
                            "amount": row.amount_yuan, "files": files})
                        AwardJob.objects.filter(pk=job.pk).update(done=done)
                archive.writestr("index.xlsx", _index(index, job.edition), compress_type=zipfile.ZIP_DEFLATED)
            spool.seek(0)
            job.refresh_from_db()
            # One name per job: a run whose worker died after writing the file is overwritten, not duplicated.
            name = f"awards/jobs/{job.edition_id}/{job.pk}-bundle.zip"
            job.result.storage.delete(name)
            job.result.name = job.result.storage.save(name, File(spool))
        job.status, job.done, job.finished_at = JobStatus.DONE, done, timezone.now()
        job.save(update_fields=["result", "status", "done", "finished_at"])
    except Exception as exc:  # the job must end in a state the page can show, whatever went wrong
        logger.exception("awards bundle job %s failed", job.pk)
        message = exc.message if isinstance(exc, Refused) else repr(exc)
        AwardJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=str(message)[:2000],
                                                  finished_at=timezone.now())
        job.refresh_from_db()
    return job
