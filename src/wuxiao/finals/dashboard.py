"""The final round's panels on the dashboard: the office's steps, the expert's sessions and visits."""

from wuxiao.accounts.rules import is_committee, is_expert
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


def register() -> None:
    register_panel(45, committee_panel)
    register_panel(46, expert_panel)
