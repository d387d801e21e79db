"""Role predicates: who a person is in the competition. Combined with `|` and `&` elsewhere."""

import rules

from .models import Role


@rules.predicate
def is_administrator(user) -> bool:
    """The site administrator (pretalx's is_administrator). Stored in Django's is_superuser flag, but
    granting only what the rules give it (User.has_perm has no superuser shortcut): the committee
    office's powers and the read-only admin, never a unit's."""
    return bool(user and user.is_authenticated and user.is_superuser)


def _has_role(role):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and role in user.role_set())

    return predicate


has_declarer_role = _has_role(Role.DECLARER)
has_recommender_role = _has_role(Role.RECOMMENDER)
has_committee_role = _has_role(Role.COMMITTEE)
has_expert_role = _has_role(Role.EXPERT)

# Site administrators can do whatever the committee office can.
is_committee = has_committee_role | is_administrator
is_declarer = has_declarer_role
is_recommender = has_recommender_role
is_expert = has_expert_role

rules.add_perm("accounts.view_audit_log", is_committee)
rules.add_perm("accounts.invite", is_committee)
