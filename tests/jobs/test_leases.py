"""Leases on running tasks: a task whose worker died runs again, and its page says so."""

import datetime as dt
import logging

import pytest
from django.core.management import get_commands
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from wuxiao.documents.models import ExportJob, ExportStatus
from wuxiao.documents.tasks import export_entry_forms
from wuxiao.jobs import leases
from wuxiao.jobs.models import TaskLease
from wuxiao.notifications.models import Notification
from wuxiao.notifications.tasks import send_notification_email

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_LEASE_SECONDS = 60
    settings.TASK_MAX_ATTEMPTS = 3


def ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def claimed(task_obj, *args, worker="w1", started=None) -> DBTaskResult:
    """Enqueue and claim a task as a worker does; `started` backdates the claim."""
    result = DBTaskResult.objects.get(pk=task_obj.enqueue(*args).id)
    result.claim(worker)
    if started is not None:
        DBTaskResult.objects.filter(pk=result.pk).update(started_at=started)
    return result


@pytest.fixture
def export_job(edition, committee):
    job = ExportJob.objects.create(edition=edition, requested_by=committee, status=ExportStatus.RUNNING,
                                   done=2, total=5)
    result = claimed(export_entry_forms, job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.pk))
    job.refresh_from_db()
    return job, result


def progress(client, job) -> str:
    return client.get(reverse("documents:export_progress", args=[job.pk])).content.decode()


def test_the_projects_db_worker_is_the_one_with_leases():
    assert get_commands()["db_worker"] == "wuxiao.jobs"


def test_an_expired_lease_queues_the_task_again_and_the_page_shows_it(export_job, client_as):
    job, result = export_job
    TaskLease.objects.create(task=result, worker_id="w1", expires_at=ago(1))
    page = progress(client_as("committee"), job)
    assert "后台任务处理程序已停止响应" in page and 'hx-trigger="every 2s"' in page

    assert leases.requeue_expired() == 1
    result.refresh_from_db()
    assert result.status == TaskResultStatus.READY and result.worker_ids == ["w1"]
    assert not TaskLease.objects.exists()
    job.refresh_from_db()
    assert (job.status, job.done) == (ExportStatus.QUEUED, 0)
    page = progress(client_as("committee"), job)
    assert "排队中" in page and "已重新排队" in page and 'hx-trigger="every 2s"' in page
    # A worker claims it again: it is the second attempt, and the page says so.
    result.claim("w2")
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)
    assert "第 2 次尝试" in progress(client_as("committee"), job)
    assert leases.requeue_expired() == 0  # a fresh claim without a lease yet is not touched


def test_a_live_lease_is_left_alone(export_job):
    job, result = export_job
    TaskLease.objects.create(task=result, worker_id="w1", expires_at=timezone.now() + dt.timedelta(seconds=5))
    assert leases.requeue_expired() == 0
    assert leases.requeue_expired(now=timezone.now() + dt.timedelta(seconds=6)) == 1


def test_a_claim_that_never_got_its_lease_runs_again_after_the_lease_time(edition):
    recent = claimed(export_entry_forms, 1, started=ago(59))
    old = claimed(export_entry_forms, 2, started=ago(61))
    assert leases.requeue_expired() == 1
    assert DBTaskResult.objects.get(pk=old.pk).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=recent.pk).status == TaskResultStatus.RUNNING


def test_finished_and_waiting_tasks_are_never_touched(edition):
    waiting = DBTaskResult.objects.get(pk=export_entry_forms.enqueue(1).id)
    done = claimed(export_entry_forms, 2, started=ago(600))
    done.set_successful(3)
    assert leases.requeue_expired() == 0
    assert DBTaskResult.objects.get(pk=waiting.pk).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=done.pk).status == TaskResultStatus.SUCCESSFUL


def test_a_task_that_keeps_killing_its_worker_is_given_up(export_job, client_as):
    job, result = export_job
    for worker in ("w2", "w3"):
        DBTaskResult.objects.filter(pk=result.pk).update(status=TaskResultStatus.READY)
        result.refresh_from_db()
        result.claim(worker)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=ago(120))
    assert leases.requeue_expired() == 1
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "wuxiao.jobs.leases.WorkerLost" and "3 times" in result.traceback
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.finished_at is not None and "worker stopped" in job.error
    page = progress(client_as("committee"), job)
    assert "导出失败" in page and "hx-trigger" not in page


def test_an_email_given_up_is_marked_failed_not_pending(declarer, settings):
    settings.TASK_MAX_ATTEMPTS = 1
    notification = Notification.objects.create(user=declarer, event="entry.submit", title="t", body="b",
                                               email_status="pending")
    claimed(send_notification_email, notification.pk, started=ago(61))
    assert leases.requeue_expired() == 1
    notification.refresh_from_db()
    assert notification.email_status == "failed" and "worker stopped" in notification.email_error


@task()
def leases_held() -> list:
    """A task that reports the leases held while it runs."""
    return list(TaskLease.objects.values_list("worker_id", flat=True))


@task()
def stopped_worker() -> None:
    raise SystemExit(1)  # what the worker raises in a task on a second Ctrl+C


def worker() -> Worker:
    return Worker(queue_names=["default"], interval=0, batch=False, backend_name="default", startup_delay=False,
                  max_tasks=None, worker_id="w1", excluded_queue_names=[])


def test_the_worker_holds_a_lease_while_the_task_runs_and_drops_it_after(monkeypatch):
    monkeypatch.setattr(leases, "_keeper", leases.LeaseKeeper("w1"))  # its thread is not started here
    result = DBTaskResult.objects.get(pk=leases_held.enqueue().id)
    result.claim("w1")  # the worker's loop (not run here: it closes the test's connection on PostgreSQL)
    worker().run_task(result)
    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == ["w1"]
    assert not TaskLease.objects.exists()


def test_a_task_stopped_with_its_worker_is_queued_again(monkeypatch):
    monkeypatch.setattr(leases, "_keeper", leases.LeaseKeeper("w1"))
    result = DBTaskResult.objects.get(pk=stopped_worker.enqueue().id)
    result.claim("w1")
    worker().run_task(result)
    result.refresh_from_db()
    assert result.status == TaskResultStatus.READY and result.traceback == "" and result.finished_at is None


def test_the_heartbeat_renews_its_own_lease_only(export_job, caplog):
    job, result = export_job
    keeper = leases.LeaseKeeper("w1")
    keeper.hold(result.pk)
    TaskLease.objects.filter(pk=result.pk).update(expires_at=ago(-1))
    keeper.beat()
    assert TaskLease.objects.get(pk=result.pk).expires_at > timezone.now() + dt.timedelta(seconds=50)
    # Another worker took the task over after this one's lease ran out: its lease is not extended.
    TaskLease.objects.filter(pk=result.pk).update(worker_id="w2", expires_at=ago(-1))
    with caplog.at_level(logging.WARNING, logger="wuxiao.jobs.leases"):
        keeper.beat()
    assert TaskLease.objects.get(pk=result.pk).expires_at < timezone.now() + dt.timedelta(seconds=2)
    assert "lease lost" in caplog.text
    keeper.release(result.pk)
    assert TaskLease.objects.filter(pk=result.pk).exists()  # the other worker's lease stays
