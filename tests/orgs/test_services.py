"""The orgs services called directly: state checks and audit rows."""

import pytest

from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.orgs import services
from wuxiao.orgs.models import CreditCodeStatus, RegistrationStatus, UnitKind


def test_reject_then_accept(committee, declaring_unit):
    services.reject_registration(actor=committee, unit=declaring_unit, reason="材料不全")
    assert declaring_unit.registration_status == RegistrationStatus.REJECTED
    services.accept_registration(actor=committee, unit=declaring_unit)
    declaring_unit.refresh_from_db()
    assert declaring_unit.registration_status == RegistrationStatus.ACCEPTED
    assert declaring_unit.registration_note == ""
    assert list(AuditLog.objects.order_by("id").values_list("action", "reason")) == [
        ("registration.reject", "材料不全"), ("registration.accept", "")]


def test_reject_without_reason_is_refused(committee, declaring_unit):
    with pytest.raises(Refused):
        services.reject_registration(actor=committee, unit=declaring_unit, reason="  ")
    declaring_unit.refresh_from_db()
    assert declaring_unit.registration_status == RegistrationStatus.NEW


def test_create_unit_refuses_declaring_kinds(committee):
    with pytest.raises(Refused):
        services.create_unit(actor=committee, values={"kind": UnitKind.ENTERPRISE, "name": "某企业"})


@pytest.mark.parametrize("code,status", [
    ("", CreditCodeStatus.NONE), ("91110000600037341L", CreditCodeStatus.VALID),
    ("91350211M00013FA1N", CreditCodeStatus.PENDING),
])
def test_credit_code_status_for(code, status):
    assert services.credit_code_status_for(code) == status


def test_credit_code_status_for_a_bad_code_raises():
    with pytest.raises(ValueError):
        services.credit_code_status_for("12345")
