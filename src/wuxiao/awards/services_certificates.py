"""Certificates of the awards (issue 12 item 4): numbers given once the list is confirmed, the office's settings
(prefix, issuing bodies, date, seal), the PDFs rendered one by one or all in a ZIP by the background worker, and
the rate limit of the public verification.

Numbers are stable: once given, a certificate keeps its number whatever changes later (a revoked award keeps its
certificate, and the verification page says it is revoked). Changing the settings marks the PDFs stale, and they
are rendered again when next asked for."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import math
import tempfile
import zipfile

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import allowed

from . import certificates
from . import queries_certificates as cq
from .models import AwardJob, AwardList, AwardRow, Certificate, JobKind, JobStatus, ListStatus
from .queries import award_list, award_settings

logger = logging.getLogger(__name__)

NOT_OFFICE = _("Only the committee office may issue certificates and change their settings.")
NOT_CONFIRMED = _("Certificates are issued only once the award list is confirmed.")
NO_AWARDS = _("The award list has no awarded entry: there is no certificate to issue.")
SEAL_MAX_BYTES = 5 * 1024 * 1024
SEAL_EXTENSIONS = (".png", ".jpg", ".jpeg")


def _check_office(actor) -> None:
    if not allowed(actor, "awards.manage"):
        raise Refused(NOT_OFFICE)


def _confirmed_list(edition) -> AwardList:
    lst = award_list(edition)
    if lst is None or lst.status != ListStatus.CONFIRMED:
        raise Refused(NOT_CONFIRMED)
    return lst


# --- Numbers --------------------------------------------------------------------------------------------------

def issue(*, actor, edition) -> list[Certificate]:
    """Give a certificate (number, token, date) to every awarded row of the confirmed list that has none yet;
    returns the new ones. The number is PREFIX-YEAR-TIERCODE-NNN, NNN the row's place within its tier."""
    _check_office(actor)
    lst = _confirmed_list(edition)
    prefix = award_settings(edition).certificate_prefix
    issued_on = cq.certificate_date(edition, lst)
    made = []
    with transaction.atomic():
        AwardList.objects.select_for_update().get(pk=lst.pk)  # two clicks at once number the rows once
        rows = list(AwardRow.objects.filter(award_list=lst, tier__isnull=False).select_related("tier", "certificate")
                    .order_by("tier__position", "position", "id"))
        if not rows:
            raise Refused(NO_AWARDS)
        used = set(Certificate.objects.filter(number__startswith=f"{prefix}-{edition.year}-")
                   .values_list("number", flat=True))
        seq, tier_id = 0, None
        for row in rows:
            seq = seq + 1 if row.tier_id == tier_id else 1
            tier_id = row.tier_id
            if hasattr(row, "certificate"):
                continue
            code = certificates.tier_code(row.tier.name, row.tier.position)
            n = seq
            number = certificates.certificate_number(prefix, edition.year, code, n)
            while number in used:  # a number once given stays with its row; a newcomer takes the next free one
                n += 1
                number = certificates.certificate_number(prefix, edition.year, code, n)
            used.add(number)
            made.append(Certificate(row=row, number=number, issued_on=issued_on))
        Certificate.objects.bulk_create(made)
        if made:
            audit.record(actor=actor, action="awards.certificates_issue", obj=lst, edition=edition,
                         data={"certificates": len(made), "first": made[0].number, "last": made[-1].number})
    return made


# --- Settings -------------------------------------------------------------------------------------------------

def check_seal(upload) -> None:
    """A seal image: PNG or JPEG, at most 5 MB, its content the picture its name says, within the pixel limits
    (a decompression bomb is refused from its header before any pixel is decoded)."""
    from wuxiao.entries.attachments.images import check_image
    from wuxiao.entries.attachments.limits import clean_name, extension

    if upload.size > SEAL_MAX_BYTES:
        raise Refused(_("The seal image is larger than 5 MB."), field="seal")
    ext = extension(clean_name(upload.name))
    if ext not in SEAL_EXTENSIONS:
        raise Refused(_("The seal must be a PNG or JPEG picture (.png or .jpg)."), field="seal")
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    try:
        check_image(upload, ext, head)
    except Refused as refused:
        raise Refused(refused.message, field="seal") from None
    upload.seek(0)


def save_settings(*, actor, edition, prefix: str, issuers: str, date, seal=None, remove_seal: bool = False):
    """Store the certificates' prefix, issuing bodies, date and seal. A change marks the PDFs stale (rendered
    again when next asked for) and moves the date of the certificates already issued; numbers never change."""
    _check_office(actor)
    prefix = (prefix or "").strip().upper()
    if not certificates.PREFIX_RE.match(prefix):
        raise Refused(_("The prefix may have 1 to 12 capital letters and digits, such as ZZWX."), field="prefix")
    if seal is not None:
        check_seal(seal)
    s = award_settings(edition)
    changes = {}
    for field, value in (("certificate_prefix", prefix), ("certificate_issuers", (issuers or "").strip()),
                         ("certificate_date", date)):
        if getattr(s, field) != value:
            changes[field] = [str(getattr(s, field) or ""), str(value or "")]
            setattr(s, field, value)
    old_seal = s.seal.name if s.seal else ""
    with transaction.atomic():
        if seal is not None:
            s.seal.save(f"{edition.pk}{_seal_ext(seal.name)}", seal, save=False)
            changes["seal"] = {"size": seal.size, "replaced": bool(old_seal)}
        elif remove_seal and old_seal:
            s.seal = ""
            changes["seal"] = {"removed": True}
        if not changes:
            return s
        s.save()
        issued = Certificate.objects.filter(row__award_list__edition=edition)
        issued.update(generated_at=None, issued_on=cq.certificate_date(edition))
        audit.record(actor=actor, action="awards.certificate_settings", obj=s, edition=edition, data=changes)
        if old_seal and "seal" in changes:
            storage = s.seal.storage
            transaction.on_commit(lambda: storage.delete(old_seal))
    return s


def _seal_ext(name: str) -> str:
    return ".png" if name.lower().endswith(".png") else ".jpg"


# --- PDFs -----------------------------------------------------------------------------------------------------

def _file_name(cert: Certificate) -> str:
    return f"awards/certificates/{cert.row.award_list.edition_id}/{cert.number}.pdf"


def certificate_pdf(cert: Certificate, *, seal: str | None = None) -> bytes:
    """The certificate's PDF: the stored file while it is current, else rendered now and stored (one name per
    certificate, so rendering again replaces it)."""
    if cert.file and cert.generated_at:
        try:
            with cert.file.open("rb") as f:
                return f.read()
        except OSError:
            logger.warning("certificate %s: stored PDF missing, rendering it again", cert.number)
    data = certificates.CertificatePdf(cq.certificate_context(cert, seal=seal)).render()
    name = _file_name(cert)
    storage = cert.file.storage
    storage.delete(name)
    cert.file.name = storage.save(name, ContentFile(data))
    cert.generated_at = timezone.now()
    Certificate.objects.filter(pk=cert.pk).update(file=cert.file.name, generated_at=cert.generated_at)
    return data


# --- The background job ---------------------------------------------------------------------------------------

def request_certificates(*, actor, edition) -> AwardJob:
    """Number the awards still without a certificate and queue the job rendering every valid certificate into a
    ZIP (run by `manage.py db_worker`). A job already waiting or running is returned instead of a second one."""
    from .tasks import generate_certificates

    _check_office(actor)
    _confirmed_list(edition)
    with transaction.atomic():
        made = issue(actor=actor, edition=edition)
        running = cq.running_job(edition, JobKind.CERTIFICATES)
        if running is not None and not made:
            return running
        total = cq.edition_certificates(edition, valid_only=True).count()
        job = AwardJob.objects.create(edition=edition, kind=JobKind.CERTIFICATES, requested_by=actor, total=total)
        audit.record(actor=actor, action="awards.certificates_job", obj=edition, edition=edition,
                     data={"job": job.pk, "certificates": total})
        # With the database backend the task row commits with the job, so a worker never sees one without the other.
        result = generate_certificates.enqueue(job.pk)
        AwardJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def run_certificates(*, job_id: int) -> AwardJob:
    """Render every valid certificate of the job's edition (revoked ones are not printed) one by one, storing each
    PDF and saving the progress after each, then the ZIP of all of them as the job's file.

    Not one transaction: the polling page must see the progress. Safe to run twice: a finished job is left
    alone, an unfinished one starts over (current PDFs are reused) and writes the same file."""
    job = AwardJob.objects.select_related("edition").get(pk=job_id)
    if job.is_finished:
        return job
    edition = job.edition
    certs = cq.edition_certificates(edition, valid_only=True)
    ids = list(certs.values_list("pk", flat=True))
    AwardJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, total=len(ids), done=0, error="")
    try:
        seal = certificates.seal_data_uri(award_settings(edition))
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
                done = 0
                for start in range(0, len(ids), 50):  # chunks: flat memory, each chunk prefetched at once
                    for cert in certs.filter(pk__in=ids[start:start + 50]):
                        data = certificate_pdf(cert, seal=seal)
                        archive.writestr(certificates.CertificatePdf({"number": cert.number,
                                                                      "title": cert.row.entry.title}).filename(),
                                         data)
                        done += 1
                        AwardJob.objects.filter(pk=job.pk).update(done=done)
                        # WeasyPrint leaves each document's boxes, fonts and images in reference cycles that the
                        # collector reaches too seldom: without this the worker grew by ~14 MB per certificate
                        # (1.2 GB for 63, bench/certificates.py); with it, it stays flat.
                        gc.collect()
            spool.seek(0)
            job.refresh_from_db()
            name = f"awards/jobs/{edition.pk}/certificates-{job.pk}.zip"  # one name per job: a rerun overwrites
            job.result.storage.delete(name)
            job.result.name = job.result.storage.save(name, File(spool))
        job.status, job.done, job.finished_at = JobStatus.DONE, done, timezone.now()
        job.save(update_fields=["result", "status", "done", "finished_at"])
    except Exception as exc:  # the job must end in a state the page can show, whatever went wrong
        logger.exception("certificates job %s failed", job.pk)
        AwardJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=repr(exc)[:2000],
                                                  finished_at=timezone.now())
        job.refresh_from_db()
    return job


# --- The rate limit of the public verification ----------------------------------------------------------------
# Counted per client address in the login throttle's table (one conditional UPDATE per request, the same count
# in every web process), under keys of their own.

VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 60


class VerifyThrottled(Refused):
    """Too many verifications from one address: try again in `seconds`."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(_("Too many certificate checks from your network. Please wait %(seconds)d seconds and "
                           "try again.") % {"seconds": seconds})


def count_verification(ip: str | None) -> None:
    """Count one verification from `ip`; raises VerifyThrottled past VERIFY_LIMIT in VERIFY_WINDOW_SECONDS."""
    from wuxiao.accounts.models import LoginThrottle
    from wuxiao.accounts.services import address_key

    key = "certificate-verify|" + address_key(ip)
    now = timezone.now()
    window = dt.timedelta(seconds=VERIFY_WINDOW_SECONDS)
    LoginThrottle.objects.bulk_create([LoginThrottle(key=key, window_start=now, next_at=now)], ignore_conflicts=True)
    expired = Q(window_start__lte=now - window)
    if LoginThrottle.objects.filter(expired | Q(count__lt=VERIFY_LIMIT), key=key).update(
            count=Case(When(expired, then=Value(1)), default=F("count") + 1),
            window_start=Case(When(expired, then=Value(now)), default=F("window_start")), next_at=now):
        return
    row = LoginThrottle.objects.filter(key=key).first()
    wait = (row.window_start + window - now) if row else dt.timedelta(seconds=1)
    raise VerifyThrottled(max(1, math.ceil(wait.total_seconds())))
