"""The expert's workspace, the entry page and its score form, declared conflicts (issue 10 items 2, 7)."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.review.helpers_scoring import (
    COMPLETER_NAME,
    UNIT_NAME,
    assign,
    conflict,
    full_points,
    make_expert,
    make_round,
)
from wuxiao.common.models import AuditLog
from wuxiao.notifications.models import Notification
from wuxiao.review.models import Conflict, ConflictSource, Score, ScoreStatus
from wuxiao.review.queries import review_settings, visible_assignments

pytestmark = pytest.mark.django_db


def entry_url(r, entry=None):
    return reverse("review:expert_entry", args=[r.edition.slug, (entry or r.entry).pk])


def save_url(r, entry=None):
    return reverse("review:score_save", args=[r.edition.slug, (entry or r.entry).pk])


# --- Workspace --------------------------------------------------------------------------------------

def test_workspace_with_one_seat_goes_straight_to_it(client):
    r = make_round()
    client.force_login(r.expert.user)
    response = client.get(reverse("review:workspace"))
    assert response.status_code == 302
    assert response.url == reverse("review:workspace_edition", args=[r.edition.slug])


def test_workspace_lists_assigned_entries_with_progress(client):
    r = make_round(n_entries=3)
    Score.objects.create(assignment=r.expert.assignments.get(entry=r.entries[0]), edition=r.edition,
                         entry=r.entries[0], expert=r.expert, status=ScoreStatus.SUBMITTED, total=80)
    Score.objects.create(assignment=r.expert.assignments.get(entry=r.entries[1]), edition=r.edition,
                         entry=r.entries[1], expert=r.expert, status=ScoreStatus.DRAFT)
    client.force_login(r.expert.user)
    page = client.get(reverse("review:workspace_edition", args=[r.edition.slug])).content.decode()
    assert 'data-total="3" data-submitted="1" data-drafts="1"' in page
    for entry in r.entries:
        assert f'data-entry="{entry.pk}"' in page
    assert "已提交 1 / 3" in page


def test_workspace_hides_conflicted_and_unpublished_entries(client):
    r = make_round(n_entries=2, n_experts=1, all_assigned=False)
    assign(r.expert, r.entries[0])
    assign(r.expert, r.entries[1], published=False)
    client.force_login(r.expert.user)
    url = reverse("review:workspace_edition", args=[r.edition.slug])
    page = client.get(url).content.decode()
    assert f'data-entry="{r.entries[0].pk}"' in page and f'data-entry="{r.entries[1].pk}"' not in page
    conflict(r.expert, r.entries[0])
    page = client.get(url).content.decode()
    assert f'data-entry="{r.entries[0].pk}"' not in page


def test_workspace_queries_do_not_grow(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = make_round(n_entries=2, n_experts=1)
    big = make_round(n_entries=12, n_experts=1)
    counts = []
    for r in (small, big):
        client.force_login(r.expert.user)
        url = reverse("review:workspace_edition", args=[r.edition.slug])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- The entry page: permissions and anonymisation ---------------------------------------------------

def test_assigned_expert_sees_the_entry_anonymised(client):
    r = make_round()
    client.force_login(r.expert.user)
    page = client.get(entry_url(r)).content.decode()
    assert r.entry.title in page and r.entry.background in page
    assert UNIT_NAME not in page and COMPLETER_NAME not in page
    assert r.entry.recommending_unit.name not in page
    assert r.entry.contact_mobile not in page and r.entry.union_opinion not in page
    assert "hx-trigger=\"input changed delay:800ms\"" in page


def test_without_anonymisation_the_unit_is_shown(client):
    r = make_round()
    settings = review_settings(r.edition)
    settings.anonymise = False
    settings.save()
    client.force_login(r.expert.user)
    page = client.get(entry_url(r)).content.decode()
    assert UNIT_NAME in page and COMPLETER_NAME in page


@pytest.mark.parametrize("case", ["unassigned", "conflicted", "unpublished", "other_edition_slug", "declined"])
def test_entry_page_is_404_for_an_expert_who_may_not_review_it(client, case):
    r = make_round(n_experts=1, all_assigned=False)
    expert = r.expert
    if case == "unassigned":
        pass
    elif case == "conflicted":
        assign(expert, r.entry)
        conflict(expert, r.entry)
    elif case == "unpublished":
        assign(expert, r.entry, published=False)
    elif case == "declined":
        assign(expert, r.entry)
        expert.status = "declined"
        expert.save()
    client.force_login(expert.user)
    slug = "another-edition" if case == "other_edition_slug" else r.edition.slug
    if case == "other_edition_slug":
        assign(expert, r.entry)
    for url in (reverse("review:expert_entry", args=[slug, r.entry.pk]),
                reverse("review:score_save", args=[slug, r.entry.pk]),
                reverse("review:declare_conflict", args=[slug, r.entry.pk])):
        response = client.get(url) if not url.endswith("save/") else client.post(url, full_points(r))
        assert response.status_code == 404, url
        assert r.entry.title not in response.content.decode()
    assert not Score.objects.exists()


@pytest.mark.parametrize("role", ["declarer", "recommender", "committee", "site_admin", "outsider"])
def test_entry_page_is_404_for_other_roles(client_as, role):
    r = make_round()
    response = client_as(role).get(entry_url(r))
    assert response.status_code == 404


def test_entry_page_sends_anonymous_visitors_to_log_in(client):
    r = make_round()
    response = client.get(entry_url(r))
    assert response.status_code == 302 and "/login" in response.url


# --- Score form ---------------------------------------------------------------------------------------

def test_draft_saved_as_typed_and_rubric_locked(client):
    r = make_round()
    client.force_login(r.expert.user)
    c0 = r.criteria[0]
    response = client.post(save_url(r), {f"points_{c0.pk}": "18.5"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-saved" in body and "18.5" in body
    score = Score.objects.get()
    assert score.status == ScoreStatus.DRAFT and score.total == 18.5
    assert score.items.get(criterion=c0).points == 18.5
    assert review_settings(r.edition.__class__.objects.get(pk=r.edition.pk)).rubric_locked_at is not None


@pytest.mark.parametrize("value,message", [
    ("26", "得分应在 0 到 25 分之间"), ("-1", "得分应在 0 到 25 分之间"), ("abc", "请输入分数"),
    ("18.3", "以 0.5 分为单位"), ("NaN", "请输入分数"), ("1e9", "得分应在 0 到 25 分之间")])
def test_out_of_range_draft_shows_the_message_beside_the_field(client, value, message):
    r = make_round()
    client.force_login(r.expert.user)
    c0 = r.criteria[0]
    response = client.post(save_url(r), {f"points_{c0.pk}": value}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="err-points_{c0.pk}"' in body and "errorlist" in body and message in body
    assert not Score.objects.exists()


def test_submit_needs_every_criterion_and_the_confirmation_and_keeps_the_input(client):
    r = make_round()
    client.force_login(r.expert.user)
    data = full_points(r)
    data[f"points_{r.criteria[1].pk}"] = ""
    data[f"points_{r.criteria[2].pk}"] = "30"
    data["comment"] = "很好的作品"
    response = client.post(entry_url(r), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="30"' in page and "很好的作品" in page  # nothing typed lost
    assert "按评分标准，该指标得分应在 0 到 25 分之间" in page
    assert "提交前请为每项指标打分" in page
    assert "本人与该作品无利害关系" in page
    assert not Score.objects.filter(status=ScoreStatus.SUBMITTED).exists()


def test_submit_locks_and_a_second_submission_is_refused(client):
    r = make_round()
    client.force_login(r.expert.user)
    data = {**full_points(r, "20"), "confirm_no_conflict": "on", "comment": "好"}
    response = client.post(entry_url(r), data)
    assert response.status_code == 302
    score = Score.objects.get()
    assert score.status == ScoreStatus.SUBMITTED and score.total == 80 and score.no_conflict_confirmed_at
    assert AuditLog.objects.filter(action="review.submit_score", object_id=str(score.pk)).exists()
    again = client.post(entry_url(r), {**full_points(r, "25"), "confirm_no_conflict": "on"})
    assert again.status_code == 409
    assert "该评分已提交并锁定，不能再次提交" in again.content.decode()
    draft = client.post(save_url(r), full_points(r, "25"), HTTP_HX_REQUEST="true")
    assert "save-error" in draft.content.decode()
    score.refresh_from_db()
    assert score.total == 80 and score.items.filter(points=25).count() == 0


def test_comment_required_by_the_setting(client):
    r = make_round()
    settings = review_settings(r.edition)
    settings.comment_required = True
    settings.save()
    client.force_login(r.expert.user)
    response = client.post(entry_url(r), {**full_points(r), "confirm_no_conflict": "on"})
    assert response.status_code == 400
    assert 'id="err-comment"' in response.content.decode()
    assert not Score.objects.filter(status=ScoreStatus.SUBMITTED).exists()


def test_office_reopens_a_submitted_score_with_a_reason(client, committee):
    r = make_round()
    client.force_login(r.expert.user)
    client.post(entry_url(r), {**full_points(r), "confirm_no_conflict": "on"})
    score = Score.objects.get()
    url = reverse("review:score_reopen", args=[r.edition.slug, score.pk])
    # the expert may not reopen their own score
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(committee)
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400
    assert client.post(url, {"reason": "第二项分数录入错误"}).status_code == 302
    score.refresh_from_db()
    assert score.status == ScoreStatus.DRAFT and score.reopen_reason == "第二项分数录入错误"
    assert AuditLog.objects.filter(action="review.reopen_score", reason="第二项分数录入错误").exists()
    assert Notification.objects.filter(user=r.expert.user, event="review.score_reopened").exists()
    client.force_login(r.expert.user)
    assert client.post(entry_url(r), {**full_points(r, "21")}).status_code == 302
    score.refresh_from_db()
    assert score.status == ScoreStatus.SUBMITTED and score.total == 84


# --- Declared conflicts -------------------------------------------------------------------------------

def test_expert_declares_a_conflict_and_the_entry_disappears(client, committee):
    r = make_round(n_entries=2, n_experts=1)
    client.force_login(r.expert.user)
    url = reverse("review:declare_conflict", args=[r.edition.slug, r.entry.pk])
    empty = client.post(url, {"scope": "entry", "reason": ""})
    assert empty.status_code == 400 and not Conflict.objects.exists()
    response = client.post(url, {"scope": "entry", "reason": "曾参与该项目指导"})
    assert response.status_code == 302
    found = Conflict.objects.get()
    assert found.source == ConflictSource.DECLARED and found.reason == "曾参与该项目指导" and found.entry == r.entry
    assert list(visible_assignments(r.expert).values_list("entry_id", flat=True)) == [r.entries[1].pk]
    assert client.get(entry_url(r)).status_code == 404
    assert Notification.objects.filter(user=committee, event="review.conflict_declared").exists()
    assert AuditLog.objects.filter(action="review.declare_conflict", reason="曾参与该项目指导").exists()


def test_expert_declares_a_conflict_with_the_whole_unit(client):
    from tests import factories
    from tests.review.helpers_scoring import make_criteria, make_entries

    edition = factories.EditionFactory()
    make_criteria(edition)
    unit = factories.DeclaringUnitFactory()
    same_unit = make_entries(edition, 3, unit=unit)
    other = make_entries(edition, 1)[0]
    expert = make_expert(edition, 1)
    for entry in [*same_unit, other]:
        assign(expert, entry)
    client.force_login(expert.user)
    url = reverse("review:declare_conflict", args=[edition.slug, same_unit[0].pk])
    assert client.post(url, {"scope": "unit", "reason": "本人曾在该单位任职"}).status_code == 302
    assert set(Conflict.objects.values_list("entry_id", flat=True)) == {e.pk for e in same_unit}
    assert Conflict.objects.filter(unit=unit).count() == 3
    assert list(visible_assignments(expert).values_list("entry_id", flat=True)) == [other.pk]


def test_reminder_mail_is_not_sent_for_a_conflict_declaration(client):
    """Declaring a conflict tells the office in the app (and by e-mail when the template says so), never the expert."""
    r = make_round(n_entries=1, n_experts=1)
    client.force_login(r.expert.user)
    client.post(reverse("review:declare_conflict", args=[r.edition.slug, r.entry.pk]),
                {"scope": "entry", "reason": "亲属关系"})
    assert not Notification.objects.filter(user=r.expert.user).exists()
    assert all(r.expert.user.email not in m.to for m in mail.outbox)


def test_scores_cannot_change_once_the_entry_left_the_second_round(client):
    from wuxiao.entries.models import Entry

    r = make_round()
    Entry.objects.filter(pk=r.entry.pk).update(status="finalist")
    client.force_login(r.expert.user)
    response = client.post(entry_url(r), {**full_points(r), "confirm_no_conflict": "on"})
    assert response.status_code == 409
    assert "该作品已不在复赛阶段" in response.content.decode()
    assert not Score.objects.exists()


def test_dashboard_panel_leads_the_expert_to_the_workspace(client):
    from wuxiao.review import dashboard_scoring

    dashboard_scoring.register()  # what ReviewConfig.ready() calls once the lead wires it
    r = make_round(n_entries=2, n_experts=1)
    client.force_login(r.expert.user)
    client.post(save_url(r), {f"points_{r.criteria[0].pk}": "10"}, HTTP_HX_REQUEST="true")
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="work-expert"' in page
    assert reverse("review:workspace_edition", args=[r.edition.slug]) in page
    assert "0 / 2" in page and "草稿 1 件" in page
