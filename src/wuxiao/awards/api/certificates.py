"""Awards API: certificates (issue 12 item 4). The office reads the awards with their certificates, issues the
numbers and queues the job rendering them (its progress at /awards/jobs/{id}); anyone verifies a certificate by
its token or number, rate-limited per client address. The same predicates and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from wuxiao.api_common import ErrorOut, Id, RefusedOut
from wuxiao.common.permissions import allowed
from wuxiao.common.request import client_ip

from .. import certificates
from .. import queries_certificates as cq
from .. import services_certificates as services
from .common import managed_edition

router = Router(tags=["awards: certificates"])

FORBIDDEN = _("Only the committee office may issue certificates and change their settings.")
FORGED = _("No such certificate was issued: it cannot be found and may be forged.")
MALFORMED = _("This is not a certificate number: a number looks like ZZWX-2025-TD-003 (prefix, year, prize code "
              "and three digits, joined by hyphens).")


class AwardCertificateRowOut(Schema):
    entry_id: int
    title: str
    declaring_unit: str
    tier: str
    position: int
    number: str = Field(description="Empty until the certificates are issued.")
    generated: bool
    pdf_url: str
    verify_url: str
    revoked: bool
    revoked_on: dt.date | None


class AwardCertificatesOut(Schema):
    edition: str
    confirmed: bool
    issuers: str
    date: dt.date
    rows: list[AwardCertificateRowOut]


class AwardJobOut(Schema):
    id: int
    kind: str
    status: str
    done: int
    total: int
    percent: int
    error: str
    download_url: str = Field(description="Empty until the job is done.")
    requested_at: dt.datetime
    finished_at: dt.datetime | None


class AwardCertificateVerifyOut(Schema):
    number: str
    valid: bool = Field(description="False: the award was revoked.")
    title: str
    tier: str
    edition: str
    issuers: str
    issued_on: dt.date
    completers: list[str] = Field(description="Partly masked (张*明).")
    declaring_unit: str
    revoked_on: dt.date | None
    revoke_reason: str


def _edition(request: HttpRequest, slug: str):
    return managed_edition(request, slug, FORBIDDEN)


def _job_out(job) -> dict:
    return {"id": job.pk, "kind": job.kind, "status": job.status, "done": job.done, "total": job.total,
            "percent": job.percent, "error": job.error, "requested_at": job.requested_at,
            "finished_at": job.finished_at,
            "download_url": reverse("awards:job_download", args=[job.pk]) if job.result else ""}


@router.get("/{slug}/certificates", response={200: AwardCertificatesOut, 401: ErrorOut, 403: ErrorOut,
                                               404: ErrorOut},
            url_name="awards_certificates", summary="The awards with their certificates (number, PDF, status)")
def certificate_list(request: HttpRequest, slug: str):
    edition = _edition(request, slug)
    lst = cq.award_list(edition)
    rows = []
    for row in cq.certificate_rows(edition):
        cert = getattr(row, "certificate", None)
        rows.append({
            "entry_id": row.entry_id, "title": row.entry.title, "declaring_unit": row.entry.declaring_unit.name,
            "tier": row.tier.name, "position": row.position, "number": cert.number if cert else "",
            "generated": bool(cert and cert.generated_at),
            "pdf_url": reverse("awards:certificate_pdf", args=[cert.number]) if cert else "",
            "verify_url": certificates.verify_url(cert.token) if cert else "",
            "revoked": row.is_revoked, "revoked_on": row.revoked_on})
    return {"edition": edition.slug, "confirmed": bool(lst and lst.status == "confirmed"),
            "issuers": cq.issuers(edition), "date": cq.certificate_date(edition, lst), "rows": rows}


@router.post("/{slug}/certificates/issue", response={202: AwardJobOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                     409: RefusedOut},
             url_name="awards_certificates_issue",
             summary="Number the awards without a certificate and queue the job rendering all valid certificates",
             description="Refused (409) until the award list is confirmed. Follow the job at /api/awards/jobs/{id}.")
def certificate_issue(request: HttpRequest, slug: str):
    job = services.request_certificates(actor=request.auth, edition=_edition(request, slug))
    return Status(202, _job_out(job))


@router.get("/jobs/{job_id}", response={200: AwardJobOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            url_name="awards_job", summary="The progress of a background job of the awards stage")
def job(request: HttpRequest, job_id: Id):
    if not allowed(request.auth, "awards.manage"):
        raise HttpError(403, str(FORBIDDEN))
    found = cq.job_or_none(job_id)
    if found is None:
        raise HttpError(404, str(_("No such job.")))
    return _job_out(found)


VERIFY_RESPONSES = {200: AwardCertificateVerifyOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut}


def _verify(request: HttpRequest, response: HttpResponse, cert):
    try:
        services.count_verification(client_ip(request))
    except services.VerifyThrottled as throttled:
        response["Retry-After"] = str(throttled.seconds)
        return Status(429, {"detail": str(throttled.message)})
    cert = cert()
    if cert is None:
        return Status(404, {"detail": str(FORGED)})
    return cq.verification(cert)


@router.get("/verify/{token}", auth=None, response=VERIFY_RESPONSES, url_name="awards_verify_token",
            summary="Verify a certificate by the token of its QR code (public, rate-limited)")
def verify_token(request: HttpRequest, response: HttpResponse, token: str):
    return _verify(request, response, lambda: cq.by_token(token))


class AwardVerifyQuery(Schema):
    number: str = Field(..., max_length=60, description="The certificate number, e.g. ZZWX-2025-TD-003.")


@router.get("/verify", auth=None, response=VERIFY_RESPONSES, url_name="awards_verify_number",
            summary="Verify a certificate by its number (public, rate-limited)")
def verify_number(request: HttpRequest, response: HttpResponse, query: Query[AwardVerifyQuery]):
    number = certificates.normalize_number(query.number)
    if not certificates.is_well_formed(number):
        return Status(400, {"detail": str(MALFORMED)})
    return _verify(request, response, lambda: cq.by_number(number))
