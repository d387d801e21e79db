"""The announcement (公示), named objections and the confirmation of the award list (issue 12 items 2 and 3).

- The period is counted in working days (AwardSettings.announcement_working_days, default 5) from the first
  working day after the day of publication (workdays.py) and fixed when the list is published: marking days
  afterwards does not move a published period (the public has been told its dates).
- Objections are received from publication until the end (Beijing time) of the period's last day, named: an
  individual gives name, employer and mobile; a unit its name, a contact person, a mobile and its stamped letter.
  Grounds and evidence are required. The identity is the office's only (never in the public pages or API, nor in
  the audit log's data).
- The office answers each objection (finding, answer, outcome); an answer may be revised while the list is
  announced (each answer is in the audit log). A change of tiers is made on the tiers page with the objection.
- After the period, with every objection answered, the office confirms the list: each entry with a tier is
  awarded, the others not awarded, through the entry's one transition function, all in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import allowed
from wuxiao.common.validators import is_mobile, normalize_mobile
from wuxiao.entries.enums import Action
from wuxiao.entries.services import transition_entry

from . import queries_announce as aq
from .models import (
    AwardList,
    AwardRow,
    AwardSettings,
    CalendarDay,
    DayKind,
    ListStatus,
    Objection,
    ObjectionOutcome,
    ObjectionStatus,
    ObjectorKind,
)
from .queries import award_list, award_settings

NOT_OFFICE = _("Only the committee office may publish the award list, answer objections and confirm the list.")
NO_LIST = _("No award list has been allocated yet: allocate the prizes on the tiers page first.")
MAX_WORKING_DAYS = 30


def _check_office(actor) -> None:
    if not allowed(actor, "awards.manage"):
        raise Refused(NOT_OFFICE)


def _locked_list(edition) -> AwardList:
    found = AwardList.objects.select_for_update().filter(edition=edition).first()
    if found is None:
        raise Refused(NO_LIST)
    return found


# --- Settings and the calendar -------------------------------------------------------------------------------

def update_announcement_settings(*, actor, edition, working_days: int, objection_contact: str) -> AwardSettings:
    """Set the period's length in working days and how to object. The length of a published list's period is
    fixed: changing it then is refused."""
    _check_office(actor)
    if not 1 <= int(working_days) <= MAX_WORKING_DAYS:
        raise Refused(_("The announcement period must be between 1 and %(n)d working days.") % {"n": MAX_WORKING_DAYS},
                      field="announcement_working_days")
    objection_contact = (objection_contact or "").strip()
    with transaction.atomic():
        settings = AwardSettings.objects.select_for_update().get(pk=award_settings(edition).pk)
        lst = award_list(edition)
        if (int(working_days) != settings.announcement_working_days and lst is not None
                and lst.status != ListStatus.DRAFT):
            raise Refused(_("The list has been published: its period is fixed and its length can no longer be "
                            "changed."), field="announcement_working_days")
        before = {"working_days": settings.announcement_working_days, "contact": settings.objection_contact}
        settings.announcement_working_days, settings.objection_contact = int(working_days), objection_contact
        settings.save(update_fields=["announcement_working_days", "objection_contact", "updated_at"])
        audit.record(actor=actor, action="awards.announcement_settings", obj=settings, edition=edition,
                     data={"working_days": [before["working_days"], settings.announcement_working_days],
                           "contact_changed": before["contact"] != objection_contact})
    edition._award_settings_cache = settings
    return settings


def mark_day(*, actor, edition, date: dt.date, kind: str, note: str = "") -> CalendarDay:
    """Mark a day of the edition's calendar: a public holiday, or a make-up working day (a Saturday or Sunday)."""
    _check_office(actor)
    if kind not in DayKind.values:
        raise Refused(_("Please choose whether the day is a holiday or a make-up working day."), field="kind")
    if kind == DayKind.WORKDAY and date.weekday() < 5:
        raise Refused(_("A make-up working day is a Saturday or a Sunday; Monday to Friday are working days "
                        "anyway."), field="kind")
    with transaction.atomic():
        if CalendarDay.objects.filter(edition=edition, date=date).exists():
            raise Refused(_("This day is already marked: remove it first to mark it differently."), field="date")
        day = CalendarDay.objects.create(edition=edition, date=date, kind=kind, note=(note or "").strip()[:100])
        audit.record(actor=actor, action="awards.calendar_mark", obj=day, edition=edition,
                     data={"date": date.isoformat(), "day_kind": kind})
    return day


def unmark_day(*, actor, edition, date: dt.date) -> None:
    """Remove the mark of a day (it counts again as its weekday does)."""
    _check_office(actor)
    with transaction.atomic():
        day = CalendarDay.objects.filter(edition=edition, date=date).first()
        if day is None:
            raise Refused(_("This day is not marked."), field="date")
        audit.record(actor=actor, action="awards.calendar_unmark", obj=day, edition=edition,
                     data={"date": date.isoformat(), "day_kind": day.kind})
        day.delete()


# --- Publication -------------------------------------------------------------------------------------------

def announce(*, actor, edition) -> AwardList:
    """Publish the proposed list for the announcement period: from the first working day after today for the
    edition's number of working days. Refused without a list, when it is not a proposal, or while a tie across a
    tier border is undecided."""
    _check_office(actor)
    with transaction.atomic():
        lst = _locked_list(edition)
        if lst.status != ListStatus.DRAFT:
            raise Refused(_("The list has already been published."))
        ties = aq.undecided_ties(lst)
        if ties:
            raise Refused(_("%(n)d entries are tied across a tier border: decide the tie on the tiers page first.")
                          % {"n": ties})
        awarded = AwardRow.objects.filter(award_list=lst, tier__isnull=False).count()
        if not awarded:
            raise Refused(_("No entry of the list has a prize tier: there is nothing to announce."))
        period = aq.period_if_published(edition)
        lst.status, lst.announced_at, lst.announced_by = ListStatus.ANNOUNCED, timezone.now(), actor
        lst.period_start, lst.period_end = period.start, period.end
        lst.version += 1
        lst.save(update_fields=["status", "announced_at", "announced_by", "period_start", "period_end", "version"])
        audit.record(actor=actor, action="awards.announce", obj=lst, edition=edition,
                     data={"period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
                           "working_days": period.days, "awarded": awarded})
    return lst


# --- Objections --------------------------------------------------------------------------------------------

def _identity_problem(kind, *, person_name, employer, mobile, unit_name, contact_name, letter):
    """The first missing or wrong part of the objector's identity, as (field, message); None when complete."""
    if kind == ObjectorKind.PERSON:
        required = [("person_name", person_name, _("Please give your name: anonymous objections are not accepted.")),
                    ("employer", employer, _("Please give your employer."))]
    elif kind == ObjectorKind.UNIT:
        required = [("unit_name", unit_name, _("Please give the name of the unit: anonymous objections are not "
                                               "accepted.")),
                    ("contact_name", contact_name, _("Please give the unit's contact person.")),
                    ("letter", letter, _("Please upload the unit's letter with its official stamp (PDF or picture)."))]
    else:
        return "kind", _("Please say whether you object as an individual or as a unit.")
    for field, value, message in required:
        if not value or (isinstance(value, str) and not value.strip()):
            return field, message
    if not (mobile or "").strip():
        return "mobile", _("Please give a mobile number at which the office can reach you.")
    if not is_mobile(mobile):
        return "mobile", _("Enter an 11-digit mainland mobile number starting with 1, e.g. 13812345678.")
    return None


def _next_number(edition) -> str:
    prefix = f"YY-{edition.year}-"
    last = (Objection.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    n = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{n:04d}"


def submit_objection(*, edition, entry_id: int, kind: str, grounds: str, evidence: str, person_name: str = "",
                     employer: str = "", mobile: str = "", unit_name: str = "", contact_name: str = "",
                     letter=None, evidence_file=None, now: dt.datetime | None = None) -> Objection:
    """Receive a named objection to an entry of the announced list (no login). Refused when the list is not
    announced, after the end of the period's last day (Beijing time), for an entry not on the list, without the
    objector's identity, grounds or evidence. Gives the stored objection with its receipt number (YY-2025-0001)."""
    now = now or timezone.now()
    grounds, evidence = (grounds or "").strip(), (evidence or "").strip()
    problem = _identity_problem(kind, person_name=person_name, employer=employer, mobile=mobile,
                                unit_name=unit_name, contact_name=contact_name, letter=letter)
    if problem:
        raise Refused(problem[1], field=problem[0])
    if not grounds:
        raise Refused(_("Please state the grounds of the objection."), field="grounds")
    if not evidence:
        raise Refused(_("Please describe the evidence for the objection (documents, facts, witnesses)."),
                      field="evidence")
    with transaction.atomic():
        lst = AwardList.objects.select_for_update().filter(edition=edition).first()
        if lst is None or lst.status == ListStatus.DRAFT:
            raise Refused(_("The award list of this competition has not been published: there is nothing to object "
                            "to yet."))
        if lst.status == ListStatus.CONFIRMED or not aq.objections_open(lst, now):
            raise Refused(_("The announcement period ended on %(date)s: objections are no longer accepted.")
                          % {"date": lst.period_end.isoformat()})
        if not AwardRow.objects.filter(award_list=lst, entry_id=entry_id, tier__isnull=False).exists():
            raise Refused(_("Please choose an entry of the announced list."), field="entry")
        person = kind == ObjectorKind.PERSON
        objection = Objection(
            award_list=lst, entry_id=entry_id, number=_next_number(edition), kind=kind,
            person_name=person_name.strip() if person else "", employer=employer.strip() if person else "",
            mobile=normalize_mobile(mobile), unit_name="" if person else unit_name.strip(),
            contact_name="" if person else contact_name.strip(), grounds=grounds, evidence=evidence)
        if letter is not None and not person:
            objection.letter.save(letter.name, letter, save=False)
            objection.letter_name = letter.name[:255]
        if evidence_file is not None:
            objection.evidence_file.save(evidence_file.name, evidence_file, save=False)
            objection.evidence_file_name = evidence_file.name[:255]
        objection.save()
        # No identity in the log: who objected is in the objection, which only the office reads.
        audit.record(actor=None, action="awards.objection_receive", obj=objection, edition=edition,
                     data={"number": objection.number, "entry": entry_id, "objector": kind})
    return objection


def answer_objection(*, actor, objection: Objection, finding: str, answer: str, outcome: str) -> Objection:
    """Record the investigation's finding, the answer to the objector and the outcome, while the list is
    announced. An answered objection may be answered again (the newest answer stands; each is in the log)."""
    _check_office(actor)
    finding, answer = (finding or "").strip(), (answer or "").strip()
    if not finding:
        raise Refused(_("Please record the finding of the investigation."), field="finding")
    if not answer:
        raise Refused(_("Please write the answer to the objector."), field="answer")
    if outcome not in ObjectionOutcome.values:
        raise Refused(_("Please choose the outcome of the objection."), field="outcome")
    with transaction.atomic():
        lst = AwardList.objects.select_for_update().get(pk=objection.award_list_id)
        if lst.status != ListStatus.ANNOUNCED:
            raise Refused(_("The list is confirmed: its objections can no longer be answered."))
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        again = objection.status == ObjectionStatus.ANSWERED
        objection.finding, objection.answer, objection.outcome = finding, answer, outcome
        objection.status, objection.answered_by, objection.answered_at = ObjectionStatus.ANSWERED, actor, timezone.now()
        objection.save(update_fields=["finding", "answer", "outcome", "status", "answered_by", "answered_at"])
        audit.record(actor=actor, action="awards.objection_answer", obj=objection, edition=lst.edition,
                     data={"number": objection.number, "entry": objection.entry_id, "outcome": outcome,
                           "again": again})
    return objection


# --- Confirmation ------------------------------------------------------------------------------------------

def confirm(*, actor, edition, note: str = "") -> AwardList:
    """Confirm the announced list once its period is over and every objection is answered: each entry with a
    tier is awarded (its tier and prize money recorded), each other not awarded, through the entry's transition
    function; then the list is final and public as results. All or nothing."""
    _check_office(actor)
    note = (note or "").strip()
    with transaction.atomic():
        lst = _locked_list(edition)
        if lst.status == ListStatus.DRAFT:
            raise Refused(_("The list has not been published yet: announce it first."))
        if lst.status == ListStatus.CONFIRMED:
            raise Refused(_("The list is already confirmed."))
        if not aq.period_over(lst):
            raise Refused(_("The announcement period lasts until %(date)s: the list can be confirmed from the next "
                            "day.") % {"date": lst.period_end.isoformat()})
        still_open = aq.objection_counts(lst)["open"]
        if still_open:
            raise Refused(_("%(n)d objections have not been answered yet: answer every objection first.")
                          % {"n": still_open})
        ties = aq.undecided_ties(lst)
        if ties:
            raise Refused(_("%(n)d entries are tied across a tier border: decide the tie on the tiers page first.")
                          % {"n": ties})
        rows = list(AwardRow.objects.filter(award_list=lst).select_related("entry", "tier").order_by("position"))
        for row in rows:
            if row.tier_id:
                transition_entry(entry=row.entry, action=Action.AWARD, actor=actor, data={"tier": row.tier.name})
            else:
                transition_entry(entry=row.entry, action=Action.NOT_AWARD, actor=actor)
        lst.status, lst.confirmed_at, lst.confirmed_by, lst.confirm_note = (
            ListStatus.CONFIRMED, timezone.now(), actor, note)
        lst.version += 1
        lst.save(update_fields=["status", "confirmed_at", "confirmed_by", "confirm_note", "version"])
        awarded = sum(1 for r in rows if r.tier_id)
        audit.record(actor=actor, action="awards.confirm", obj=lst, edition=edition, reason=note,
                     data={"awarded": awarded, "not_awarded": len(rows) - awarded,
                           "objections": aq.objection_counts(lst)["n"]})
    return lst

