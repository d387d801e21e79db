"""The committee office's eligibility check (形式审查, issue 4 items 6–8): queue, checklist, review page, decisions."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuxiao.common.models import AuditLog
from wuxiao.entries.models import Attachment, AttachmentKind, EntryTransition, ExclusionAnswer
from wuxiao.notifications.models import Notification
from wuxiao.screening.checklist import annotate, with_checklist_data
from wuxiao.screening.models import Flag, FlagKind

from .. import factories
from .review_fixtures import batch, recommended, stamp_form  # noqa: F401
from .screen_fixtures import _media  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ["declarer", "recommender", "committee", "expert", "site_admin", "outsider", "anonymous"]
ALLOWED = {"committee", "site_admin"}


def _checks(entry, edition):
    from wuxiao.entries.models import Entry

    loaded = with_checklist_data(Entry.objects.filter(pk=entry.pk)).get()
    annotate([loaded], edition)
    return {item.key: item.ok for item in loaded.checks}


# --- Permissions ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_queue_per_role(client_as, role, edition, recommended):
    entry = recommended(title="快换刀具工装")
    response = client_as(role).get(reverse("screening:review", args=[edition.slug]))
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif role in ALLOWED:
        assert response.status_code == 200
        assert "形式审查" in response.content.decode()
        assert entry.title in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_review_page_per_role(client_as, role, edition, recommended):
    entry = recommended()
    response = client_as(role).get(reverse("screening:review_entry", args=[edition.slug, entry.pk]))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in ALLOWED:
        assert response.status_code == 200
        body = response.content.decode()
        assert "受理进入复赛" in body and "不符合参赛条件" in body and "限期补正" in body
        assert reverse("entries:view", args=[entry.pk]) in body
        # The rules to choose from are stored as codes and shown in the notice's words.
        assert '<option value="R4.3">不列入竞赛范围的情形第（三）项：' in body
        assert '<option value="R1">竞赛范围：' in body and ">R1" not in body
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_accept_per_role(client_as, role, edition, recommended):
    entry = recommended()
    response = client_as(role).post(reverse("screening:review_decide", args=[edition.slug, entry.pk, "accept"]))
    entry.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 302
        assert entry.status == "in_review"
    else:
        assert response.status_code in (302, 403)
        assert entry.status == "recommended"
        if role != "anonymous":
            assert response.status_code == 403


# --- Decisions --------------------------------------------------------------------------------

def test_accept_writes_history_audit_and_notifications(client, committee, declarer, recommender, edition,
                                                       recommended):
    entry = recommended()
    client.force_login(committee)
    response = client.post(reverse("screening:review_decide", args=[edition.slug, entry.pk, "accept"]), follow=True)
    assert "该作品已受理进入复赛" in response.content.decode() or "复赛" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "in_review"
    step = EntryTransition.objects.get(entry=entry, action="accept")
    assert (step.from_status, step.to_status, step.actor) == ("recommended", "in_review", committee)
    assert AuditLog.objects.filter(action="entry.accept", object_id=str(entry.pk)).exists()
    assert set(Notification.objects.filter(event="entry.accept").values_list("user", flat=True)) >= {
        declarer.pk, recommender.pk}


def test_ineligible_with_rule_and_reason(client, committee, declarer, edition, recommended):
    entry = recommended()
    client.force_login(committee)
    url = reverse("screening:review_decide", args=[edition.slug, entry.pk, "ineligible"])
    response = client.post(url, {"ineligible-rule": "R4.3", "ineligible-reason": "属于已获奖项目"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "ineligible"
    step = EntryTransition.objects.get(entry=entry, action="declare_ineligible")
    assert step.reason == "属于已获奖项目" and step.data["rule"] == "R4.3" and step.data["rule_text"]
    assert AuditLog.objects.filter(action="entry.declare_ineligible", object_id=str(entry.pk)).exists()
    body = Notification.objects.get(event="entry.declare_ineligible", user=declarer).body
    # The stored rule is a code; the unit reads the notice's words (issue 9, item 10).
    assert f"不列入竞赛范围的情形第（三）项：{step.data['rule_text']}" in body and "R4" not in body


def test_ineligible_without_reason_keeps_input(client, committee, edition, recommended):
    entry = recommended()
    client.force_login(committee)
    url = reverse("screening:review_decide", args=[edition.slug, entry.pk, "ineligible"])
    response = client.post(url, {"ineligible-rule": "R2", "ineligible-reason": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "这个字段是必填项" in body  # beside the reason field
    assert 'value="R2" selected' in body
    entry.refresh_from_db()
    assert entry.status == "recommended"


def test_correction_with_date(client, committee, recommender, edition, recommended):
    entry = recommended()
    client.force_login(committee)
    due = timezone.localdate() + dt.timedelta(days=7)
    url = reverse("screening:review_decide", args=[edition.slug, entry.pk, "correction"])
    response = client.post(url, {"correction-reason": "补充盖章申报表", "correction-due_date": due.isoformat()})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "submitted" and entry.recommendation_rank is None
    step = EntryTransition.objects.get(entry=entry, action="request_correction")
    assert step.data["due_date"] == due.isoformat() and step.reason == "补充盖章申报表"
    assert Notification.objects.filter(event="entry.request_correction", user=recommender).exists()


def test_correction_date_in_the_past_is_refused_beside_the_field(client, committee, edition, recommended):
    entry = recommended()
    client.force_login(committee)
    url = reverse("screening:review_decide", args=[edition.slug, entry.pk, "correction"])
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"correction-reason": "补充材料", "correction-due_date": past})
    assert response.status_code == 400
    body = response.content.decode()
    assert "补正日期不能早于今天" in body or "补正" in body
    assert "补充材料" in body  # nothing typed is lost
    entry.refresh_from_db()
    assert entry.status == "recommended"


def test_double_submission_is_friendly(client, committee, edition, recommended):
    entry = recommended()
    client.force_login(committee)
    url = reverse("screening:review_decide", args=[edition.slug, entry.pk, "accept"])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "已作出决定" in response.content.decode()
    assert EntryTransition.objects.filter(entry=entry, action="accept").count() == 1


def test_decision_on_entry_of_another_edition_is_404(client, committee, edition, recommended):
    entry = recommended()
    other = factories.EditionFactory()
    client.force_login(committee)
    response = client.post(reverse("screening:review_decide", args=[other.slug, entry.pk, "accept"]))
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == "recommended"


# --- The checklist ----------------------------------------------------------------------------

def test_complete_entry_passes_every_item(edition, recommended):
    entry = recommended()
    assert _checks(entry, edition) == dict.fromkeys(
        ["complete", "exclusions", "r2_date", "stamped_form", "commitment", "attachments"], True)


def test_missing_stamped_scan_fails(edition, recommended):
    entry = recommended(stamped=False)
    assert _checks(entry, edition)["stamped_form"] is False


def test_missing_commitment_fails(edition, recommended):
    entry = recommended(commitment=False)
    assert _checks(entry, edition)["commitment"] is False


def test_exclusion_applying_fails(edition, recommended):
    entry = recommended()
    ExclusionAnswer.objects.filter(entry=entry, exclusion__number=2).update(applies=True)
    result = _checks(entry, edition)
    assert result["exclusions"] is False and result["complete"] is False


def test_date_outside_window_fails(edition, recommended):
    entry = recommended(completed_on=edition.window_start - dt.timedelta(days=1))
    assert _checks(entry, edition)["r2_date"] is False


def test_incomplete_field_fails(edition, recommended):
    entry = recommended(union_opinion_by="")
    result = _checks(entry, edition)
    assert result["complete"] is False and result["exclusions"] is True


def test_unchecked_ppt_fails(edition, recommended):
    from django.core.files.base import ContentFile

    entry = recommended()
    Attachment.objects.create(entry=entry, kind=AttachmentKind.PPT, original_name="路演.pptx", size=3,
                              file=ContentFile(b"abc", name="p.pptx"), details={})
    assert _checks(entry, edition)["attachments"] is False
    Attachment.objects.filter(entry=entry, kind=AttachmentKind.PPT).update(details={"slides": 12})
    assert _checks(entry, edition)["attachments"] is True


# --- Filters and the queue --------------------------------------------------------------------

def _titles(response):
    return [e.title for e in response.context["entries"]]


def test_filters(client, committee, edition, recommended, recommending_unit):
    plain = recommended(title="甲作品")
    unstamped = recommended(title="乙作品", stamped=False)
    flagged = recommended(title="丙作品", category=edition.categories.last())
    Flag.objects.create(edition=edition, entry=flagged, other=plain, kind=FlagKind.SIMILAR_TITLE, score=0.8,
                        details={"title": plain.title})
    not_handed = factories.EntryFactory(edition=edition, status="recommended", title="丁作品")  # unit's batch open
    client.force_login(committee)
    url = reverse("screening:review", args=[edition.slug])
    assert sorted(_titles(client.get(url))) == sorted([plain.title, unstamped.title, flagged.title])
    assert not_handed.title not in _titles(client.get(url))
    assert _titles(client.get(url, {"failing": "stamped_form"})) == [unstamped.title]
    assert _titles(client.get(url, {"failing": "any"})) == [unstamped.title]
    assert _titles(client.get(url, {"flag": "similar_title"})) == [flagged.title]
    assert _titles(client.get(url, {"category": edition.categories.last().pk})) == [flagged.title]
    assert _titles(client.get(url, {"unit": recommending_unit.pk})) != []
    client.post(reverse("screening:review_decide", args=[edition.slug, plain.pk, "accept"]))
    assert _titles(client.get(url, {"status": "in_review"})) == [plain.title]
    body = client.get(url).content.decode()
    assert "名称相同或相近" in body or "similar_title" in body


def test_queue_lists_batches(client, committee, edition, recommended, recommending_unit):
    recommended()
    recommended()
    client.force_login(committee)
    response = client.get(reverse("screening:review", args=[edition.slug]))
    batches = response.context["batches"]
    assert [(b.unit_id, b.n) for b in batches] == [(recommending_unit.pk, 2)]
    assert recommending_unit.name in response.content.decode()


def test_queue_query_count_does_not_grow(client, committee, edition, recommended):
    for _ in range(5):
        recommended()
    client.force_login(committee)
    url = reverse("screening:review", args=[edition.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(35):
        recommended()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["entries"]) == 40
    assert len(few) == len(many)
