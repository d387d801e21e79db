"""One permission path: every check is a named rules predicate, with no superuser shortcut.

The site administrator is a predicate (accounts.rules.is_administrator): it has the committee
office's powers and the read-only admin, and never a unit's (declaring, recommending, a draft).
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template

from wuxiao.accounts.rules import is_administrator
from wuxiao.common.permissions import allowed, require
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.services import allowed_actions

from .. import factories

pytestmark = pytest.mark.django_db

UNIT_PERMISSIONS = ["entries.declare", "entries.screen", "documents.sign_commitment", "orgs.edit_own_unit",
                    "screening.screen_unit"]


@pytest.fixture
def entry(declaring_unit, edition):
    return factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.SUBMITTED)


def test_the_site_administrator_is_a_predicate(site_admin, committee, declarer):
    assert is_administrator(site_admin)
    assert not is_administrator(committee) and not is_administrator(declarer)


@pytest.mark.parametrize("perm", UNIT_PERMISSIONS)
def test_has_perm_has_no_superuser_shortcut(site_admin, entry, declaring_unit, recommending_unit, perm):
    obj = {"entries.declare": entry, "entries.screen": entry, "documents.sign_commitment": declaring_unit,
           "orgs.edit_own_unit": declaring_unit, "screening.screen_unit": recommending_unit}[perm]
    # Django's PermissionsMixin would say yes to any superuser; ours asks the predicate.
    assert site_admin.has_perm(perm, obj) is False
    assert allowed(site_admin, perm, obj) is False
    with pytest.raises(PermissionDenied):
        require(site_admin, perm, obj)


def test_has_perm_means_the_same_in_code_templates_and_the_predicates(site_admin, committee, entry):
    template = Template("{% load rules %}{% has_perm 'entries.declare' user entry as may %}{{ may }}"
                        "|{% has_perm 'entries.decide' user entry as decides %}{{ decides }}")
    for user in (site_admin, committee):
        assert template.render(Context({"user": user, "entry": entry})) == "False|True"
        assert user.has_perm("entries.decide", entry) and not user.has_perm("entries.declare", entry)
        assert user.has_perms(["entries.decide", "entries.view_entry"], entry)


def test_the_site_administrator_acts_as_the_committee_office_never_as_a_unit(site_admin, entry):
    assert {t.action for t in allowed_actions(entry, site_admin)} == set()  # submitted: only units act
    entry.status = EntryStatus.RECOMMENDED
    assert {t.action for t in allowed_actions(entry, site_admin)} == {
        "accept", "declare_ineligible", "request_correction"}


def test_an_inactive_account_holds_nothing(committee, entry):
    committee.is_active = False
    assert not committee.has_perm("entries.decide", entry)
    assert not allowed(committee, "accounts.view_audit_log")


def test_django_model_permissions_are_not_a_second_path(declarer):
    """Permission rows (Django's auth tables) grant nothing: only the predicates do."""
    from django.contrib.auth.models import Permission

    declarer.user_permissions.add(*Permission.objects.filter(codename__in=["change_entry", "view_entry"]))
    declarer = type(declarer).objects.get(pk=declarer.pk)
    assert not declarer.has_perm("entries.change_entry")
    assert not declarer.has_module_perms("entries")
