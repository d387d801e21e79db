"""The committee office's hub of the final round, and the expert's list of what they judge and visit."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition

from .queries import sessions_of_judge, stage_overview, visits_of_expert


@login_required
@require_GET
def home(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    require(request.user, "finals.manage")
    return render(request, "finals/hub/home.html", {"edition": edition, "state": stage_overview(edition)})


@login_required
@require_GET
def expert_home(request):
    require(request.user, "finals.view_expert_home")
    sessions = sessions_of_judge(request.user).select_related("edition")
    visits = visits_of_expert(request.user).select_related("entry__declaring_unit")
    return render(request, "finals/hub/expert.html", {"sessions": sessions, "visits": visits})
