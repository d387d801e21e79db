"""Writes of the expert pool (专家技术委员会, R13) and the conflicts of interest (回避, issue 10 items 1–2).

Every write is `verb_object(*, actor, …)`, runs in a transaction and leaves an audit row. Writes that
change what the conflict check reads (experts, groups of companies, the setting on recommending
units) touch `ReviewSettings.conflicts_changed_at`, so that `queries_pool.conflict_check_current`
knows the last check is out of date and inviting and assigning wait for a new one.
"""

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuxiao.accounts.models import Role, User
from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.validators import normalize_credit_code
from wuxiao.entries.models import Completer
from wuxiao.orgs.models import DECLARING_KINDS, Membership, Organisation, UnitKind

from .models import (
    CompanyGroup,
    Conflict,
    ConflictCheck,
    ConflictSource,
    Expert,
    ExpertField,
    ExpertStatus,
    ReviewSettings,
    invitation_token,
)
from .queries import review_settings
from .queries_pool import STALE_CHECK_MINUTES, conflict_check_current, normalise_name, review_entries

logger = logging.getLogger(__name__)

REASON_MAX = 300
EXPERT_FIELDS = ("name", "organisation_name", "title", "mobile", "email", "load_min", "load_max")


def _touch_conflict_inputs(edition) -> None:
    """Something the conflict check reads has changed: the last check is no longer current."""
    review_settings(edition)
    ReviewSettings.objects.filter(edition=edition).update(conflicts_changed_at=timezone.now())
    if hasattr(edition, "_review_settings_cache"):
        edition._review_settings_cache.refresh_from_db()


# --- Settings ---------------------------------------------------------------------------------------

def update_settings(*, actor, edition, values: dict) -> ReviewSettings:
    """Save the edition's second-round settings (`values` as cleaned by forms_pool.SettingsForm)."""
    with transaction.atomic():
        found = review_settings(edition)
        found = ReviewSettings.objects.select_for_update().get(pk=found.pk)
        changed = {}
        for name, value in values.items():
            if getattr(found, name) != value:
                changed[name] = value
                setattr(found, name, value)
        if "conflict_recommending_unit" in changed:
            found.conflicts_changed_at = timezone.now()
        found.save()
        edition._review_settings_cache = found
        audit.record(actor=actor, action="review.update_settings", obj=found, edition=edition,
                     data={name: _plain(value) for name, value in changed.items()})
    return found


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


# --- Experts ----------------------------------------------------------------------------------------

def match_organisation(name: str, credit_code: str = "") -> Organisation | None:
    """The registered unit an expert's organisation is: by its credit code when given, else by its exact
    name (spaces and full-width brackets aside), a declaring unit first."""
    code = normalize_credit_code(credit_code)
    if code:
        found = Organisation.objects.filter(credit_code=code).first()
        if found is not None:
            return found
    name = (name or "").strip()
    if not name:
        return None
    exact = list(Organisation.objects.filter(name=name))
    if not exact:
        wanted = normalise_name(name)
        # Names differ at most in brackets and spaces: compare the few of the same length's neighbourhood.
        exact = [o for o in Organisation.objects.filter(name__contains=name[:4]) if normalise_name(o.name) == wanted]
    exact.sort(key=lambda o: (o.kind not in DECLARING_KINDS, o.pk))
    return exact[0] if exact else None


def organisation_matcher():
    """match_organisation for many names at once (the import): every unit read once, not once per row."""
    by_code, by_name = {}, {}
    for org in sorted(Organisation.objects.only("pk", "name", "kind", "credit_code"),
                      key=lambda o: (o.kind not in DECLARING_KINDS, o.pk)):
        if org.credit_code:
            by_code.setdefault(org.credit_code, org)
        by_name.setdefault(org.name.strip(), org)
        by_name.setdefault(normalise_name(org.name), org)

    def match(name: str, credit_code: str = "") -> Organisation | None:
        code = normalize_credit_code(credit_code)
        if code and code in by_code:
            return by_code[code]
        name = (name or "").strip()
        return by_name.get(name) or (by_name.get(normalise_name(name)) if name else None)

    return match


def _set_fields(expert: Expert, fields) -> None:
    """Replace the expert's fields of expertise with `fields`: (industry code, depth) pairs."""
    ExpertField.objects.filter(expert=expert).delete()
    ExpertField.objects.bulk_create(ExpertField(expert=expert, industry_id=code, depth=depth)
                                    for code, depth in dict(fields).items())


def _refuse_duplicate_mobile(edition, mobile: str, *, exclude=None) -> None:
    others = Expert.objects.filter(edition=edition, mobile=mobile)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    other = others.first()
    if other is not None:
        raise Refused(_("%(name)s already has this mobile number in the expert pool; one expert, one mobile "
                        "number.") % {"name": other.name}, field="mobile")


def create_expert(*, actor, edition, values: dict, fields, credit_code: str = "") -> Expert:
    """Add one expert to the pool (`values` as cleaned by forms_pool.ExpertForm; `fields`: (code, depth))."""
    with transaction.atomic():
        _refuse_duplicate_mobile(edition, values["mobile"])
        expert = Expert(edition=edition, created_by=actor if getattr(actor, "is_authenticated", False) else None,
                        **{name: values.get(name) for name in EXPERT_FIELDS})
        expert.email = expert.email or ""
        expert.organisation = match_organisation(expert.organisation_name, credit_code)
        expert.save()
        _set_fields(expert, fields)
        _touch_conflict_inputs(edition)
        audit.record(actor=actor, action="review.expert_create", obj=expert, edition=edition,
                     data={"mobile": expert.mobile, "organisation": expert.organisation_id,
                           "fields": [[code, depth] for code, depth in fields]})
    return expert


def update_expert(*, actor, expert: Expert, values: dict, fields, credit_code: str = "") -> Expert:
    """Change an expert's details, fields and loads; the organisation is matched again."""
    with transaction.atomic():
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        _refuse_duplicate_mobile(expert.edition, values["mobile"], exclude=expert)
        before = {name: getattr(expert, name) for name in EXPERT_FIELDS}
        for name in EXPERT_FIELDS:
            setattr(expert, name, values.get(name) if values.get(name) is not None or name.startswith("load")
                    else "")
        expert.organisation = match_organisation(expert.organisation_name, credit_code)
        expert.save()
        _set_fields(expert, fields)
        _touch_conflict_inputs(expert.edition)
        changed = {name: [_plain(before[name]), _plain(getattr(expert, name))] for name in EXPERT_FIELDS
                   if before[name] != getattr(expert, name)}
        audit.record(actor=actor, action="review.expert_update", obj=expert, edition=expert.edition,
                     data={"changed": changed, "fields": [[code, depth] for code, depth in fields]})
    return expert


def import_experts(*, actor, edition, rows: list[dict]) -> list[Expert]:
    """Add every expert of a checked import file (import_pool.check_rows's `rows`), all or none.

    The rows are checked again under the transaction (an expert with the same mobile number may have
    been added since the preview): any error refuses the whole file and nothing is added.
    """
    from .import_pool import recheck_rows

    with transaction.atomic():
        problems = recheck_rows(rows, edition)
        if problems:
            raise Refused(problems[0], field="file")
        created = []
        match = organisation_matcher()
        for row in rows:
            expert = Expert(edition=edition, created_by=actor,
                            **{name: row.get(name) for name in EXPERT_FIELDS})
            expert.email = expert.email or ""
            expert.organisation = match(row["organisation_name"], row.get("credit_code", ""))
            created.append(expert)
        try:
            with transaction.atomic():
                Expert.objects.bulk_create(created)
        except IntegrityError:
            raise Refused(_("An expert of this file has been added to the pool meanwhile; check the file again."),
                          field="file") from None
        if not all(e.pk for e in created):  # backends without RETURNING (never ours): read the ids back
            by_mobile = dict(Expert.objects.filter(edition=edition, mobile__in=[e.mobile for e in created])
                             .values_list("mobile", "pk"))
            for expert in created:
                expert.pk = by_mobile[expert.mobile]
        ExpertField.objects.bulk_create(ExpertField(expert_id=expert.pk, industry_id=code, depth=depth)
                                        for expert, row in zip(created, rows, strict=True)
                                        for code, depth in dict(row["fields"]).items())
        _touch_conflict_inputs(edition)
        audit.record(actor=actor, action="review.expert_import", obj=edition, edition=edition,
                     data={"count": len(created), "experts": [e.pk for e in created]})
    return created


# --- Groups of companies ------------------------------------------------------------------------------

def save_group(*, actor, edition, name: str, member_names: str, group: CompanyGroup | None = None) -> CompanyGroup:
    """Add or change a group of companies whose experts are conflicted with each other's entries."""
    names = [n.strip() for n in (member_names or "").splitlines() if n.strip()]
    if len(names) < 2:
        raise Refused(_("A group needs at least two member organisations, one per line."), field="member_names")
    with transaction.atomic():
        creating = group is None
        if creating:
            group = CompanyGroup(edition=edition, created_by=actor)
        group.name = name.strip()
        group.member_names = "\n".join(names)
        group.save()
        _touch_conflict_inputs(edition)
        if creating:
            audit.record(actor=actor, action="review.group_create", obj=group, edition=edition,
                         data={"members": names})
        else:
            audit.record(actor=actor, action="review.group_update", obj=group, edition=edition,
                         data={"members": names})
    return group


def delete_group(*, actor, group: CompanyGroup) -> None:
    """Remove a group of companies (the next conflict check no longer links its members)."""
    with transaction.atomic():
        audit.record(actor=actor, action="review.group_delete", obj=group, edition=group.edition,
                     data={"members": group.names})
        edition = group.edition
        group.delete()
        _touch_conflict_inputs(edition)


# --- The automatic conflict check -----------------------------------------------------------------------

def request_conflict_check(*, actor, edition) -> ConflictCheck:
    """Queue the conflict check of the whole pool in the background worker (one at a time per edition)."""
    from .tasks_pool import conflict_check_task

    with transaction.atomic():
        review_settings(edition)
        ReviewSettings.objects.select_for_update().filter(edition=edition).first()  # one request at a time
        waiting = ConflictCheck.objects.filter(
            edition=edition, finished_at__isnull=True, progress=0,
            started_at__gt=timezone.now() - dt.timedelta(minutes=STALE_CHECK_MINUTES)).first()
        if waiting is not None:
            return waiting
        check = ConflictCheck.objects.create(edition=edition, started_by=actor)
        audit.record(actor=actor, action="review.conflict_check_request", obj=edition, edition=edition,
                     data={"check": check.pk})
        # Enqueued inside the transaction: the worker sees the task only once the row is committed.
        conflict_check_task.enqueue(check.pk)
    return check


def _automatic_conflicts(edition) -> dict[tuple[int, int], list[str]]:
    """(expert id, entry id) → the reasons, in words, for every automatic conflict of the pool."""
    conflict_recommending_unit = review_settings(edition).conflict_recommending_unit
    entries = list(review_entries(edition).values_list(
        "pk", "declaring_unit_id", "declaring_unit__name", "recommending_unit_id", "recommending_unit__name"))
    by_unit_id, by_unit_name, by_recommender = defaultdict(list), defaultdict(list), defaultdict(list)
    names = {}
    for pk, unit_id, unit_name, rec_id, rec_name in entries:
        by_unit_id[unit_id].append(pk)
        by_unit_name[normalise_name(unit_name)].append(pk)
        by_recommender[rec_id].append(pk)
        names[pk] = (unit_name, rec_name)
    by_workplace = defaultdict(list)
    for entry_id, person, workplace in (Completer.objects.filter(entry__in=review_entries(edition))
                                        .order_by("entry_id", "position").values_list("entry_id", "name",
                                                                                      "workplace")):
        by_workplace[normalise_name(workplace)].append((entry_id, person, workplace))
    groups = [(g.name, {normalise_name(n) for n in g.names}) for g in CompanyGroup.objects.filter(edition=edition)]

    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    experts = Expert.objects.filter(edition=edition).select_related("organisation", "organisation__parent")
    for expert in experts:
        shown = expert.organisation_name
        own = {normalise_name(expert.organisation_name)}
        if expert.organisation is not None:
            own.add(normalise_name(expert.organisation.name))
        own.discard("")

        def add(entry_id, reason, _expert=expert):
            key = (_expert.pk, entry_id)
            if reason not in found[key]:
                found[key].append(reason)

        declaring = set(by_unit_id.get(expert.organisation_id, [])) if expert.organisation_id else set()
        for name in own:
            declaring.update(by_unit_name.get(name, []))
        reason = _("the expert's organisation (%(org)s) is the entry's declaring unit") % {"org": shown}
        for entry_id in declaring:
            add(entry_id, reason)
        # An expert working at a recommending unit (a trade union) is conflicted with what it recommended.
        if expert.organisation_id and expert.organisation_id in by_recommender:
            reason = _("the expert's organisation (%(org)s) is the entry's recommending unit") % {"org": shown}
            for entry_id in by_recommender[expert.organisation_id]:
                add(entry_id, reason)
        parent = expert.organisation.parent if expert.organisation is not None else None
        if conflict_recommending_unit and parent is not None:
            reason = _("the recommending unit of the expert's organisation (%(unit)s) is the entry's recommending "
                       "unit") % {"unit": parent.name}
            for entry_id in by_recommender.get(parent.pk, []):
                add(entry_id, reason)
        for group_name, members in groups:
            if own & members:
                for member in members - own:
                    for entry_id in by_unit_name.get(member, []):
                        add(entry_id, _("the expert's organisation (%(org)s) and the entry's declaring unit "
                                        "(%(unit)s) belong to the same group of companies (%(group)s)")
                            % {"org": shown, "unit": names[entry_id][0], "group": group_name})
        people = defaultdict(list)  # (entry, workplace as written) → the completers working there
        for name in own:
            for entry_id, person, workplace in by_workplace.get(name, []):
                if person not in people[(entry_id, workplace)]:
                    people[(entry_id, workplace)].append(person)
        for (entry_id, workplace), persons in people.items():
            add(entry_id, _("the completer %(person)s works at the expert's organisation (%(org)s)")
                % {"person": "、".join(persons), "org": workplace})
    return found


def _reason_text(reasons: list[str]) -> str:
    text = "；".join(reasons)
    return text if len(text) <= REASON_MAX else text[:REASON_MAX - 1] + "…"


def run_conflict_check(edition, actor=None, check: ConflictCheck | None = None) -> ConflictCheck:
    """Compute the automatic conflicts of the whole pool against the entries in (or past) the second
    round and replace the automatic rows; declared and office conflicts stay as they are. An automatic
    conflict the office had lifted stays lifted when it is found again."""
    if check is None:
        check = ConflictCheck.objects.create(edition=edition, started_by=actor)
    ConflictCheck.objects.filter(pk=check.pk).update(progress=5)
    with translation.override(settings.LANGUAGE_CODE):  # the reasons are stored in the site's language
        found = _automatic_conflicts(edition)
    ConflictCheck.objects.filter(pk=check.pk).update(progress=60)
    with transaction.atomic():
        old = Conflict.objects.filter(edition=edition, source=ConflictSource.AUTOMATIC)
        lifted = {(c.expert_id, c.entry_id): c for c in old.filter(lifted_at__isnull=False)}
        old.delete()
        rows = []
        for (expert_id, entry_id), reasons in sorted(found.items()):
            row = Conflict(edition=edition, expert_id=expert_id, entry_id=entry_id, source=ConflictSource.AUTOMATIC,
                           reason=_reason_text(reasons), created_by=actor)
            before = lifted.get((expert_id, entry_id))
            if before is not None:
                row.lifted_at, row.lifted_by_id, row.lift_reason = before.lifted_at, before.lifted_by_id, \
                    before.lift_reason
            rows.append(row)
        Conflict.objects.bulk_create(rows, batch_size=1000)
        check.found = len(rows)
        check.progress = 100
        check.finished_at = timezone.now()
        check.save(update_fields=["found", "progress", "finished_at"])
        audit.record(actor=actor, action="review.conflict_check", obj=edition, edition=edition,
                     data={"check": check.pk, "found": len(rows),
                           "kept_lifted": sum(1 for r in rows if r.lifted_at is not None)})
    return check


# --- Conflicts set and lifted by the office -------------------------------------------------------------

def set_conflict(*, actor, edition, expert: Expert, reason: str, entry=None, unit=None,
                 source: str = ConflictSource.OFFICE) -> list[Conflict]:
    """The office (or, with source=DECLARED, the expert) marks `expert` as conflicted with one entry, or
    with every entry of a unit in the second round (declaring or recommending), with a reason. Returns the
    conflicts made or re-instated."""
    if source not in (ConflictSource.OFFICE, ConflictSource.DECLARED):
        raise ValueError(source)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for the conflict of interest."), field="reason")
    if expert.edition_id != edition.pk:
        raise Refused(_("This expert is not in this edition's pool."), field="expert")
    if (entry is None) == (unit is None):
        raise Refused(_("Choose either one entry or one unit."), field="entry")
    if entry is not None:
        if entry.edition_id != edition.pk or not review_entries(edition).filter(pk=entry.pk).exists():
            raise Refused(_("This entry is not in this edition's second round."), field="entry")
        entries = [entry]
    else:
        entries = list(review_entries(edition).filter(declaring_unit=unit)) or list(
            review_entries(edition).filter(recommending_unit=unit))
        if not entries:
            raise Refused(_("%(unit)s has no entry in this edition's second round.") % {"unit": unit.name},
                          field="unit")
    made = []
    with transaction.atomic():
        for item in entries:
            conflict, created = Conflict.objects.get_or_create(
                expert=expert, entry=item, source=source,
                defaults={"edition": edition, "unit": unit, "reason": reason[:REASON_MAX], "created_by": actor})
            if not created:
                conflict.reason, conflict.unit, conflict.created_by = reason[:REASON_MAX], unit, actor
                conflict.lifted_at, conflict.lifted_by, conflict.lift_reason = None, None, ""
                conflict.save()
            made.append(conflict)
        audit.record(actor=actor, action="review.conflict_set", obj=expert, edition=edition, reason=reason,
                     data={"entries": [e.pk for e in entries], "unit": unit.pk if unit else None,
                           "source": str(source)})
    return made


def lift_conflict(*, actor, conflict: Conflict, reason: str) -> Conflict:
    """Lift a conflict of any source, with the reason; it stays on record."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for lifting the conflict of interest."), field="reason")
    with transaction.atomic():
        conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
        if conflict.lifted_at is not None:
            raise Refused(_("This conflict of interest has already been lifted."), field="reason")
        conflict.lifted_at, conflict.lifted_by, conflict.lift_reason = timezone.now(), actor, reason[:REASON_MAX]
        conflict.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit.record(actor=actor, action="review.conflict_lift", obj=conflict, edition=conflict.edition,
                     reason=reason, data={"expert": conflict.expert_id, "entry": conflict.entry_id,
                                          "source": conflict.source})
    return conflict


# --- Invitations -------------------------------------------------------------------------------------

def invitation_url(expert: Expert) -> str:
    """The absolute one-time link of the expert's current invitation (SITE_URL)."""
    return settings.SITE_URL + reverse("review:invitation", args=[expert.token])


def invite_experts(*, actor, edition, experts) -> list[Expert]:
    """Invite each expert by a new one-time link (a previous link stops working), e-mailed when the
    expert has an address. Refused while the conflict check is not current (R13: conflicts first)."""
    experts = list(experts)
    if not experts:
        raise Refused(_("Choose at least one expert to invite."), field="experts")
    if not conflict_check_current(edition):
        raise Refused(_("Run the conflict check first: the pool, the groups of companies or the entries have "
                        "changed since it last ran, and experts are invited only once every conflict of "
                        "interest is known."), field="experts")
    now = timezone.now()
    expires = now + dt.timedelta(days=settings.INVITATION_VALID_DAYS)
    with transaction.atomic():
        locked = list(Expert.objects.select_for_update().filter(pk__in=[e.pk for e in experts], edition=edition))
        if len(locked) != len({e.pk for e in experts}):
            raise Refused(_("An expert chosen is not in this edition's pool."), field="experts")
        for expert in locked:
            if expert.status not in (ExpertStatus.POOL, ExpertStatus.INVITED):
                raise Refused(_("%(name)s has already answered (%(status)s) and cannot be invited again.")
                              % {"name": expert.name, "status": expert.get_status_display()}, field="experts")
            expert.token = invitation_token()
            expert.status = ExpertStatus.INVITED
            expert.invited_at = now
            expert.invitation_expires_at = expires
            expert.save(update_fields=["token", "status", "invited_at", "invitation_expires_at"])
            audit.record(actor=actor, action="review.expert_invite", obj=expert, edition=edition,
                         data={"email": expert.email, "expires": expires.isoformat()})
        from wuxiao.notifications.services import emails_allowed

        if emails_allowed():  # decided now: the demo's made-up experts get no e-mail, whenever the commit runs
            transaction.on_commit(lambda: _send_invitations(locked))
    return locked


def _send_invitations(experts) -> None:
    # After the commit: a mail server that is down must not undo the invitations, whose links the
    # office can still copy from the pool page.
    for expert in experts:
        if not expert.email:
            continue
        context = {"expert": expert, "edition": expert.edition, "link": invitation_url(expert),
                   "days": settings.INVITATION_VALID_DAYS}
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("review/pool/invitation_email_subject.txt", context).strip()
            body = render_to_string("review/pool/invitation_email.txt", context)
        try:
            send_mail(subject, body, None, [expert.email])
        except OSError:
            logger.exception("Expert %s: invitation e-mail to %s failed", expert.pk, expert.email)


def _usable(token: str) -> Expert:
    expert = Expert.objects.select_for_update().select_related("edition").filter(token=token).first()
    if (expert is None or expert.status != ExpertStatus.INVITED or expert.invitation_expires_at is None
            or expert.invitation_expires_at <= timezone.now()):
        raise Refused(_("This invitation link has already been used or has expired; ask the committee office "
                        "for a new one."))
    return expert


def _committee_office(expert: Expert) -> Organisation:
    """The committee office the expert serves: that of the office member who added them, else the first."""
    offices = Organisation.objects.filter(kind=UnitKind.COMMITTEE, is_active=True)
    office = None
    if expert.created_by_id:
        office = offices.filter(memberships__user_id=expert.created_by_id, memberships__is_active=True,
                                memberships__role=Role.COMMITTEE).order_by("pk").first()
    office = office or offices.order_by("pk").first()
    if office is None:
        raise Refused(_("The committee office is not set up on the platform; tell the site administrator."))
    return office


def accept_invitation(*, token: str, user: User | None = None, password: str = "") -> Expert:
    """The expert accepts the edition: the seat is linked to `user` (logged in) or to a new account
    (username = the expert's mobile number, `password` already validated), who becomes an expert of the
    committee office. The link is used up."""
    with transaction.atomic():
        expert = _usable(token)
        created = user is None
        if created:
            if User.objects.filter(mobile=expert.mobile).exists() or User.objects.filter(
                    username=expert.mobile).exists():
                raise Refused(_("An account with this mobile number exists: log in with it first, then accept."))
            user = User(username=expert.mobile, mobile=expert.mobile, email=expert.email,
                        display_name=expert.name)
            user.set_password(password)
            user.save()
        elif Expert.objects.filter(edition=expert.edition, user=user).exclude(pk=expert.pk).exists():
            raise Refused(_("Your account already holds another seat in this edition's expert pool."))
        membership, _new = Membership.objects.get_or_create(user=user, organisation=_committee_office(expert),
                                                            role=Role.EXPERT)
        if not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        expert.user = user
        expert.status = ExpertStatus.ACCEPTED
        expert.responded_at = timezone.now()
        expert.decline_reason = ""
        expert.token = invitation_token()  # single use
        expert.save(update_fields=["user", "status", "responded_at", "decline_reason", "token"])
        audit.record(actor=user, action="review.invitation_accept", obj=expert, edition=expert.edition,
                     data={"user": user.pk, "new_account": created})
    return expert


def decline_invitation(*, token: str, reason: str, actor=None) -> Expert:
    """The expert declines the edition, with the reason; the link is used up."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Tell the committee office why you decline."), field="reason")
    with transaction.atomic():
        expert = _usable(token)
        expert.status = ExpertStatus.DECLINED
        expert.responded_at = timezone.now()
        expert.decline_reason = reason
        expert.token = invitation_token()
        expert.save(update_fields=["status", "responded_at", "decline_reason", "token"])
        audit.record(actor=actor, action="review.invitation_decline", obj=expert, edition=expert.edition,
                     reason=reason)
    return expert


def withdraw_expert(*, actor, expert: Expert, reason: str) -> Expert:
    """An accepted expert withdraws from the edition, with the reason (status → declined). Their entries
    are then re-assigned by the assignment part."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for withdrawing."), field="reason")
    with transaction.atomic():
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        if expert.status != ExpertStatus.ACCEPTED:
            raise Refused(_("Only an expert who has accepted can withdraw."), field="reason")
        expert.status = ExpertStatus.DECLINED
        expert.responded_at = timezone.now()
        expert.decline_reason = reason
        expert.save(update_fields=["status", "responded_at", "decline_reason"])
        audit.record(actor=actor, action="review.expert_withdraw", obj=expert, edition=expert.edition,
                     reason=reason)
    return expert
