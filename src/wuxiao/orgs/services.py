"""Every change to a unit: registration review, credit-code confirmation, creating and editing.

Each function runs in one transaction, locks the unit's row and writes the audit log.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.validators import credit_code_problem, normalize_credit_code
from wuxiao.notifications.services import notify_unit

from .models import RECOMMENDING_KINDS, CreditCodeStatus, Organisation, RegistrationStatus

# Fields the committee sets on a unit (create_unit / update_unit).
UNIT_FIELDS = ("kind", "name", "parent", "union_name", "credit_code", "credit_code_status", "address",
               "contact_name", "contact_mobile", "contact_email", "is_active")
# Fields declaring-unit staff set on their own unit (update_own_unit); name and code go through the committee.
OWN_UNIT_FIELDS = ("union_name", "address", "contact_name", "contact_mobile", "contact_email", "parent")



def credit_code_status_for(code: str, *, confirmed_by_hand: bool = False) -> str:
    """The check status a (normalised) credit code gets when it is entered."""
    if not code:
        return CreditCodeStatus.NONE
    problem = credit_code_problem(code)
    if problem is None:
        return CreditCodeStatus.VALID
    if problem == "checksum":
        return CreditCodeStatus.CONFIRMED if confirmed_by_hand else CreditCodeStatus.PENDING
    raise ValueError(f"credit code {code!r} fails the {problem} check")


def _locked(unit: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=unit.pk)


def _refresh(unit: Organisation, locked: Organisation) -> Organisation:
    """Copy the saved row back onto the caller's instance, so it sees the change."""
    for f in Organisation._meta.concrete_fields:
        setattr(unit, f.attname, getattr(locked, f.attname))
    return unit


def _plain(value):
    if isinstance(value, Organisation):
        return value.pk
    return value


@transaction.atomic
def accept_registration(*, actor, unit: Organisation) -> Organisation:
    """Accept a declaring unit's registration (→ ACCEPTED); its staff may then declare entries."""
    locked = _locked(unit)
    if not locked.is_declaring:
        raise Refused(_("Only a declaring unit's registration can be accepted or rejected."))
    if locked.registration_status == RegistrationStatus.ACCEPTED:
        raise Refused(_("This registration has already been accepted."))
    previous = locked.registration_status
    locked.registration_status = RegistrationStatus.ACCEPTED
    locked.registration_note = ""
    locked.save(update_fields=["registration_status", "registration_note"])
    audit.record(actor=actor, action="registration.accept", obj=locked,
                 data={"from": previous, "to": RegistrationStatus.ACCEPTED, "recommending_unit": locked.parent_id})
    notify_unit(unit=locked, event="unit.registration_accepted", context={"actor": actor})
    return _refresh(unit, locked)


@transaction.atomic
def reject_registration(*, actor, unit: Organisation, reason: str) -> Organisation:
    """Reject a declaring unit's registration (→ REJECTED), keeping the reason for the unit to read."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Please give the reason for the rejection."))
    locked = _locked(unit)
    if not locked.is_declaring:
        raise Refused(_("Only a declaring unit's registration can be accepted or rejected."))
    if locked.registration_status == RegistrationStatus.REJECTED:
        raise Refused(_("This registration has already been rejected."))
    previous = locked.registration_status
    locked.registration_status = RegistrationStatus.REJECTED
    locked.registration_note = reason
    locked.save(update_fields=["registration_status", "registration_note"])
    audit.record(actor=actor, action="registration.reject", obj=locked, reason=reason,
                 data={"from": previous, "to": RegistrationStatus.REJECTED, "recommending_unit": locked.parent_id})
    notify_unit(unit=locked, event="unit.registration_rejected", context={"actor": actor, "reason": reason})
    return _refresh(unit, locked)


@transaction.atomic
def confirm_credit_code(*, actor, unit: Organisation, note: str) -> Organisation:
    """Confirm by hand a credit code that fails the check digit (a 2014–2015 pilot-era code): PENDING → CONFIRMED."""
    locked = _locked(unit)
    if locked.credit_code_status not in (CreditCodeStatus.PENDING, CreditCodeStatus.WRONG) or not locked.credit_code:
        raise Refused(_("Only a credit code awaiting manual confirmation can be confirmed."))
    previous = locked.credit_code_status
    locked.credit_code_status = CreditCodeStatus.CONFIRMED
    locked.save(update_fields=["credit_code_status"])
    audit.record(actor=actor, action="unit.credit_code_confirm", obj=locked, reason=note,
                 data={"credit_code": locked.credit_code, "from": previous, "to": CreditCodeStatus.CONFIRMED})
    return _refresh(unit, locked)


@transaction.atomic
def mark_credit_code_wrong(*, actor, unit: Organisation, note: str) -> Organisation:
    """Record that the committee found the unit's credit code wrong (→ WRONG); the code is kept for reference."""
    locked = _locked(unit)
    if not locked.credit_code or locked.credit_code_status == CreditCodeStatus.WRONG:
        raise Refused(_("This credit code cannot be marked as wrong."))
    previous = locked.credit_code_status
    locked.credit_code_status = CreditCodeStatus.WRONG
    locked.save(update_fields=["credit_code_status"])
    audit.record(actor=actor, action="unit.credit_code_wrong", obj=locked, reason=note,
                 data={"credit_code": locked.credit_code, "from": previous, "to": CreditCodeStatus.WRONG})
    return _refresh(unit, locked)


@transaction.atomic
def create_unit(*, actor, values: dict) -> Organisation:
    """Create a recommending unit entered by the committee office."""
    values = {k: v for k, v in values.items() if k in UNIT_FIELDS}
    if values.get("kind") not in RECOMMENDING_KINDS:
        raise Refused(_("The committee office creates recommending units only."))
    values["credit_code"] = normalize_credit_code(values.get("credit_code", ""))
    values.setdefault("credit_code_status", credit_code_status_for(values["credit_code"]))
    unit = Organisation.objects.create(registration_status=RegistrationStatus.ACCEPTED, **values)
    audit.record(actor=actor, action="unit.create", obj=unit,
                 data={k: _plain(v) for k, v in values.items()})
    return unit


@transaction.atomic
def update_unit(*, actor, unit: Organisation, values: dict) -> list[str]:
    """Change a unit's data as the committee office; returns the names of the fields that changed."""
    locked = _locked(unit)
    values = {k: v for k, v in values.items() if k in UNIT_FIELDS}
    if "credit_code" in values:
        values["credit_code"] = normalize_credit_code(values["credit_code"])
        if values["credit_code"] != locked.credit_code and "credit_code_status" not in values:
            values["credit_code_status"] = credit_code_status_for(values["credit_code"])
    changed = _apply(locked, values)
    if changed:
        locked.save(update_fields=list(changed))
        audit.record(actor=actor, action="unit.update", obj=locked, data={"changed": changed})
    _refresh(unit, locked)
    return list(changed)


@transaction.atomic
def update_own_unit(*, actor, unit: Organisation, values: dict) -> list[str]:
    """Change a declaring unit's contact data as its own staff; a rejected registration goes back to NEW.

    The recommending unit can only be changed while the registration is NEW or REJECTED, so an
    accepted unit cannot move its entries away from the union that screened it.
    """
    locked = _locked(unit)
    values = {k: v for k, v in values.items() if k in OWN_UNIT_FIELDS}
    reviewable = locked.registration_status in (RegistrationStatus.NEW, RegistrationStatus.REJECTED)
    if "parent" in values and not reviewable and _plain(values["parent"]) != locked.parent_id:
        raise Refused(_("The recommending unit cannot be changed after the registration was accepted."))
    if "parent" in values and values["parent"] is not None and not values["parent"].is_recommending:
        raise Refused(_("Choose a recommending unit."))
    changed = _apply(locked, values)
    resubmitted = locked.registration_status == RegistrationStatus.REJECTED
    if resubmitted:
        locked.registration_status = RegistrationStatus.NEW
        changed["registration_status"] = [RegistrationStatus.REJECTED, RegistrationStatus.NEW]
    if changed:
        locked.save(update_fields=list(changed))
        audit.record(actor=actor, action="unit.update", obj=locked, data={"changed": changed})
    if resubmitted:
        audit.record(actor=actor, action="registration.resubmit", obj=locked, reason=locked.registration_note,
                     data={"from": RegistrationStatus.REJECTED, "to": RegistrationStatus.NEW,
                           "recommending_unit": locked.parent_id})
    _refresh(unit, locked)
    return list(changed)


def _apply(unit: Organisation, values: dict) -> dict:
    """Set the values on the unit; returns {field: [old, new]} for those that changed."""
    changed = {}
    for name, value in values.items():
        field = Organisation._meta.get_field(name)
        old = getattr(unit, field.attname)
        new = _plain(value)
        if old != new:
            changed[name] = [old, new]
            setattr(unit, field.attname, new)
    return changed
