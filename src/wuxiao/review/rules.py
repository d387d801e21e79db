"""Who may run the second round and who may see and score an entry in it (R7, R13)."""

import rules

from wuxiao.accounts.rules import is_committee, is_expert


@rules.predicate
def is_entry_reviewer(user, entry) -> bool:
    """An expert with a published, active assignment of `entry` and no conflict of interest with it."""
    from .queries import reviewer_assignment

    return bool(entry is not None and user.is_authenticated and reviewer_assignment(user, entry) is not None)


@rules.predicate
def is_seat_holder(user, expert) -> bool:
    """The person holding this seat of the expert pool (the object is a review.Expert)."""
    return bool(expert is not None and user.is_authenticated and expert.user_id == user.pk)


# The committee office runs the second round: pool, conflicts, rubric, assignment, progress, results.
rules.add_perm("review.manage", is_committee)
# The expert's workspace (their assigned entries); each entry is then checked by review.review_entry.
rules.add_perm("review.view_workspace", is_expert)
# See the entry (anonymised as the edition says), its attachments, and score it.
rules.add_perm("review.review_entry", is_entry_reviewer)
# Answer an invitation, declare a conflict: the seat's holder.
rules.add_perm("review.act_as_expert", is_seat_holder)


# --- scoring (issue 10 items 3, 7, 8) ------------------------------------------------------------
# The 专家评分表 of one seat (obj = review.Expert): its holder, or the committee office for any expert.
rules.add_perm("review.view_score_sheet", is_seat_holder | is_committee)
