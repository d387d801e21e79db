"""The public verification of a certificate (no login): by the token in its QR code, or by its number typed into
a form. A completer's name is shown partly masked; a revoked award says so with the date and reason; an unknown
token or number says the certificate cannot be found and may be forged. Rate-limited per client address."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from wuxiao.common.request import client_ip

from . import queries_certificates as cq
from . import services_certificates as services
from .forms_certificates import VerifyLookupForm


def _throttled(request):
    """A 429 page when the address has checked too many certificates in the window, else None."""
    try:
        services.count_verification(client_ip(request))
    except services.VerifyThrottled as throttled:
        response = render(request, "awards/verify/throttled.html", {"message": throttled.message}, status=429)
        response["Retry-After"] = str(throttled.seconds)
        return response
    return None


@require_GET
def verify(request, token):
    refused = _throttled(request)
    if refused is not None:
        return refused
    cert = cq.by_token(token)
    answer = cq.verification(cert) if cert is not None else None
    return render(request, "awards/verify/certificate.html", {"answer": answer, "searched": True},
                  status=200 if answer else 404)


@require_GET
def verify_lookup(request):
    if "number" not in request.GET:
        return render(request, "awards/verify/lookup.html", {"form": VerifyLookupForm()})
    refused = _throttled(request)
    if refused is not None:
        return refused
    form = VerifyLookupForm(request.GET)
    if not form.is_valid():
        return render(request, "awards/verify/lookup.html", {"form": form}, status=400)
    cert = cq.by_number(form.cleaned_data["number"])
    answer = cq.verification(cert) if cert is not None else None
    return render(request, "awards/verify/lookup.html",
                  {"form": form, "answer": answer, "searched": True, "number": form.cleaned_data["number"]},
                  status=200 if answer else 404)
