"""Flags are automatic (issue 9, item 5): computed in the background when an entry is submitted and
when a batch is handed over, requests joining one that waits; the queue says when they were computed."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from wuxiao.common.exceptions import Refused
from wuxiao.entries.services import transition_entry
from wuxiao.screening import services
from wuxiao.screening.flags import run_flag_check, schedule_flags
from wuxiao.screening.models import Flag, FlagCheck, FlagKind

from .screen_fixtures import _media, actor_of, entry_of, pdf_upload  # noqa: F401

pytestmark = pytest.mark.django_db

TASK = "wuxiao.screening.tasks_flags.recompute_flags"


def queued_runs(edition) -> int:
    return DBTaskResult.objects.filter(task_path=TASK, status="READY").count()


def test_a_submission_queues_one_check_and_later_ones_join_it(edition, declarer, entry_of,
                                                              django_capture_on_commit_callbacks):
    entries = [entry_of("draft", title=f"作品{i}") for i in range(3)]
    assert not FlagCheck.objects.exists()

    for entry in entries:
        with django_capture_on_commit_callbacks(execute=True):
            transition_entry(entry=entry, action="submit", actor=declarer)

    check = FlagCheck.objects.get(edition=edition)
    assert check.queued and check.requested_at is not None and check.finished_at is None
    assert queued_runs(edition) == 1  # three submissions, one run waiting


def test_a_refused_submission_queues_nothing(edition, declarer, entry_of, django_capture_on_commit_callbacks):
    entry = entry_of("recommended")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):
        transition_entry(entry=entry, action="submit", actor=declarer)
    assert not FlagCheck.objects.exists() and queued_runs(edition) == 0


def test_the_run_finds_the_flags_and_a_request_during_it_queues_the_next(edition, entry_of):
    a = entry_of("submitted", title="同名的作品")
    b = entry_of("submitted", title="同名的作品")
    schedule_flags(edition.pk)

    counts = run_flag_check(edition.pk)

    check = FlagCheck.objects.get(edition=edition)
    assert counts[FlagKind.SIMILAR_TITLE] == 2
    assert {f.entry_id for f in Flag.objects.filter(kind=FlagKind.SIMILAR_TITLE)} == {a.pk, b.pk}
    assert not check.queued and not check.running
    assert check.finished_at >= check.checked_as_of == check.started_at
    assert check.counts[FlagKind.SIMILAR_TITLE] == 2
    schedule_flags(edition.pk)  # after the run: a new run is queued
    assert FlagCheck.objects.get(edition=edition).queued and queued_runs(edition) == 2


def test_handing_a_batch_over_queues_a_check(edition, recommending_unit, recommender, entry_of):
    entry_of("recommended", recommendation_rank=1)
    services.upload_summary_sheet(actor=recommender, edition=edition, unit=recommending_unit, upload=pdf_upload(),
                                  version=0)
    services.submit_batch(actor=recommender, edition=edition, unit=recommending_unit, version=1)
    assert FlagCheck.objects.get(edition=edition).queued and queued_runs(edition) == 1


def test_the_queue_and_the_flag_list_say_when_the_flags_were_computed(client, committee, edition, entry_of):
    entry_of("recommended")
    client.force_login(committee)
    queue = reverse("screening:review", args=[edition.slug])
    flags = reverse("screening:flags", args=[edition.slug])

    assert "自动检查尚未运行。" in client.get(queue).content.decode()
    schedule_flags(edition.pk)
    assert "检查已排队，稍后运行。" in client.get(flags).content.decode()
    run_flag_check(edition.pk)
    finished = FlagCheck.objects.get(edition=edition).finished_at
    from django.utils import timezone
    stamp = timezone.localtime(finished).strftime("%Y-%m-%d %H:%M")
    for url in (queue, flags):
        html = client.get(url).content.decode()
        assert f"自动检查最近完成于 {stamp}。" in html and "检查已排队" not in html


def test_checks_deferred_drops_the_requests_made_and_committed_inside_it(edition, declarer, entry_of,
                                                                          django_capture_on_commit_callbacks):
    from wuxiao.screening.flags import checks_deferred

    entry = entry_of("draft")
    with checks_deferred(), django_capture_on_commit_callbacks(execute=True):
        transition_entry(entry=entry, action="submit", actor=declarer)
        schedule_flags(edition.pk)
    assert not FlagCheck.objects.exists() and queued_runs(edition) == 0
