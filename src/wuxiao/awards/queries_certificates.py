"""Reads of the certificates: the office's table, the public verification, what a certificate's PDF shows."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from wuxiao.entries.models import Completer

from . import certificates
from .models import AwardJob, AwardRow, Certificate, JobStatus
from .queries import award_list, award_settings


def issuers(edition) -> str:
    """The issuing bodies printed on the certificates: the office's setting, else the edition's."""
    return award_settings(edition).certificate_issuers.strip() or edition.issuers


def certificate_date(edition, lst=None):
    """The date printed on the certificates: the office's setting, else the day the list was confirmed."""
    chosen = award_settings(edition).certificate_date
    if chosen:
        return chosen
    lst = lst if lst is not None else award_list(edition)
    if lst is not None and lst.confirmed_at:
        return timezone.localdate(lst.confirmed_at)
    return timezone.localdate()


def certificate_rows(edition) -> list:
    """The awarded rows of the edition's list (revoked ones included) with their certificate, if any, in tier
    and ranking order."""
    lst = award_list(edition)
    if lst is None:
        return []
    return list(AwardRow.objects.filter(award_list=lst, tier__isnull=False)
                .select_related("entry__declaring_unit", "tier", "certificate")
                .order_by("tier__position", "position", "id"))


def _certificates():
    return (Certificate.objects
            .select_related("row__entry__declaring_unit", "row__tier", "row__award_list__edition")
            .prefetch_related(Prefetch("row__entry__completers", queryset=Completer.objects.order_by("position",
                                                                                                     "id"))))


def by_token(token: str) -> Certificate | None:
    token = (token or "").strip()
    if not token or len(token) > 40:
        return None
    return _certificates().filter(token=token).first()


def by_number(number: str) -> Certificate | None:
    return _certificates().filter(number=number).first() if number else None


def edition_certificates(edition, *, valid_only: bool = False):
    """The edition's certificates with what their PDFs show, in number order."""
    qs = _certificates().filter(row__award_list__edition=edition)
    if valid_only:
        qs = qs.filter(row__revoked_at__isnull=True)
    return qs.order_by("number")


def verification(cert: Certificate) -> dict:
    """What the public verification page shows: never a full name of a completer, never a contact."""
    row = cert.row
    edition = row.award_list.edition
    return {
        "number": cert.number,
        "title": row.entry.title,
        "tier": row.tier.name if row.tier else "",
        "edition": edition.title,
        "issuers": issuers(edition),
        "issued_on": cert.issued_on,
        "completers": [certificates.mask_name(c.name) for c in row.entry.completers.all()],
        "declaring_unit": row.entry.declaring_unit.name,
        "valid": not row.is_revoked,
        "revoked_on": row.revoked_on or (timezone.localdate(row.revoked_at) if row.revoked_at else None),
        "revoke_reason": row.revoke_reason if row.is_revoked else "",
    }


def certificate_context(cert: Certificate, *, seal: str | None = None) -> dict:
    """What the certificate's PDF shows. `seal` (a data URI) saves reading the seal image again in a batch."""
    row = cert.row
    edition = row.award_list.edition
    if seal is None:
        seal = certificates.seal_data_uri(award_settings(edition))
    return {
        "number": cert.number,
        "title": row.entry.title,
        "completers": [c.name for c in row.entry.completers.all()],
        "declaring_unit": row.entry.declaring_unit.name,
        "tier": row.tier.name if row.tier else "",
        "edition": edition.title,
        "issuers": issuers(edition).split(),
        "date": certificates.chinese_date(cert.issued_on),
        "seal": seal,
        "qr": certificates.qr_data_uri(certificates.verify_url(cert.token)),
        "verify_url": certificates.verify_url(cert.token),
    }


def preview_context(edition) -> dict | None:
    """A certificate's context for the office's preview: the first issued one, else the first award as it would
    be numbered. None without an awarded row."""
    cert = edition_certificates(edition).first()
    if cert is not None:
        return certificate_context(cert)
    rows = certificate_rows(edition)
    if not rows:
        return None
    row = rows[0]
    settings = award_settings(edition)
    number = certificates.certificate_number(settings.certificate_prefix, edition.year,
                                             certificates.tier_code(row.tier.name, row.tier.position), 1)
    sample = Certificate(row=row, number=number, token="preview", issued_on=certificate_date(edition))
    row.award_list.edition = edition
    return certificate_context(sample)


def job_or_none(pk) -> AwardJob | None:
    return AwardJob.objects.select_related("edition", "requested_by").filter(pk=pk).first()


def latest_job(edition, kind) -> AwardJob | None:
    return AwardJob.objects.filter(edition=edition, kind=kind).select_related("requested_by").first()


def running_job(edition, kind) -> AwardJob | None:
    return AwardJob.objects.filter(edition=edition, kind=kind,
                                   status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
