"""Who may see an entry and who may move it (the `who` column of entry-lifecycle.md)."""

import rules

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee, is_recommender


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


can_view_entry = is_entry_declarer | (is_entry_recommender & ~is_draft) | is_committee

rules.add_perm("entries.view_entry", can_view_entry)
rules.add_perm("entries.declare", is_entry_declarer)  # submit, withdraw, edit
rules.add_perm("entries.screen", is_entry_recommender)  # return, recommend, not recommend
rules.add_perm("entries.decide", is_committee)
rules.add_perm("entries.list_entries", is_committee | is_recommender)  # rows narrowed by the list's queryset  # eligibility, finalists, awards, revocation
