"""The final round's panels on the dashboard: the office's steps, the expert's sessions and visits."""

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee, is_declarer, is_expert
from wuxiao.common.dashboard import register_panel
from wuxiao.competitions.models import Edition

from .queries import sessions_of_judge, stage_overview, visits_of_expert


def committee_panel(request) -> dict | None:
    edition = Edition.objects.current() if is_committee(request.user) else None
    if edition is None:
        return None
    state = stage_overview(edition)
    if not state["finalists"] and not state["sessions"]:
        return None  # before the final: the second round's panel says what to do
    return {"template": "finals/dashboard/committee.html", "edition": edition, "state": state}


def expert_panel(request) -> dict | None:
    if not is_expert(request.user):
        return None
    sessions = sessions_of_judge(request.user).count()
    visits = visits_of_expert(request.user).count()
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
