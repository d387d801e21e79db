"""Who may see an entry and who may move it (the `who` column of entry-lifecycle.md)."""

import rules

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee, is_declarer, is_recommender


@rules.predicate
def is_entry_declarer(user, entry) -> bool:
    return bool(entry is not None and user.is_authenticated
                and entry.declaring_unit_id in user.unit_ids_with_role(Role.DECLARER))


@rules.predicate
def is_entry_recommender(user, entry) -> bool:
    return bool(entry is not None and user.is_authenticated
                and entry.recommending_unit_id in user.unit_ids_with_role(Role.RECOMMENDER))


@rules.predicate
def is_draft(user, entry) -> bool:
    """A draft is the declaring unit's own until it is submitted (a returned entry is not a draft)."""
    from .enums import EntryStatus

    return entry is not None and entry.status == EntryStatus.DRAFT


# A draft is its declaring unit's own until it is submitted, for the committee office too: the office
# sees only that a unit has drafts and how complete they are (entries.view_draft_progress).
can_view_entry = is_entry_declarer | ((is_entry_recommender | is_committee) & ~is_draft)

rules.add_perm("entries.view_entry", can_view_entry)
rules.add_perm("entries.declare", is_entry_declarer)  # submit, withdraw, edit
rules.add_perm("entries.screen", is_entry_recommender)  # return, recommend, not recommend
rules.add_perm("entries.decide", is_committee)  # eligibility, finalists, awards, revocation
rules.add_perm("entries.list_entries", is_committee | is_recommender | is_declarer)  # rows: queries.visible_entries
rules.add_perm("entries.view_draft_progress", is_committee)
