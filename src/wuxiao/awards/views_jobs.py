"""The progress page of any background job of the awards stage (certificates, the awarded entries' bundle, the
summary report): a progress bar polled by HTMX until the job ends, then its file."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wuxiao.common.permissions import require
from wuxiao.documents.exporters import safe_filename

from . import queries_certificates as cq
from .models import AwardJob


def _job(request, pk) -> AwardJob:
    require(request.user, "awards.manage")
    job = cq.job_or_none(pk)
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def job(request, pk):
    job = _job(request, pk)
    return render(request, "awards/jobs/job.html", {"job": job, "edition": job.edition})


@login_required
@require_GET
def job_progress(request, pk):
    """The progress block alone, polled by HTMX every 2 seconds until the job ends."""
    return render(request, "awards/jobs/_progress.html", {"job": _job(request, pk)})


@login_required
@require_GET
def job_download(request, pk):
    job = _job(request, pk)
    if not job.result:
        raise Http404
    suffix = "." + job.result.name.rsplit(".", 1)[-1] if "." in job.result.name else ""
    name = safe_filename(f"{job.edition.title}-{job.get_kind_display()}-{job.pk}", limit=100) + suffix
    content_type = "application/zip" if suffix == ".zip" else None
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=name, content_type=content_type)
