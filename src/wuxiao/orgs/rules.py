"""Who may see and act on a unit."""

import rules

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee, is_declarer, is_recommender


@rules.predicate
def is_member_of_unit(user, unit) -> bool:
    return bool(unit is not None and user.is_authenticated
                and any(m.organisation_id == unit.pk for m in user.active_memberships()))


@rules.predicate
def is_recommender_of_unit(user, unit) -> bool:
    """The user works for the recommending unit that this declaring unit is attached to."""
    return bool(unit is not None and user.is_authenticated and unit.parent_id
                and unit.parent_id in user.unit_ids_with_role(Role.RECOMMENDER))


@rules.predicate
def is_declarer_of_unit(user, unit) -> bool:
    """The user is staff of this declaring unit."""
    return bool(unit is not None and user.is_authenticated and unit.is_declaring
                and unit.pk in user.unit_ids_with_role(Role.DECLARER))


can_view_unit = is_committee | is_member_of_unit | is_recommender_of_unit
can_review_registration = is_committee | is_recommender_of_unit

rules.add_perm("orgs.view_unit", can_view_unit)
rules.add_perm("orgs.review_registration", can_review_registration)
rules.add_perm("orgs.view_registrations", is_committee | is_recommender)
rules.add_perm("orgs.confirm_credit_code", is_committee)
rules.add_perm("orgs.manage_units", is_committee)
rules.add_perm("orgs.edit_own_unit", is_declarer_of_unit)
rules.add_perm("orgs.view_own_units", is_declarer)
