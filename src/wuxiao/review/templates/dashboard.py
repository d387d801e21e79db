"""The second round's panels on the dashboard: the office's steps, the expert's entries to score."""

from wuxiao.accounts.rules import is_committee
from wuxiao.common.dashboard import register_panel
from wuxiao.competitions.models import Edition

from .queries import expert_work, stage_overview


def committee_panel(request) -> dict | None:
    edition = Edition.objects.current() if is_committee(request.user) else None
    if edition is None:
        return None
    return {"template": "review/dashboard/committee.html", "edition": edition, "state": stage_overview(edition)}


def expert_panel(request) -> dict | None:
    rows = expert_work(request.user)
    if not rows:
        return None
    return {"template": "review/dashboard/expert.html", "rows": rows}


def register() -> None:
    register_panel(10, expert_panel)
    register_panel(40, committee_panel)
