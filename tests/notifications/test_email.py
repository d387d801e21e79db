"""The e-mail goes out after the decision commits, through the task, retried; it never undoes anything."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.notifications import tasks
from wuxiao.notifications.models import Notification

pytestmark = pytest.mark.django_db

TITLE = "数控车床快换刀具工装"


def test_the_email_waits_for_the_commit_then_is_sent(entry, decide, people, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decide(entry, "submit", people["declarer"])
    assert mailoutbox == []
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"pending"}
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([people["recommender"].email, people["recommender2"].email])
    mail = mailoutbox[0]
    assert mail.subject == f"新提交作品：《{TITLE}》"
    assert f"已提交作品《{TITLE}》" in mail.body
    assert f"https://wuxiao.example/entries/{entry.pk}/" in mail.body
    assert set(Notification.objects.values_list("email_status", "email_attempts", "email_error")) == {("sent", 1, "")}


def test_a_failing_mail_server_never_undoes_the_decision(entry, decide, people, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    decide(entry, "submit", people["declarer"])
    with mock.patch.object(EmailBackend, "send_messages", side_effect=smtplib.SMTPServerDisconnected("down")):
        with django_capture_on_commit_callbacks(execute=True):
            decide(entry, "return", people["recommender"], reason="请补充附件。")
    # The decision, its history and audit row, and the in-app notification all stand.
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.RETURNED
    assert entry.transitions.filter(action="return").count() == 1
    assert AuditLog.objects.filter(action="entry.return").count() == 1
    rows = Notification.objects.filter(event="entry.return")
    assert rows.count() == 2
    # The immediate backend runs every retry at once: five attempts, then "failed".
    assert set(rows.values_list("email_status", "email_attempts")) == {("failed", tasks.MAX_ATTEMPTS)}
    assert rows.first().email_error == "SMTPServerDisconnected: down"
    assert mailoutbox == []


def test_a_failure_is_retried_later_with_backoff(entry, decide, people, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    people["recommender2"].email = ""
    people["recommender2"].save()
    decide(entry, "submit", people["declarer"])
    n = Notification.objects.get(event="entry.submit", email_status="pending")
    before = timezone.now()
    with mock.patch.object(EmailBackend, "send_messages", side_effect=OSError("connection refused")):
        assert tasks.send_notification_email.call(n.pk) == "retry"
    n.refresh_from_db()
    assert (n.email_status, n.email_attempts, n.email_error) == ("pending", 1, "OSError: connection refused")
    (queued,) = tasks.send_notification_email.get_backend().results
    assert queued.args == [n.pk]
    assert before + dt.timedelta(minutes=1) <= queued.task.run_after <= timezone.now() + dt.timedelta(minutes=1)


def test_the_next_attempt_succeeds(entry, decide, people, mailoutbox, django_capture_on_commit_callbacks):
    real_send = EmailBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPException("busy")
        return real_send(self, messages)

    people["recommender2"].email = ""
    people["recommender2"].save()
    with mock.patch.object(EmailBackend, "send_messages", flaky):
        with django_capture_on_commit_callbacks(execute=True):
            decide(entry, "submit", people["declarer"])
    n = Notification.objects.get(event="entry.submit", user=people["recommender"])
    assert (n.email_status, n.email_attempts, n.email_error) == ("sent", 2, "")
    assert len(mailoutbox) == 1


def test_a_sent_email_is_not_sent_twice(entry, decide, people, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decide(entry, "submit", people["declarer"])
    n = Notification.objects.filter(event="entry.submit").first()
    assert tasks.send_notification_email.call(n.pk) == "skipped"
    assert len(mailoutbox) == 2


def test_backoff_grows():
    assert [tasks.backoff(a) for a in (1, 2, 3, 4)] == [dt.timedelta(minutes=m) for m in (1, 4, 16, 64)]


def test_in_app_only_queues_no_email_inside_the_block(entry, decide, people, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    """What the demo uses for its made-up history (issue 9, item 16); outside the block e-mail goes again."""
    from wuxiao.notifications.services import in_app_only

    with django_capture_on_commit_callbacks(execute=True):
        with in_app_only():
            decide(entry, "submit", people["declarer"])
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"none"}
    assert Notification.objects.count() == 2 and mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        decide(entry, "return", people["recommender"], reason="请补充材料")
    assert Notification.objects.filter(email_status="sent").count() == len(mailoutbox) == 2  # the declaring unit's two
