"""The awards stage's panel on the office's dashboard (once the final ranking is approved)."""

from wuxiao.accounts.rules import is_committee
from wuxiao.common.dashboard import register_panel
from wuxiao.competitions.models import Edition

from .queries import stage_overview


def committee_panel(request) -> dict | None:
    edition = Edition.objects.current() if is_committee(request.user) else None
    if edition is None:
        return None
    state = stage_overview(edition)
    if state["approved_ranking"] is None and state["list"] is None:
        return None  # before the final ranking: the final round's panel says what to do
    return {"template": "awards/dashboard/committee.html", "edition": edition, "state": state}


def register() -> None:
    register_panel(44, committee_panel)
