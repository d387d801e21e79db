"""The second round's panel on the dashboard for the committee office: where each step stands.
(The expert's panel is dashboard_scoring's.)"""

from wuxiao.accounts.rules import is_committee
from wuxiao.common.dashboard import register_panel
from wuxiao.competitions.models import Edition

from .queries import stage_overview


def committee_panel(request) -> dict | None:
    edition = Edition.objects.current() if is_committee(request.user) else None
    if edition is None:
        return None
    return {"template": "review/dashboard/committee.html", "edition": edition, "state": stage_overview(edition)}


def register() -> None:
    register_panel(40, committee_panel)
