"""The screening stage's panels on the dashboard: what waits for a recommending unit and for the
committee office in the current edition, with links to where the work is done."""

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee
from wuxiao.common.dashboard import register_panel
from wuxiao.competitions.models import Edition

from .queries import committee_work, recommender_work


def recommending_panel(request) -> dict | None:
    units = [m.organisation for m in request.user.active_memberships() if m.role == Role.RECOMMENDER]
    edition = Edition.objects.current() if units else None
    if edition is None:
        return None
    work = recommender_work(edition, [u.pk for u in units])
    return {"template": "screening/dashboard/recommending.html", "edition": edition,
            "units": [(unit, work[unit.pk]) for unit in units]}


def committee_panel(request) -> dict | None:
    edition = Edition.objects.current() if is_committee(request.user) else None
    if edition is None:
        return None
    return {"template": "screening/dashboard/committee.html", "edition": edition, "work": committee_work(edition)}


def register() -> None:
    register_panel(20, recommending_panel)
    register_panel(30, committee_panel)
