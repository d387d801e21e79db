"""The committee office's hub of the second round: each step, where it stands, and its page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition

from .queries import review_settings, stage_overview


@login_required
@require_GET
def home(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    require(request.user, "review.manage")
    return render(request, "review/hub/home.html", {
        "edition": edition, "state": stage_overview(edition), "settings": review_settings(edition)})
