"""The office's side of scoring: rubric with guidance and its lock (item 3), progress and reminders (item 8),
permissions of every role on the office's pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.review.helpers_scoring import full_points, make_round
from wuxiao.common.models import AuditLog
from wuxiao.notifications.models import Notification
from wuxiao.review import services_scoring as services
from wuxiao.review.models import CriterionBand, ReviewSettings, Score, ScoreStatus
from wuxiao.review.queries import review_settings

pytestmark = pytest.mark.django_db


def rubric_data(r, **changes):
    data = {"comment_required": ""}
    for c in r.criteria:
        data[f"c{c.pk}-name"] = c.name
        data[f"c{c.pk}-max_points"] = str(c.max_points)
        data[f"c{c.pk}-description"] = c.description
        data[f"c{c.pk}-bands"] = "21-25 广泛应用，效果显著\n0-20 有一定应用"
    data.update(changes)
    return data


def fresh_settings(r) -> ReviewSettings:
    return ReviewSettings.objects.get(edition=r.edition)


# --- Rubric ---------------------------------------------------------------------------------------

def test_office_edits_the_rubric_and_its_bands(client, committee):
    r = make_round()
    c0 = r.criteria[0]
    client.force_login(committee)
    url = reverse("review:rubric", args=[r.edition.slug])
    assert client.get(url).status_code == 200
    data = rubric_data(r, **{f"c{c0.pk}-bands": "21–25：推广应用广\n11-20 有应用\n0-10 少量应用",
                             f"c{c0.pk}-max_points": "30", "comment_required": "on"})
    response = client.post(url, data)
    assert response.status_code == 302
    c0.refresh_from_db()
    assert c0.max_points == 30
    assert [(b.low, b.high, b.text) for b in c0.bands.all()] == [
        (Decimal("21"), Decimal("25"), "推广应用广"), (Decimal("11"), Decimal("20"), "有应用"),
        (Decimal("0"), Decimal("10"), "少量应用")]
    assert fresh_settings(r).comment_required is True
    assert AuditLog.objects.filter(action="review.update_rubric").exists()


@pytest.mark.parametrize("bands,word", [
    ("20-26 超出", "超出了该指标 0–25 分的范围"), ("10-25 甲\n0-12 乙", "重叠"), ("乱写一行", "第1行不符合"),
    ("15-10 反了", "起始分高于结束分"),
])
def test_bad_bands_are_refused_beside_the_field_and_kept(client, committee, bands, word):
    r = make_round()
    c0 = r.criteria[0]
    CriterionBand.objects.filter(criterion__edition=r.edition).delete()
    client.force_login(committee)
    response = client.post(reverse("review:rubric", args=[r.edition.slug]),
                           rubric_data(r, **{f"c{c0.pk}-bands": bands}))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_c{c0.pk}-bands_error"' in page
    assert bands.split("\n")[0] in page  # what was typed is kept
    assert word in page
    assert not CriterionBand.objects.filter(criterion=c0).exists()


def test_first_saved_score_locks_the_rubric_and_the_office_reopens_it(client, committee):
    r = make_round()
    assert fresh_settings(r).rubric_locked_at is None
    client.force_login(r.expert.user)
    client.post(reverse("review:score_save", args=[r.edition.slug, r.entry.pk]),
                {f"points_{r.criteria[0].pk}": "10"}, HTTP_HX_REQUEST="true")
    assert fresh_settings(r).rubric_locked_at is not None
    assert AuditLog.objects.filter(action="review.lock_rubric").count() == 1

    client.force_login(committee)
    url = reverse("review:rubric", args=[r.edition.slug])
    page = client.get(url).content.decode()
    assert 'data-locked="1"' in page
    refused = client.post(url, rubric_data(r, **{f"c{r.criteria[0].pk}-name": "改名"}))
    assert refused.status_code == 400
    assert "评分标准已锁定：已有专家按此标准开始评分" in refused.content.decode()
    r.criteria[0].refresh_from_db()
    assert r.criteria[0].name != "改名"

    reopen = reverse("review:rubric_reopen", args=[r.edition.slug])
    assert client.post(reopen, {"reason": ""}).status_code == 400
    assert client.post(reopen, {"reason": "补充第三项评分要点"}).status_code == 302
    settings = fresh_settings(r)
    assert settings.rubric_locked_at is None and settings.rubric_reopen_reason == "补充第三项评分要点"
    assert settings.rubric_reopened_by == committee
    assert AuditLog.objects.filter(action="review.reopen_rubric", reason="补充第三项评分要点").exists()
    assert client.post(url, rubric_data(r, **{f"c{r.criteria[0].pk}-name": "改名"})).status_code == 302
    r.criteria[0].refresh_from_db()
    assert r.criteria[0].name == "改名"

    # the next saved score locks it again
    client.force_login(r.expert.user)
    client.post(reverse("review:score_save", args=[r.edition.slug, r.entry.pk]),
                {f"points_{r.criteria[0].pk}": "11"}, HTTP_HX_REQUEST="true")
    assert fresh_settings(r).rubric_locked_at is not None


def test_ensure_rubric_editable_is_the_check_for_other_editors():
    r = make_round()
    services.ensure_rubric_editable(r.edition)
    ReviewSettings.objects.filter(edition=r.edition).update(rubric_locked_at=timezone.now())
    with pytest.raises(services.Refused):
        services.ensure_rubric_editable(r.edition)


# --- Permissions on the office's pages --------------------------------------------------------------

@pytest.mark.parametrize("role,status", [
    ("anonymous", 302), ("declarer", 403), ("recommender", 403), ("expert", 403), ("outsider", 403),
    ("committee", 200), ("site_admin", 200),
])
def test_office_pages_by_role(client_as, role, status):
    r = make_round()
    client = client_as(role)
    for name in ("review:rubric", "review:progress"):
        assert client.get(reverse(name, args=[r.edition.slug])).status_code == status, name
    assert client.post(reverse("review:remind", args=[r.edition.slug])).status_code == (
        302 if status == 200 else status)
    assert client.post(reverse("review:rubric_reopen", args=[r.edition.slug]), {"reason": "x"}).status_code == (
        400 if status == 200 else status)  # 400: not locked


def test_assigned_expert_cannot_reach_office_pages(client):
    r = make_round()
    client.force_login(r.expert.user)
    assert client.get(reverse("review:progress", args=[r.edition.slug])).status_code == 403
    assert client.get(reverse("review:rubric", args=[r.edition.slug])).status_code == 403


@pytest.mark.parametrize("role,status", [
    ("anonymous", 302), ("declarer", 403), ("recommender", 403), ("committee", 403), ("site_admin", 403),
    ("outsider", 403),
])
def test_workspace_by_role(client_as, role, status):
    assert client_as(role).get(reverse("review:workspace")).status_code == status


def test_expert_role_without_a_seat_sees_an_empty_workspace(client, expert):
    client.force_login(expert)
    response = client.get(reverse("review:workspace"))
    assert response.status_code == 200
    assert "您尚未接受任何竞赛的评审邀请" in response.content.decode()


# --- Progress and reminders -----------------------------------------------------------------------------

def submit(client, r, expert, entry, value="20"):
    client.force_login(expert.user)
    response = client.post(reverse("review:expert_entry", args=[r.edition.slug, entry.pk]),
                           {**full_points(r, value), "confirm_no_conflict": "on"})
    assert response.status_code == 302


def test_progress_per_expert_and_entry_with_overdue(client, committee):
    r = make_round(n_entries=2, n_experts=2)
    submit(client, r, r.experts[0], r.entries[0])
    submit(client, r, r.experts[0], r.entries[1])
    submit(client, r, r.experts[1], r.entries[0])
    ReviewSettings.objects.filter(edition=r.edition).update(scoring_deadline=timezone.now() - dt.timedelta(days=1))
    client.force_login(committee)
    page = client.get(reverse("review:progress", args=[r.edition.slug])).content.decode()
    assert 'data-assigned="4" data-submitted="3"' in page
    done, late = r.experts
    assert f'data-expert="{late.pk}" class="overdue"' in page
    assert f'data-expert="{done.pk}" class=""' in page
    assert f'data-entry="{r.entries[0].pk}" class="complete"' in page
    score = Score.objects.get(expert=late, entry=r.entries[0])
    assert reverse("review:score_reopen", args=[r.edition.slug, score.pk]) in page


def test_progress_queries_do_not_grow(client, committee):
    counts = []
    for n in (2, 10):
        r = make_round(n_entries=n, n_experts=n // 2 + 1)
        Score.objects.bulk_create(Score(assignment=a, edition=r.edition, entry_id=a.entry_id, expert_id=a.expert_id,
                                        status=ScoreStatus.SUBMITTED, total=80)
                                  for a in r.experts[0].assignments.all())
        client.force_login(committee)
        url = reverse("review:progress", args=[r.edition.slug])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_reminders_on_demand_to_one_or_all_with_outstanding_scores(client, committee, mailoutbox):
    r = make_round(n_entries=1, n_experts=3)
    submit(client, r, r.experts[0], r.entry)
    client.force_login(committee)
    url = reverse("review:remind", args=[r.edition.slug])
    assert client.post(url, {"expert": str(r.experts[1].pk)}).status_code == 302
    assert list(Notification.objects.filter(event="review.reminder").values_list("user_id", flat=True)) == [
        r.experts[1].user_id]
    assert client.post(url).status_code == 302
    reminded = Notification.objects.filter(event="review.reminder").values_list("user_id", flat=True)
    assert sorted(reminded) == sorted([r.experts[1].user_id, r.experts[1].user_id, r.experts[2].user_id])
    assert r.experts[0].user_id not in reminded
    rows = AuditLog.objects.filter(action="review.remind_expert")
    assert rows.count() == 3 and all(row.actor == committee for row in rows)
    assert client.post(url, {"expert": "999999"}).status_code == 404
    page = client.get(reverse("review:progress", args=[r.edition.slug])).content.decode()
    assert "—" in page


def test_scheduled_reminders_follow_the_edition_and_record_the_time(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    r = make_round(n_entries=1, n_experts=2)
    ReviewSettings.objects.filter(edition=r.edition).update(reminder_every_days=2)
    now = timezone.now()
    assert services.send_due_reminders(now) == {r.edition.slug: 2}
    assert fresh_settings(r).last_reminder_at == now
    assert services.send_due_reminders(now + dt.timedelta(days=1)) == {}
    assert services.send_due_reminders(now + dt.timedelta(days=2, minutes=1)) == {r.edition.slug: 2}
    assert Notification.objects.filter(event="review.reminder").count() == 4
    assert AuditLog.objects.filter(action="review.scheduled_reminders").count() == 2
    assert AuditLog.objects.filter(action="review.remind_expert", data__scheduled=True).count() == 4
    # an edition without a schedule is never reminded automatically
    other = make_round(n_entries=1, n_experts=1)
    assert other.edition.slug not in services.send_due_reminders(now + dt.timedelta(days=10))


def test_reminder_task_runs_the_due_reminders(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from wuxiao.review.tasks_scoring import send_due_review_reminders

    r = make_round(n_entries=1, n_experts=1)
    ReviewSettings.objects.filter(edition=r.edition).update(reminder_every_days=1)
    result = send_due_review_reminders.enqueue()
    assert result.return_value == {r.edition.slug: 1}
    assert review_settings(r.edition.__class__.objects.get(pk=r.edition.pk)).last_reminder_at is not None


def test_reminder_management_command(capsys):
    from django.core.management import call_command

    r = make_round(n_entries=1, n_experts=1)
    ReviewSettings.objects.filter(edition=r.edition).update(reminder_every_days=7)
    call_command("review_reminders")
    assert f"{r.edition.slug}: 1" in capsys.readouterr().out


def test_reminder_goes_out_by_email(client, committee, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    r = make_round(n_entries=2, n_experts=1)
    ReviewSettings.objects.filter(edition=r.edition).update(scoring_deadline=timezone.now() + dt.timedelta(days=3))
    client.force_login(committee)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("review:remind", args=[r.edition.slug]))
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [r.expert.user.email]
    assert "2 件作品尚未提交评分" in message.body and r.edition.title in message.body
    assert reverse("review:workspace_edition", args=[r.edition.slug]) in message.body


def test_the_worker_chain_is_queued_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    from wuxiao.review.tasks_scoring import ensure_reminder_schedule, send_due_review_reminders

    r = make_round(n_entries=1, n_experts=1)
    assert ensure_reminder_schedule(r.edition) is False  # no schedule set: nothing to queue
    ReviewSettings.objects.filter(edition=r.edition).update(reminder_every_days=3)
    assert ensure_reminder_schedule(r.edition) is True
    assert ensure_reminder_schedule(r.edition) is False  # one check waits already
    assert DBTaskResult.objects.filter(task_path=send_due_review_reminders.module_path).count() == 1
