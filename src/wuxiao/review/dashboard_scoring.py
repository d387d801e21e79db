"""The expert's panel on the dashboard: in each edition where they review, how many scores are
submitted, drafted and still to do, the deadline, and the way to the workspace.

`register()` must be called from ReviewConfig.ready() (the dashboard knows no stage).
"""

from wuxiao.common.dashboard import register_panel
from wuxiao.common.permissions import allowed

from .queries import review_settings
from .queries_scoring import overdue, scoring_seats, summarise, workspace_assignments


def expert_panel(request) -> dict | None:
    if not allowed(request.user, "review.view_workspace"):
        return None
    seats = scoring_seats(request.user)
    if not seats:
        return None
    rows = []
    for seat in seats:
        settings = review_settings(seat.edition)
        rows.append({"seat": seat, "edition": seat.edition, "summary": summarise(workspace_assignments(seat)),
                     "deadline": settings.scoring_deadline, "overdue": overdue(seat.edition)})
    return {"template": "review/scoring/dashboard_expert.html", "rows": rows}


def register() -> None:
    register_panel(15, expert_panel)
