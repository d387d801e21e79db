"""Django admin: units and memberships editable, audit log and industries read-only."""

import pytest
from django.urls import reverse

from wuxiao.common import audit
from wuxiao.common.models import AuditLog


@pytest.mark.parametrize("name", ["orgs_organisation", "orgs_membership", "common_auditlog", "common_industry"])
def test_admin_lists_open_for_the_site_admin(client, site_admin, declaring_unit, name):
    audit.record(actor=site_admin, action="unit.update", obj=declaring_unit)
    client.force_login(site_admin)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_audit_log_and_industries_are_read_only(client, site_admin, declaring_unit):
    row = audit.record(actor=site_admin, action="unit.update", obj=declaring_unit)
    client.force_login(site_admin)
    assert client.get(reverse("admin:common_auditlog_add")).status_code == 403
    assert client.post(reverse("admin:common_auditlog_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=row.pk).exists()
    assert client.get(reverse("admin:common_industry_add")).status_code == 403
    html = client.get(reverse("admin:common_auditlog_change", args=[row.pk])).content.decode()
    assert 'name="action"' not in html  # shown, not editable


def test_organisation_change_page(client, site_admin, declaring_unit):
    client.force_login(site_admin)
    response = client.get(reverse("admin:orgs_organisation_change", args=[declaring_unit.pk]))
    assert response.status_code == 200
    assert declaring_unit.name in response.content.decode()


def test_admin_refused_to_committee_staff(client, committee):
    client.force_login(committee)
    response = client.get(reverse("admin:orgs_organisation_changelist"))
    assert response.status_code == 302  # not staff: the admin's own login page
