"""Notifications: who hears of a decision, the text from the event's template, the e-mail after commit.

The in-app rows are written inside the caller's transaction, so a decision and its
notifications stand or fall together. The e-mail is only queued once the decision has committed
(`transaction.on_commit`, robust): a mail server that is down never undoes a decision; the task
in tasks.py retries it in the background.
"""

import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template import Context, Engine, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from wuxiao.accounts.models import Role, User
from wuxiao.common import audit

from .defaults import default_for
from .models import MessageTemplate, Notification

logger = logging.getLogger(__name__)


class EmailStatus:
    NONE = "none"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


# Who hears of an entry's transition (entries.transitions.TRANSITIONS names them per action):
# the staff of the entry's declaring unit, of its recommending unit.
DECLARING = "declaring"
RECOMMENDING = "recommending"

# A committee's text is a Django template over plain strings, without tags that reach beyond
# the text (other files, the debug dump, extra libraries).
_FORBIDDEN = re.compile(r"{%\s*(include|extends|load|debug|ssi)\b")
_engine = Engine(dirs=[], app_dirs=False, libraries={}, autoescape=False, debug=False)


def check_template_text(text: str) -> None:
    """Raise TemplateSyntaxError when `text` is not a usable message template."""
    found = _FORBIDDEN.search(text)
    if found:
        raise TemplateSyntaxError(str(_("The tag “%(tag)s” is not allowed in a message.") % {"tag": found.group(1)}))
    _engine.from_string(text)


def _render(text: str, context: dict) -> str:
    return _engine.from_string(text).render(Context(context, autoescape=False))


def template_for(event: str) -> MessageTemplate:
    """The committee's template for `event`, or an unsaved one holding the default text."""
    stored = MessageTemplate.objects.filter(event=event).first()
    if stored is not None:
        return stored
    with translation.override(settings.LANGUAGE_CODE):
        default = default_for(event)
    return MessageTemplate(event=event, subject=default.subject, body=default.body, send_email=default.send_email)


def render_message(event: str, context: dict, template: MessageTemplate | None = None) -> tuple[str, str, bool]:
    """(subject, body, send_email) of `event` for `context`; the default text if the stored one fails."""
    template = template or template_for(event)
    try:
        subject, body = _render(template.subject, context), _render(template.body, context)
    except Exception:  # a committee's template that no longer renders must not stop a decision
        logger.exception("message template %s does not render; using the default", event)
        with translation.override(settings.LANGUAGE_CODE):
            default = default_for(event)
        subject, body = _render(default.subject, context), _render(default.body, context)
    subject = " ".join(subject.split())[:200]
    return subject, body.strip(), template.send_email


_in_app_only = ContextVar("in_app_only", default=False)


@contextmanager
def in_app_only():
    """Notifications written inside this block queue no e-mail (the demo's made-up history)."""
    token = _in_app_only.set(True)
    try:
        yield
    finally:
        _in_app_only.reset(token)


def emails_allowed() -> bool:
    """False inside `in_app_only()`: what is written there sends no e-mail (the demo's made-up people)."""
    return not _in_app_only.get()


def unit_staff(units, role: str | None = None):
    """The active people of `units` (ids or (unit id, role) pairs; `role` for all of them), in one query."""
    query = Q(pk__in=[])
    for unit in units:
        unit_id, unit_role = unit if isinstance(unit, tuple) else (unit, role)
        members = Q(memberships__organisation_id=unit_id, memberships__is_active=True)
        query |= members & Q(memberships__role=unit_role) if unit_role else members
    return User.objects.filter(query, is_active=True).distinct().order_by("pk")


def committee_staff():
    """The active staff of the committee office."""
    return User.objects.filter(memberships__role=Role.COMMITTEE, memberships__is_active=True,
                               is_active=True).distinct().order_by("pk")


def notify_users(*, users, event: str, context: dict, url: str = "") -> list[Notification]:
    """Write one in-app notification per user for `event`; queue the e-mails for after the commit."""
    users = list(users)
    if not users:
        return []
    context = {**{k: "" if v is None else str(v) for k, v in context.items()},
               "url": settings.SITE_URL + url if url else settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        subject, body, send_email = render_message(event, context)
    send_email = send_email and not _in_app_only.get()
    rows = Notification.objects.bulk_create([
        Notification(user=user, event=event, title=subject, body=body, url=url,
                     email_status=EmailStatus.PENDING if send_email and user.email else EmailStatus.NONE)
        for user in users])
    pending = [row.pk for row in rows if row.email_status == EmailStatus.PENDING]
    if pending:
        from .tasks import schedule_email

        transaction.on_commit(lambda: [schedule_email(pk) for pk in pending], robust=True)
    return rows


def transition_context(*, entry, action: str, actor, reason: str, data: dict) -> dict:
    """The variables an entry event's template may use."""
    from wuxiao.competitions.citations import rule_label
    from wuxiao.entries.enums import Action, EntryStatus

    return {
        "entry_title": entry.title,
        "declaring_unit": entry.declaring_unit.name if entry.declaring_unit_id else "",
        "recommending_unit": entry.recommending_unit.name if entry.recommending_unit_id else "",
        "edition": entry.edition.title if entry.edition_id else "",
        "action": str(Action(action).label) if action in Action.values else action,
        "status": str(EntryStatus(entry.status).label) if entry.status in EntryStatus.values else entry.status,
        "actor": getattr(actor, "name", "") if actor is not None else "",
        "reason": reason or "",
        "rank": data.get("rank", ""),
        "opinion": data.get("opinion", ""),
        "rule": rule_label(data["rule"], data.get("rule_text", "")) if data.get("rule") else "",
        "due_date": data.get("due_date", ""),
        "tier": data.get("tier", ""),
    }


def notify_transition(*, entry, action: str, audience, actor, reason: str = "",
                      data: dict | None = None) -> list[Notification]:
    """Tell the `audience` (DECLARING, RECOMMENDING) of a transition about it, in-app now and by e-mail after commit."""
    data = data or {}
    role_of = {DECLARING: (entry.declaring_unit_id, Role.DECLARER),
               RECOMMENDING: (entry.recommending_unit_id, Role.RECOMMENDER)}
    users = unit_staff([role_of[side] for side in audience if role_of[side][0]])
    if actor is not None and getattr(actor, "pk", None):
        users = users.exclude(pk=actor.pk)
    with translation.override(settings.LANGUAGE_CODE):
        context = transition_context(entry=entry, action=action, actor=actor, reason=reason, data=data)
    return notify_users(users=users, event=f"entry.{action}", context=context,
                        url=reverse("entries:view", args=[entry.pk]))


def notify_unit(*, unit, event: str, context: dict | None = None) -> list[Notification]:
    """Tell a unit's staff about `event` (registration accepted or rejected …)."""
    context = dict(context or {})
    actor = context.pop("actor", None)
    base = {"unit": unit.name, "recommending_unit": unit.parent.name if unit.parent_id else "",
            "actor": getattr(actor, "name", "") if actor is not None else "", "reason": ""}
    users = unit_staff([unit.pk])
    if actor is not None and getattr(actor, "pk", None):
        users = users.exclude(pk=actor.pk)
    return notify_users(users=users, event=event, context={**base, **context},
                        url=reverse("orgs:my_unit", args=[unit.pk]))


# --- The committee's templates and the reader's marks -----------------------------------------

def update_message_template(*, actor, event: str, subject: str, body: str, send_email: bool) -> MessageTemplate:
    """Save the committee's text of `event`'s notification (subject, body, whether to e-mail)."""
    with transaction.atomic():
        template, created = MessageTemplate.objects.select_for_update().update_or_create(
            event=event, defaults={"subject": subject, "body": body, "send_email": send_email})
        audit.record(actor=actor, action="notifications.template_update", obj=template,
                     data={"event": event, "subject": subject, "send_email": send_email, "created": created})
    return template


def reset_message_template(*, actor, event: str) -> None:
    """Drop the committee's text of `event`, so that the default applies again."""
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().filter(event=event).first()
        if template is None:
            return
        audit.record(actor=actor, action="notifications.template_reset", obj=template,
                     data={"event": event, "subject": template.subject})
        template.delete()


def mark_notifications_read(*, actor, ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when `ids` is None); returns how many."""
    with transaction.atomic():
        qs = Notification.objects.filter(user=actor, read_at__isnull=True)
        if ids is not None:
            qs = qs.filter(pk__in=ids)
        return qs.update(read_at=timezone.now())
