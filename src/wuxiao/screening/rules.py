"""Who may screen a recommending unit's entries, hand over its batch, reopen it and grant exceptions."""

import rules

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee, is_recommender


@rules.predicate
def is_unit_recommender(user, unit) -> bool:
    """Staff of this recommending unit (the object is an Organisation)."""
    return bool(unit is not None and user.is_authenticated
                and unit.pk in user.unit_ids_with_role(Role.RECOMMENDER))


# A site administrator has the committee office's powers (is_committee) but does not recommend
# or hand over a batch in a unit's name: no predicate here grants it that.
rules.add_perm("screening.view_queue", is_recommender)
rules.add_perm("screening.screen_unit", is_unit_recommender)  # reorder ranks, upload the sheet, hand over
rules.add_perm("screening.view_batch", is_unit_recommender | is_committee)
rules.add_perm("screening.reopen_batch", is_committee)
rules.add_perm("screening.grant_quota_exception", is_committee)
rules.add_perm("screening.grant_deadline_extension", is_committee)  # R6: keep a unit's batch open longer
rules.add_perm("screening.check_eligibility", is_committee)  # 形式审查: the queue, flags, decisions
rules.add_perm("screening.view_overview", is_committee)
