"""The site visits (实地考察, R9): visits created for the proposed top N and for the entries the office picks
among those tied at the border (with a reason), withdrawn with a reason, scheduled (date, address, contact,
experts, the day's route), scored on site by the visiting experts (stored once per idempotency key) with
photos, and locked by the office, which computes the visit's result."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import allowed
from wuxiao.common.validators import is_landline, is_mobile

from . import queries, scoring
from . import queries_site as sq
from .models import SitePhoto, SiteScore, SiteVisit, VisitExpert, VisitSource

NOT_OFFICE = _("Only the committee office may manage the site visits.")
NOT_VISITING = _("You are not one of the experts visiting this site.")
PHONE_WRONG = _("Enter a mobile number (e.g. 13812345678) or a landline with area code (e.g. 0371-67885139).")
SECOND_SCORE = _("You have already scored this visit; a score is given once. Ask the committee office if it must be "
                 "corrected.")
PHOTO_MAX_BYTES = 15 * 1024 * 1024
PHOTO_TOO_LARGE = _("The photo is larger than 15 MB.")


def _check_office(actor) -> None:
    if not allowed(actor, "finals.manage"):
        raise Refused(NOT_OFFICE)


def _check_open(visit: SiteVisit) -> None:
    if visit.cancelled_at is not None:
        raise Refused(_("This visit has been withdrawn."))


# --- selection -----------------------------------------------------------------------------------

def create_proposed_visits(*, actor, edition) -> list[SiteVisit]:
    """Create a visit for every entry of the proposed top N that has none yet (R9). Entries tied at the border
    are left for the office to pick (select_visit)."""
    _check_office(actor)
    found = sq.proposal(edition)
    made = []
    with transaction.atomic():
        existing = set(SiteVisit.objects.filter(edition=edition).values_list("entry_id", flat=True))
        for candidate in found.candidates:
            if candidate.proposed and candidate.entry.pk not in existing:
                made.append(SiteVisit.objects.create(edition=edition, entry=candidate.entry,
                                                     source=VisitSource.PROPOSED, selected_by=actor,
                                                     **_unit_prefill(candidate.entry)))
        # An entry withdrawn earlier and proposed again stays withdrawn: bringing it back is a decision.
        if made:
            audit.record(actor=actor, action="finals.visits_create", obj=made[0], edition=edition,
                         data={"top": found.n, "entries": [v.entry_id for v in made],
                               "missing_roadshow": found.missing})
    return made


def _unit_prefill(entry) -> dict:
    unit = entry.declaring_unit
    mobile = (unit.contact_mobile or "").strip()
    return {"address": (unit.address or "")[:200], "contact_name": (unit.contact_name or "")[:50],
            "contact_phone": mobile[:30] if mobile and (is_mobile(mobile) or is_landline(mobile)) else ""}


def select_visit(*, actor, edition, entry, reason: str) -> SiteVisit:
    """The office's decision to visit `entry` (a tie at the border, or any other finalist), with its reason."""
    _check_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Please give the reason for this decision (it is recorded)."), field="reason")
    if entry.edition_id != edition.pk or not queries.finalists(edition).filter(pk=entry.pk).exists():
        raise Refused(_("Only a finalist of this edition can be visited."), field="entry")
    with transaction.atomic():
        visit = SiteVisit.objects.select_for_update().filter(entry=entry).first()
        if visit is not None and visit.cancelled_at is None:
            raise Refused(_("This entry is already selected for a visit."), field="entry")
        if visit is None:
            visit = SiteVisit.objects.create(edition=edition, entry=entry, source=VisitSource.DECIDED,
                                             selection_reason=reason, selected_by=actor, **_unit_prefill(entry))
        else:  # a withdrawn visit taken back
            visit.source, visit.selection_reason, visit.selected_by = VisitSource.DECIDED, reason, actor
            visit.cancelled_at, visit.cancelled_by, visit.cancel_reason = None, None, ""
            visit.save()
        audit.record(actor=actor, action="finals.visit_select", obj=visit, edition=edition, reason=reason,
                     data={"entry": entry.pk})
    return visit


def withdraw_visit(*, actor, visit: SiteVisit, reason: str) -> SiteVisit:
    """Withdraw a visit (the entry is not visited), with the reason; its scores, if any, stay on record."""
    _check_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Please give the reason for withdrawing the visit (it is recorded)."), field="reason")
    _check_open(visit)
    if visit.locked_at is not None:
        raise Refused(_("The visit's scores are locked: it can no longer be withdrawn."))
    visit.cancelled_at, visit.cancelled_by, visit.cancel_reason = timezone.now(), actor, reason
    visit.route_position = None
    visit.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "route_position"])
    audit.record(actor=actor, action="finals.visit_withdraw", obj=visit, edition=visit.edition, reason=reason,
                 data={"entry": visit.entry_id})
    return visit


# --- schedule ------------------------------------------------------------------------------------

def schedule_visit(*, actor, visit: SiteVisit, visit_date: dt.date | None, start_time: dt.time | None,
                   address: str, contact_name: str, contact_phone: str, notes: str = "",
                   experts=()) -> SiteVisit:
    """Set the visit's date, time, address, contact and visiting experts (seats in the order given)."""
    _check_office(actor)
    _check_open(visit)
    contact_phone = (contact_phone or "").strip()
    if contact_phone and not (is_mobile(contact_phone) or is_landline(contact_phone)):
        raise Refused(PHONE_WRONG, field="contact_phone")
    experts = list(experts)
    pool = set(sq.pool_experts(visit.edition).values_list("pk", flat=True))
    if any(e.pk not in pool for e in experts):
        raise Refused(_("Only accepted experts of this edition's pool can visit."), field="experts")
    if len({e.pk for e in experts}) != len(experts):
        raise Refused(_("An expert is named twice."), field="experts")
    with transaction.atomic():
        visit = SiteVisit.objects.select_for_update().get(pk=visit.pk)
        scored = set(SiteScore.objects.filter(visit=visit).values_list("expert_id", flat=True))
        if scored - {e.pk for e in experts}:
            raise Refused(_("An expert who has already scored this visit cannot be taken off it."), field="experts")
        if visit.visit_date != visit_date:
            visit.route_position = _next_stop(visit.edition, visit_date) if visit_date else None
        visit.visit_date, visit.start_time = visit_date, start_time
        visit.address, visit.contact_name, visit.contact_phone = address.strip(), contact_name.strip(), contact_phone
        visit.notes = notes.strip()
        visit.save()
        VisitExpert.objects.filter(visit=visit).delete()
        VisitExpert.objects.bulk_create([VisitExpert(visit=visit, expert=e, seat=seat)
                                         for seat, e in enumerate(experts, start=1)])
        audit.record(actor=actor, action="finals.visit_schedule", obj=visit, edition=visit.edition,
                     data={"date": visit_date.isoformat() if visit_date else None,
                           "time": start_time.isoformat() if start_time else None,
                           "experts": [e.pk for e in experts]})
    return visit


def _next_stop(edition, day) -> int:
    last = (SiteVisit.objects.filter(edition=edition, visit_date=day, cancelled_at__isnull=True)
            .aggregate(m=Max("route_position"))["m"])
    return (last or 0) + 1


def move_stop(*, actor, visit: SiteVisit, up: bool) -> list[SiteVisit]:
    """Move a stop one place earlier (up) or later on its day's route; the day's stops are renumbered 1..n."""
    _check_office(actor)
    _check_open(visit)
    if visit.visit_date is None:
        raise Refused(_("Set the visit's date first."))
    with transaction.atomic():
        stops = list(SiteVisit.objects.select_for_update().filter(
            edition_id=visit.edition_id, visit_date=visit.visit_date, cancelled_at__isnull=True)
            .order_by("route_position", "start_time", "id"))
        i = next(n for n, s in enumerate(stops) if s.pk == visit.pk)
        j = i - 1 if up else i + 1
        if 0 <= j < len(stops):
            stops[i], stops[j] = stops[j], stops[i]
        for n, stop in enumerate(stops, start=1):
            if stop.route_position != n:
                stop.route_position = n
                stop.save(update_fields=["route_position"])
        audit.record(actor=actor, action="finals.visit_route", obj=visit, edition=visit.edition,
                     data={"date": visit.visit_date.isoformat(), "order": [s.pk for s in stops]})
    return stops


# --- scoring on site -----------------------------------------------------------------------------

def _key(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise Refused(_("The request's key is not valid; reload the page and score again."),
                      field="idempotency_key") from None


def clean_items(criteria, items: dict) -> tuple[dict, Decimal]:
    """The points per criterion checked against the rubric: every criterion given, 0 to its points, at most two
    decimals. Returns ({criterion id: "points"}, total)."""
    if not criteria:
        raise Refused(_("The site-visit rubric has not been set up yet."))
    items = {str(k): v for k, v in (items or {}).items()}
    unknown = set(items) - {str(c.pk) for c in criteria}
    if unknown:
        raise Refused(_("A criterion that is not in the site-visit rubric was scored."), field="items")
    cleaned, total = {}, Decimal(0)
    for c in criteria:
        raw = items.get(str(c.pk))
        if raw is None or str(raw).strip() == "":
            raise Refused(_("Please score %(name)s.") % {"name": c.name}, field=f"points_{c.pk}")
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            raise Refused(_("%(name)s: enter a number.") % {"name": c.name}, field=f"points_{c.pk}") from None
        if not value.is_finite() or value < 0 or value > c.max_points:
            raise Refused(_("%(name)s: the points must be between 0 and %(max)s.") % {"name": c.name,
                                                                                        "max": c.max_points},
                          field=f"points_{c.pk}")
        if value != value.quantize(Decimal("0.01")):
            raise Refused(_("%(name)s: at most two decimals.") % {"name": c.name}, field=f"points_{c.pk}")
        cleaned[str(c.pk)] = str(value)
        total += value
    return cleaned, total


def submit_site_score(*, user, visit: SiteVisit, items: dict, comment: str = "", idempotency_key,
                      typed_at: dt.datetime | None = None) -> tuple[SiteScore, bool]:
    """Store a visiting expert's score of the visit once: the same key again returns the stored score;
    a second, different score is refused. Returns (score, created)."""
    key = _key(idempotency_key)
    expert = sq.expert_of(user, visit)
    if expert is None:
        raise Refused(NOT_VISITING)
    stored = SiteScore.objects.filter(idempotency_key=key).first()
    if stored is not None:
        if stored.visit_id != visit.pk or stored.expert_id != expert.pk:
            raise Refused(_("The request's key is not valid; reload the page and score again."),
                          field="idempotency_key")
        return stored, False
    cleaned, total = clean_items(queries.final_rubric(visit.edition, "site"), items)
    comment = (comment or "").strip()[:2000]
    try:
        with transaction.atomic():
            # Read the lock under the row lock the office's lock_visit takes too: no score slips in after it.
            current = SiteVisit.objects.select_for_update().get(pk=visit.pk)
            _check_open(current)
            if current.locked_at is not None:
                raise Refused(_("The scores of this visit are locked: no score can be added or changed."))
            if SiteScore.objects.filter(visit=visit, expert=expert).exists():
                raise Refused(SECOND_SCORE)
            score = SiteScore.objects.create(visit=visit, expert=expert, items=cleaned, total=total, comment=comment,
                                             idempotency_key=key, typed_at=typed_at)
            audit.record(actor=user, action="finals.site_score", obj=visit, edition=visit.edition,
                         data={"expert": expert.pk, "total": str(total), "key": str(key)})
    except IntegrityError:
        # The same request arrived twice at once, or a second score raced the first.
        stored = SiteScore.objects.filter(idempotency_key=key).first()
        if stored is not None:
            return stored, False
        raise Refused(SECOND_SCORE) from None
    return score, True


def add_site_photo(*, user, visit: SiteVisit, upload, idempotency_key, caption: str = "") -> tuple[SitePhoto, bool]:
    """Keep a photo taken on site (checked to be a JPEG, PNG or WebP picture), once per idempotency key."""
    from wuxiao.entries.attachments.images import check_image
    from wuxiao.entries.attachments.limits import clean_name, extension

    key = _key(idempotency_key)
    expert = sq.expert_of(user, visit)
    if expert is None:
        raise Refused(NOT_VISITING)
    stored = SitePhoto.objects.filter(idempotency_key=key).first()
    if stored is not None:
        if stored.visit_id != visit.pk:
            raise Refused(_("The request's key is not valid; reload the page and send the photo again."),
                          field="idempotency_key")
        return stored, False
    current = SiteVisit.objects.get(pk=visit.pk)
    _check_open(current)
    if current.locked_at is not None:
        raise Refused(_("The visit is locked: no photo can be added."), field="photo")
    if upload is None:
        raise Refused(_("Please choose a photo."), field="photo")
    if upload.size > PHOTO_MAX_BYTES:
        raise Refused(PHOTO_TOO_LARGE, field="photo")
    name = clean_name(upload.name)
    ext = extension(name)
    if not ext:  # a camera's blob without a name: judge by the content
        ext = ".jpg"
        name += ext
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    try:
        check_image(upload, ext, head)
    except Refused as refused:
        raise Refused(_("This file is not a photo: %(why)s") % {"why": refused.message}, field="photo") from None
    upload.seek(0)
    try:
        with transaction.atomic():
            photo = SitePhoto(visit=visit, expert=expert, original_name=name, size=upload.size,
                              caption=(caption or "").strip()[:200], idempotency_key=key)
            photo.image.save(name, upload, save=False)  # through the storage API
            photo.save()
            audit.record(actor=user, action="finals.site_photo", obj=visit, edition=visit.edition,
                         data={"photo": photo.pk, "key": str(key)})
    except IntegrityError:
        stored = SitePhoto.objects.filter(idempotency_key=key).first()
        if stored is None:
            raise
        return stored, False
    return photo, True


def lock_visit(*, actor, visit: SiteVisit, reason: str = "") -> SiteVisit:
    """Lock the visit's scores and compute its result: the average of the experts' totals, trimmed of the
    highest and lowest with the edition's rule when at least three scored. With a score missing, a reason."""
    _check_office(actor)
    _check_open(visit)
    reason = (reason or "").strip()
    with transaction.atomic():
        visit = SiteVisit.objects.select_for_update().get(pk=visit.pk)
        if visit.locked_at is not None:
            raise Refused(_("The scores of this visit are already locked."))
        seats = sq.seats(visit)
        scores = {s.expert_id: s for s in SiteScore.objects.filter(visit=visit)}
        if not scores:
            raise Refused(_("No expert has scored this visit yet."))
        missing = [seat for seat in seats if seat.expert_id not in scores]
        if missing and not reason:
            raise Refused(_("%(n)d visiting experts have not scored yet: give the reason for locking without their "
                            "scores.") % {"n": len(missing)}, field="reason")
        totals = [scores[seat.expert_id].total for seat in seats if seat.expert_id in scores]
        trim = queries.final_settings(visit.edition).trim_extremes
        result = scoring.trimmed_result(totals, trim=trim)
        visit.result, visit.locked_at, visit.locked_by, visit.lock_reason = result.result, timezone.now(), actor, reason
        visit.save(update_fields=["result", "locked_at", "locked_by", "lock_reason"])
        audit.record(actor=actor, action="finals.visit_lock", obj=visit, edition=visit.edition, reason=reason,
                     data={"result": str(result.result), "totals": [str(t) for t in totals],
                           "trim": trim, "missing": [seat.expert_id for seat in missing]})
    return visit
