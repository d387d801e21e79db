"""The final round's panels on the dashboard: the office's steps, the expert's sessions and visits."""

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee, is_declarer, is_expert
from wuxiao.common.dashboard import register_panel
from wuxiao.competitions.models import Edition

from .queries import finalists, stage_overview


def committee_panel(request) -> dict | None:
    edition = Edition.objects.current() if is_committee(request.user) else None
    if edition is None or not finalists(edition).exists():
        return None  # before the final: the second round's panel says what to do
    state = stage_overview(edition)
    return {"template": "finals/dashboard/committee.html", "edition": edition, "state": state}


def expert_panel(request) -> dict | None:
    if not is_expert(request.user):
        return None
    from django.db.models import Count, Q

    from wuxiao.review.models import Expert

    # One query: the user's seats in the pool, with their roadshow panels and (not withdrawn) site visits.
    counts = Expert.objects.filter(user=request.user).aggregate(
        sessions=Count("roadshow_seats__session", distinct=True),
        visits=Count("site_visits", filter=Q(site_visits__cancelled_at__isnull=True), distinct=True))
    sessions, visits = counts["sessions"] or 0, counts["visits"] or 0
    if not sessions and not visits:
        return None
    return {"template": "finals/dashboard/expert.html", "sessions": sessions, "visits": visits}


def declarer_panel(request) -> dict | None:
    """A declaring unit with finalists: where each presents, and whether its roadshow material is in (R8, R24)."""
    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import Entry

    if not is_declarer(request.user):
        return None
    units = list(request.user.unit_ids_with_role(Role.DECLARER))
    count = Entry.objects.filter(declaring_unit_id__in=units, status=EntryStatus.FINALIST).count()
    if not count:
        return None
    return {"template": "finals/dashboard/declarer.html", "finalists": count}


def register() -> None:
    register_panel(45, committee_panel)
    register_panel(46, expert_panel)
    register_panel(47, declarer_panel)
