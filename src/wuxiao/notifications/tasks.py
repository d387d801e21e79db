"""Sending a notification's e-mail in the background, retried with backoff.

The decision and the in-app notification are committed before this runs; a mail server that
refuses only leaves the notification's `email_status` at "pending" (with the attempts and the
last error) until the next try, and at "failed" after MAX_ATTEMPTS.

A worker that dies while sending hands the task to another (wuxiao.jobs.leases): the status
("sent" once the mail server accepted the message) keeps it from being sent twice, and the fixed
Message-ID lets mail clients fold the one copy a crash between "accepted" and "recorded" can cause.
"""

import datetime as dt
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from wuxiao.jobs.leases import when_interrupted

from .models import Notification
from .services import EmailStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def backoff(attempt: int) -> dt.timedelta:
    """The wait after the `attempt`-th failure: 1, 4, 16, 64 minutes."""
    return dt.timedelta(minutes=4 ** (attempt - 1))


def schedule_email(notification_id: int, delay: dt.timedelta | None = None) -> None:
    """Queue the e-mail of one notification, after `delay` when the task backend can defer."""
    job = send_notification_email
    if delay and job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + delay)
    try:
        job.enqueue(notification_id)
    except Exception:  # the queue itself is unavailable: the row stays pending, the decision stands
        logger.exception("could not queue the e-mail of notification %s", notification_id)


def message_id(notification: Notification) -> str:
    """The same for every attempt at one notification's e-mail."""
    return f"<notification-{notification.pk}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}>"


@task()
def send_notification_email(notification_id: int) -> str:
    """Send one notification's e-mail; on failure record the error and try again later."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.email_status != EmailStatus.PENDING:
        return "skipped"
    # Claim this attempt: if two workers run the same job, only one of them sends.
    attempt = notification.email_attempts + 1
    claimed = (Notification.objects
               .filter(pk=notification.pk, email_status=EmailStatus.PENDING, email_attempts=notification.email_attempts)
               .update(email_attempts=F("email_attempts") + 1))
    if not claimed:
        return "skipped"
    try:
        EmailMessage(notification.title, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.user.email],
                     headers={"Message-ID": message_id(notification)}).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        status = EmailStatus.FAILED if attempt >= MAX_ATTEMPTS else EmailStatus.PENDING
        Notification.objects.filter(pk=notification.pk).update(email_status=status, email_error=error)
        logger.warning("e-mail of notification %s failed (attempt %s of %s): %s",
                       notification.pk, attempt, MAX_ATTEMPTS, error)
        if status == EmailStatus.PENDING:
            schedule_email(notification.pk, delay=backoff(attempt))
            return "retry"
        return "failed"
    Notification.objects.filter(pk=notification.pk).update(email_status=EmailStatus.SENT, email_error="")
    return "sent"


@when_interrupted(send_notification_email)
def _email_interrupted(notification_id: int, *, requeued: bool) -> None:
    """Given up after its workers died: the notification says so instead of staying "pending"."""
    if not requeued:
        Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING).update(
            email_status=EmailStatus.FAILED, email_error="the background worker stopped while sending")
