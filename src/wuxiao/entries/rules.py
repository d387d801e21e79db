"""Who may see an entry and who may move it (the `who` column of entry-lifecycle.md)."""

import rules

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee, is_declarer, is_recommender
from wuxiao.orgs.rules import is_recommender_of_unit


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


# --- Excel import of entries collected offline (entries.importing) ---------------------------------

@rules.predicate
def is_declaring_unit(user, unit) -> bool:
    return bool(unit is not None and unit.is_declaring)


@rules.predicate
def is_import_uploader(user, entry_import) -> bool:
    return bool(entry_import is not None and user.is_authenticated and entry_import.uploaded_by_id == user.pk)


@rules.predicate
def is_office_import(user, entry_import) -> bool:
    return bool(entry_import is not None and entry_import.by_office)


# A recommending unit imports drafts for its own declaring units, the committee office for any; the
# drafts are then the declaring unit's own (it completes the attachments and submits them).
rules.add_perm("entries.import_entries", is_recommender | is_committee)
rules.add_perm("entries.import_for_unit", is_declaring_unit & (is_recommender_of_unit | is_committee))
# The file and its check results: the uploader's; the office's imports, the whole office's.
rules.add_perm("entries.view_import", is_import_uploader | (is_committee & is_office_import))
rules.add_perm("entries.confirm_import", is_import_uploader & (is_recommender | is_committee))
