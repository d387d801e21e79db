"""The committee office's hub of the awards stage."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import managed_edition
from .queries import stage_overview


@login_required
@require_GET
def home(request, slug):
    edition = managed_edition(request.user, slug)
    return render(request, "awards/hub/home.html", {"edition": edition, "state": stage_overview(edition)})
