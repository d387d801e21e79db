"""No entry is left without an outcome (issue 9, item 4).

A batch is handed over only when the unit has decided every entry submitted to it: the undecided
ones (submitted, returned) are listed, and the unit decides them one by one or marks them all
不予推荐 in the hand-over itself, with a reason; their declaring units are told. One transaction:
a refusal leaves every entry and the batch as they were.
"""

import pytest
from django.test import Client
from django.urls import reverse

from wuxiao.common import api_auth
from wuxiao.common.models import AuditLog
from wuxiao.entries.models import EntryTransition
from wuxiao.notifications.models import Notification
from wuxiao.screening import services
from wuxiao.screening.models import Batch, SummarySheet

from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender, pdf_upload  # noqa: F401

pytestmark = pytest.mark.django_db

LISTED = "本单位还有 2 项作品尚未作出决定："
REASON = "本单位名额有限，择优推荐其他作品。"


@pytest.fixture
def unit_with_undecided(recommender, edition, recommending_unit, entry_of):
    """One recommended entry and its stamped sheet uploaded; one entry submitted, one returned for revision."""
    recommended = entry_of("recommended", recommendation_rank=1, title="已推荐作品")
    submitted = entry_of("submitted", title="待审核作品")
    returned = entry_of("returned", title="退回修改作品")
    services.upload_summary_sheet(actor=recommender, edition=edition, unit=recommending_unit, upload=pdf_upload(),
                                  version=0)
    return {"recommended": recommended, "submitted": submitted, "returned": returned}


def _url(name, edition, unit):
    return reverse(f"screening:{name}", args=[edition.slug, unit.pk])


def _statuses(entries):
    return {key: type(e).objects.get(pk=e.pk).status for key, e in entries.items()}


def assert_nothing_done(edition, unit, entries):
    assert _statuses(entries) == {"recommended": "recommended", "submitted": "submitted", "returned": "returned"}
    assert not Batch.objects.filter(edition=edition, unit=unit, submitted_at__isnull=False).exists()
    assert not EntryTransition.objects.filter(action="not_recommend").exists()
    assert not Notification.objects.filter(event="entry.not_recommend").exists()
    assert not AuditLog.objects.filter(action="screening.batch_submit").exists()
    assert not SummarySheet.objects.exists()


# --- The page --------------------------------------------------------------------------------

def test_the_page_lists_the_undecided_entries_beside_the_hand_over(client, recommender, edition, recommending_unit,
                                                                   unit_with_undecided):
    client.force_login(recommender)
    html = client.get(_url("unit", edition, recommending_unit)).content.decode()
    section = html[html.index('class="undecided"'):html.index("</form>", html.index('class="undecided"'))]
    assert "还有 2 项作品尚未作出决定。" in section
    for key in ("submitted", "returned"):
        entry = unit_with_undecided[key]
        assert f'data-entry="{entry.pk}"' in section and entry.title in section
        assert reverse("screening:entry", args=[entry.pk]) in section
    assert "已推荐作品" not in section
    assert 'name="not_recommend"' in section and 'name="reason"' in section
    ids = sorted([unit_with_undecided["submitted"].pk, unit_with_undecided["returned"].pk])
    assert f'name="undecided" value="{ids[0]},{ids[1]}"' in section


def test_a_unit_with_nothing_undecided_sees_the_button_alone(client, recommender, edition, recommending_unit,
                                                             entry_of):
    entry_of("recommended", recommendation_rank=1)
    client.force_login(recommender)
    html = client.get(_url("unit", edition, recommending_unit)).content.decode()
    assert 'class="undecided"' not in html and 'name="not_recommend"' not in html
    assert '<input type="hidden" name="undecided" id="id_undecided">' in html


def test_a_hand_over_with_undecided_entries_is_refused_listing_them(client, recommender, edition, recommending_unit,
                                                                    unit_with_undecided):
    client.force_login(recommender)
    response = client.post(_url("submit", edition, recommending_unit), {"version": "1", "undecided": ""})
    assert response.status_code == 409
    html = response.content.decode()
    beside = html[html.index('id="field-not_recommend"'):]
    beside = beside[:beside.index("</div>")]
    assert LISTED in beside
    assert "《待审核作品》（" in beside and "，已提交）" in beside and "《退回修改作品》（" in beside
    assert "或将其全部标为不予推荐并填写理由。" in beside
    assert "R2" not in beside  # no bare rule code
    assert_nothing_done(edition, recommending_unit, unit_with_undecided)
    # The form shown again lists the entries undecided now, so that ticking the box is enough.
    ids = sorted([unit_with_undecided["submitted"].pk, unit_with_undecided["returned"].pk])
    assert f'name="undecided" value="{ids[0]},{ids[1]}"' in html


def test_marking_them_not_recommended_needs_a_reason_beside_the_field(client, recommender, edition,
                                                                      recommending_unit, unit_with_undecided):
    client.force_login(recommender)
    ids = f'{unit_with_undecided["submitted"].pk},{unit_with_undecided["returned"].pk}'
    response = client.post(_url("submit", edition, recommending_unit),
                           {"version": "1", "undecided": ids, "not_recommend": "on", "reason": "  "})
    assert response.status_code == 409
    html = response.content.decode()
    beside = html[html.index('id="field-reason"'):]
    assert "请填写这些作品不予推荐的理由。" in beside[:beside.index("</div>")]
    assert "checked" in html[html.index('id="field-not_recommend"'):html.index('id="field-reason"')]
    assert_nothing_done(edition, recommending_unit, unit_with_undecided)


def test_the_rest_marked_not_recommended_in_the_hand_over(client, recommender, declarer, edition, recommending_unit,
                                                          unit_with_undecided):
    client.force_login(recommender)
    ids = f'{unit_with_undecided["submitted"].pk},{unit_with_undecided["returned"].pk}'
    response = client.post(_url("submit", edition, recommending_unit),
                           {"version": "1", "undecided": ids, "not_recommend": "on", "reason": REASON}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "本批次已提交组委会。" in html and "2 项作品已标为不予推荐，并已通知其申报单位。" in html
    assert _statuses(unit_with_undecided) == {"recommended": "recommended", "submitted": "not_recommended",
                                              "returned": "not_recommended"}
    # Each through the one transition function: its history, its audit row, its declaring unit told.
    for key, source in (("submitted", "submitted"), ("returned", "returned")):
        entry = unit_with_undecided[key]
        step = EntryTransition.objects.get(entry=entry, action="not_recommend")
        assert (step.from_status, step.to_status, step.actor, step.reason) == (
            source, "not_recommended", recommender, REASON)
        assert step.data == {"at_hand_over": True}
        assert AuditLog.objects.filter(action="entry.not_recommend", object_id=str(entry.pk)).exists()
        note = Notification.objects.get(event="entry.not_recommend", user=declarer, url__contains=f"/{entry.pk}/")
        assert REASON in note.body and entry.title in note.body
    batch = Batch.objects.get(edition=edition, unit=recommending_unit)
    assert batch.is_locked and batch.submitted_by == recommender
    log = AuditLog.objects.get(action="screening.batch_submit")
    assert sorted(log.data["not_recommended"]) == sorted(int(pk) for pk in ids.split(","))
    assert log.reason == REASON
    assert [r["entry"] for r in SummarySheet.objects.get().rows] == [unit_with_undecided["recommended"].pk]


def test_an_entry_submitted_after_the_page_was_shown_is_not_marked_unseen(client, recommender, edition,
                                                                          recommending_unit, unit_with_undecided,
                                                                          entry_of):
    client.force_login(recommender)
    ids = f'{unit_with_undecided["submitted"].pk},{unit_with_undecided["returned"].pk}'
    late = entry_of("submitted", title="刚提交的作品")
    response = client.post(_url("submit", edition, recommending_unit),
                           {"version": "1", "undecided": ids, "not_recommend": "on", "reason": REASON})
    assert response.status_code == 409
    html = response.content.decode()
    assert "本单位还有 1 项作品尚未作出决定：《刚提交的作品》" in html
    assert_nothing_done(edition, recommending_unit, unit_with_undecided)
    assert type(late).objects.get(pk=late.pk).status == "submitted"


def test_an_entry_decided_meanwhile_refuses_the_stale_list(client, recommender, edition, recommending_unit,
                                                           unit_with_undecided):
    client.force_login(recommender)
    ids = f'{unit_with_undecided["submitted"].pk},{unit_with_undecided["returned"].pk}'
    services.screen_entry(actor=recommender, entry=unit_with_undecided["submitted"], action="return",
                          reason="请补充材料")  # still undecided: it stays on the list
    services.screen_entry(actor=recommender, entry=unit_with_undecided["returned"], action="not_recommend",
                          reason="重复申报")  # decided by a colleague meanwhile
    response = client.post(_url("submit", edition, recommending_unit),
                           {"version": "3", "undecided": ids, "not_recommend": "on", "reason": REASON})
    assert response.status_code == 409
    assert "有的已在此期间作出决定或发生变化；请刷新页面，重新核对名单。" in response.content.decode()
    assert not Batch.objects.filter(submitted_at__isnull=False).exists()
    assert EntryTransition.objects.filter(action="not_recommend").count() == 1


def test_nothing_is_half_done_when_the_hand_over_is_refused_later(client, recommender, edition, recommending_unit,
                                                                  entry_of):
    """The entries are marked first, then the stamped sheet is found missing: all of it is rolled back."""
    entries = {"recommended": entry_of("recommended", recommendation_rank=1),
               "submitted": entry_of("submitted"), "returned": entry_of("returned")}
    client.force_login(recommender)
    ids = f'{entries["submitted"].pk},{entries["returned"].pk}'
    response = client.post(_url("submit", edition, recommending_unit),
                           {"version": "0", "undecided": ids, "not_recommend": "on", "reason": REASON})
    assert response.status_code == 409
    assert "请先上传盖章的申报汇总表" in response.content.decode()
    assert_nothing_done(edition, recommending_unit, entries)


def test_a_returned_entry_can_be_not_recommended_on_its_own_page(client, recommender, declarer, entry_of):
    entry = entry_of("returned")
    client.force_login(recommender)
    page = client.get(reverse("screening:entry", args=[entry.pk])).content.decode()
    assert reverse("screening:entry_action", args=[entry.pk, "not-recommend"]) in page
    response = client.post(reverse("screening:entry_action", args=[entry.pk, "not-recommend"]), {"reason": REASON})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "not_recommended"
    assert Notification.objects.filter(event="entry.not_recommend", user=declarer).exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_hand_over_with_not_recommending_per_role(client, actor_of, edition, recommending_unit,
                                                      unit_with_undecided, role):
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    ids = f'{unit_with_undecided["submitted"].pk},{unit_with_undecided["returned"].pk}'
    response = client.post(_url("submit", edition, recommending_unit),
                           {"version": "1", "undecided": ids, "not_recommend": "on", "reason": REASON})
    if role == "recommender":
        assert response.status_code == 302
        assert _statuses(unit_with_undecided)["returned"] == "not_recommended"
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        if role == "anonymous":
            assert "/login" in response["Location"]
        assert_nothing_done(edition, recommending_unit, unit_with_undecided)


# --- The API ---------------------------------------------------------------------------------

def _client(actor_of, role):
    user = actor_of(role)
    if not user.is_authenticated:
        return Client(), {}
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


def _submit(client, headers, edition, unit, payload):
    return client.post(f"/api/screening/{edition.slug}/units/{unit.pk}/batch/submit", payload,
                       content_type="application/json", headers=headers)


def test_the_api_lists_the_undecided_entries(actor_of, edition, recommending_unit, unit_with_undecided):
    client, headers = _client(actor_of, "recommender")
    body = client.get(f"/api/screening/{edition.slug}/units/{recommending_unit.pk}/batch", headers=headers).json()
    assert [(e["id"], e["status"], e["status_label"]) for e in body["undecided"]] == [
        (unit_with_undecided["submitted"].pk, "submitted", "已提交"),
        (unit_with_undecided["returned"].pk, "returned", "已退回修改")]


def test_the_api_refuses_a_hand_over_with_undecided_entries(actor_of, edition, recommending_unit,
                                                            unit_with_undecided):
    client, headers = _client(actor_of, "recommender")
    response = _submit(client, headers, edition, recommending_unit, {"version": 1})
    assert response.status_code == 409
    assert response.json()["field"] == "not_recommend"
    assert response.json()["detail"].startswith(LISTED)
    assert "《待审核作品》" in response.json()["detail"] and "《退回修改作品》" in response.json()["detail"]
    ids = [unit_with_undecided["submitted"].pk, unit_with_undecided["returned"].pk]
    response = _submit(client, headers, edition, recommending_unit, {"version": 1, "not_recommend": ids})
    assert response.status_code == 409
    assert response.json() == {"detail": "请填写这些作品不予推荐的理由。", "field": "reason"}
    response = _submit(client, headers, edition, recommending_unit,
                       {"version": 1, "not_recommend": ids[:1], "reason": REASON})
    assert response.status_code == 409 and "本单位还有 1 项作品尚未作出决定：《退回修改作品》" in response.json()["detail"]
    assert_nothing_done(edition, recommending_unit, unit_with_undecided)


def test_the_api_marks_the_rest_not_recommended_and_hands_over(actor_of, declarer, edition, recommending_unit,
                                                               unit_with_undecided):
    client, headers = _client(actor_of, "recommender")
    ids = [unit_with_undecided["submitted"].pk, unit_with_undecided["returned"].pk]
    response = _submit(client, headers, edition, recommending_unit,
                       {"version": 1, "not_recommend": ids, "reason": REASON})
    assert response.status_code == 200
    body = response.json()
    assert body["locked"] is True and body["undecided"] == []
    assert [row["entry_id"] for row in body["sheet"]] == [unit_with_undecided["recommended"].pk]
    assert _statuses(unit_with_undecided)["submitted"] == "not_recommended"
    assert Notification.objects.filter(event="entry.not_recommend", user=declarer).count() == 2


@pytest.mark.parametrize("role", ROLES)
def test_the_api_hand_over_per_role(actor_of, edition, recommending_unit, unit_with_undecided, role):
    client, headers = _client(actor_of, role)
    ids = [unit_with_undecided["submitted"].pk, unit_with_undecided["returned"].pk]
    response = _submit(client, headers, edition, recommending_unit,
                       {"version": 1, "not_recommend": ids, "reason": REASON})
    if role == "recommender":
        assert response.status_code == 200 and response.json()["locked"] is True
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert_nothing_done(edition, recommending_unit, unit_with_undecided)
