"""Django admin: a read-only window for the site administrator; every write goes through a service.

The site administrator can no longer rename an entry, move it to another recommending unit,
edit a unit, or give itself a membership (and so act in a unit's name) in the admin.
"""

import pytest
from django.urls import reverse

from wuxiao.common import audit
from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.orgs.models import Membership, Organisation

from .. import factories

pytestmark = pytest.mark.django_db

CHANGELISTS = ["orgs_organisation", "orgs_membership", "common_auditlog", "common_industry", "entries_entry",
               "entries_entrytransition", "accounts_user", "accounts_invitation", "accounts_apitoken",
               "competitions_edition", "screening_batch", "screening_quotaexception", "screening_deadlineextension",
               "screening_flag", "notifications_notification", "notifications_messagetemplate",
               "documents_exportjob", "django_tasks_database_dbtaskresult", "accounts_loginthrottle"]


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_every_changelist_opens_for_the_site_admin_and_offers_no_add(admin_client, name):
    response = admin_client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    assert reverse(f"admin:{name}_add") not in response.content.decode()
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_an_awarded_entry_cannot_be_renamed_or_moved(admin_client, edition, declaring_unit):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.AWARDED,
                                   title="数控车床快换刀具工装")
    elsewhere = factories.RecommendingUnitFactory()
    url = reverse("admin:entries_entry_change", args=[entry.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="title"' not in page and 'name="recommending_unit"' not in page
    response = admin_client.post(url, {"title": "改过的名称", "recommending_unit": elsewhere.pk,
                                       "declaring_unit": declaring_unit.pk, "status": "revoked"})
    assert response.status_code == 403
    fresh = Entry.objects.get(pk=entry.pk)
    assert (fresh.title, fresh.recommending_unit_id, fresh.status) == (
        "数控车床快换刀具工装", entry.recommending_unit_id, EntryStatus.AWARDED)
    assert admin_client.post(reverse("admin:entries_entry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_units_and_memberships_cannot_be_changed(admin_client, site_admin, declaring_unit):
    url = reverse("admin:orgs_organisation_change", args=[declaring_unit.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and declaring_unit.name in page.content.decode()
    assert 'name="name"' not in page.content.decode()
    assert admin_client.post(url, {"name": "改名", "kind": declaring_unit.kind}).status_code == 403
    assert Organisation.objects.get(pk=declaring_unit.pk).name == declaring_unit.name
    # No membership of its own making: the administrator never acts in a unit's name.
    response = admin_client.post(reverse("admin:orgs_membership_add"),
                                 {"user": site_admin.pk, "organisation": declaring_unit.pk, "role": "declarer",
                                  "is_active": "on"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=site_admin).exists()


def test_users_cannot_be_edited_nor_their_passwords_set(admin_client, declarer):
    url = reverse("admin:accounts_user_change", args=[declarer.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"username": declarer.username, "is_superuser": "on"}).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[declarer.pk])
    assert admin_client.post(password, {"password1": "Xx-12345678", "password2": "Xx-12345678"}).status_code == 403
    declarer.refresh_from_db()
    assert not declarer.is_superuser and not declarer.check_password("Xx-12345678")


def test_the_audit_log_is_read_only(admin_client, site_admin, declaring_unit):
    row = audit.record(actor=site_admin, action="unit.update", obj=declaring_unit)
    assert admin_client.post(reverse("admin:common_auditlog_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=row.pk).exists()
    html = admin_client.get(reverse("admin:common_auditlog_change", args=[row.pk])).content.decode()
    assert 'name="action"' not in html  # shown, not editable


def test_drafts_are_not_shown_in_the_admin(admin_client, edition, declaring_unit):
    draft = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="还没提交的草稿")
    listing = admin_client.get(reverse("admin:entries_entry_changelist")).content.decode()
    assert "还没提交的草稿" not in listing
    assert admin_client.get(reverse("admin:entries_entry_change", args=[draft.pk])).status_code == 302


@pytest.mark.parametrize("role", ["committee", "declarer", "recommender", "expert"])
def test_admin_refused_to_everyone_else(client, request, role):
    user = request.getfixturevalue(role)
    user.is_staff = True  # even a staff flag set by mistake does not open it
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:orgs_organisation_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
