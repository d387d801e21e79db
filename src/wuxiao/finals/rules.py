"""Who may run the final round, judge a session, upload roadshow material and score a site visit (R8–R10)."""

import rules

from wuxiao.accounts.rules import is_committee, is_expert
from wuxiao.entries.rules import is_entry_declarer


@rules.predicate
def is_session_judge(user, session) -> bool:
    """A judge on this session's panel (obj: a RoadshowSession)."""
    from .queries import judge_seat

    return bool(session is not None and user.is_authenticated and judge_seat(user, session) is not None)


@rules.predicate
def is_visiting_expert(user, visit) -> bool:
    """An expert named to visit this site (obj: a SiteVisit)."""
    from .queries import visit_seat

    return bool(visit is not None and user.is_authenticated and visit_seat(user, visit) is not None)


@rules.predicate
def is_finalist(user, entry) -> bool:
    from wuxiao.entries.enums import EntryStatus

    return entry is not None and entry.status == EntryStatus.FINALIST


# The committee office runs the final: settings, rubric, sessions, draw, console, visits, ranking, exports.
rules.add_perm("finals.manage", is_committee)
# A judge's phone page of a session, and scoring its presentations once scoring opens (obj: session).
rules.add_perm("finals.judge_session", is_session_judge)
# The expert's list of their sessions and visits.
rules.add_perm("finals.view_expert_home", is_expert)
# The visiting expert's phone page of a visit: scores and photos (obj: SiteVisit).
rules.add_perm("finals.visit_site", is_visiting_expert)
# The finalist's declaring unit uploads its roadshow material (R24) and sees its slot (obj: entry).
rules.add_perm("finals.upload_material", is_entry_declarer & is_finalist)
rules.add_perm("finals.view_slot", is_entry_declarer | is_committee)
