"""Withdraw: the declaring unit takes back a submitted entry no one has decided on yet, with a reason
(issue 9, item 1), in the page and the API; the recommending unit is told."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from wuxiao.accounts.models import Role
from wuxiao.common.models import AuditLog
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.entries.services import transition_entry
from wuxiao.notifications.models import Notification
from wuxiao.screening.models import Batch

from .. import factories
from .conftest import ROLES

pytestmark = pytest.mark.django_db

REASON = "发现第一完成人信息有误，撤回修改"
AFTER_DECISION = ("作品当前状态为“{status}”，已不能撤回：只有推荐单位尚未处理的已提交作品才能撤回。"
                  "如需修改，请联系推荐单位退回修改。")
DECIDED = {"recommended": "已推荐", "returned": "已退回修改", "not_recommended": "未获推荐", "in_review": "复赛评审中",
           "ineligible": "不符合参赛条件"}


def _submitted(entry_of):
    return entry_of("submitted", submitted_at=timezone.now())


def _login(client, actors, role):
    user = actors[role]
    if role != "anonymous":
        client.force_login(user)
    return user


def _withdraw_form(html: str) -> bool:
    return 'class="withdraw-form"' in html


# --- The page ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_each_role_withdrawing_through_the_page(client, actors, entry_of, role, recommender):
    entry = _submitted(entry_of)
    _login(client, actors, role)

    response = client.post(reverse("entries:withdraw", args=[entry.pk]), {"reason": REASON})

    entry.refresh_from_db()
    if role != "declarer":
        assert response.status_code == (302 if role == "anonymous" else 403)
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]
        assert entry.status == "submitted" and not entry.transitions.exists()
        assert not Notification.objects.filter(event="entry.withdraw").exists()
        return
    assert response.status_code == 302 and response["Location"] == reverse("entries:edit", args=[entry.pk])
    assert entry.status == "draft" and entry.is_editable
    step = EntryTransition.objects.get(entry=entry)
    assert (step.action, step.from_status, step.to_status, step.actor, step.reason) == (
        "withdraw", "submitted", "draft", actors["declarer"], REASON)
    assert AuditLog.objects.filter(action="entry.withdraw", object_id=str(entry.pk), actor=actors["declarer"],
                                   reason=REASON).exists()
    # The table's audience: the recommending unit hears of it, with the reason; the declaring unit is not told.
    [note] = Notification.objects.filter(event="entry.withdraw")
    assert note.user == recommender
    assert entry.title in note.title and REASON in note.body
    page = client.get(response["Location"]).content.decode()
    assert "作品已撤回，恢复为草稿" in page


def test_the_page_offers_withdraw_to_the_declaring_unit_only(client, actors, entry_of):
    entry = _submitted(entry_of)
    url = reverse("entries:view", args=[entry.pk])
    for role in ("recommender", "committee", "site_admin"):
        client.force_login(actors[role])
        html = client.get(url).content.decode()
        assert not _withdraw_form(html) and "撤回作品" not in html, role
    client.force_login(actors["declarer"])
    html = client.get(url).content.decode()
    assert _withdraw_form(html)
    assert "撤回作品" in html and "确认撤回作品" in html and "撤回理由" in html
    assert reverse("entries:withdraw", args=[entry.pk]) in html
    assert "在推荐单位处理之前，您可以撤回作品进行修改" in html


@pytest.mark.parametrize("status", ["draft", *DECIDED])
def test_no_withdraw_form_once_decided_or_before_submission(client, declarer, entry_of, status):
    entry = entry_of(status, submitted_at=timezone.now())
    client.force_login(declarer)
    html = client.get(reverse("entries:view", args=[entry.pk])).content.decode()
    assert not _withdraw_form(html)


def test_a_reason_is_required_and_shown_beside_the_field(client, declarer, entry_of):
    entry = _submitted(entry_of)
    client.force_login(declarer)

    response = client.post(reverse("entries:withdraw", args=[entry.pk]), {"reason": "   "})

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="field-reason">.*?请填写撤回作品的理由。', html, re.S)
    assert "<details class=\"withdraw-box\" open" in html  # the form stays open, with its message
    entry.refresh_from_db()
    assert entry.status == "submitted" and not entry.transitions.exists()


@pytest.mark.parametrize("status", list(DECIDED))
def test_withdraw_after_a_decision_is_refused_in_chinese(client, declarer, entry_of, status):
    """The page was opened while the entry was submitted; meanwhile the recommending unit decided."""
    entry = entry_of(status, submitted_at=timezone.now())
    client.force_login(declarer)

    response = client.post(reverse("entries:withdraw", args=[entry.pk]), {"reason": REASON})

    html = response.content.decode()
    assert response.status_code == 409
    assert AFTER_DECISION.format(status=DECIDED[status]) in html
    assert REASON in html  # what was typed is kept
    entry.refresh_from_db()
    assert entry.status == status and not entry.transitions.exists()


def test_withdraw_after_the_recommendation_of_an_open_page(client, declarer, recommender, entry_of):
    entry = _submitted(entry_of)
    client.force_login(declarer)
    assert _withdraw_form(client.get(reverse("entries:view", args=[entry.pk])).content.decode())
    transition_entry(entry=entry, action="recommend", actor=recommender, data={"opinion": "同意推荐"})

    response = client.post(reverse("entries:withdraw", args=[entry.pk]), {"reason": REASON})

    assert response.status_code == 409
    assert AFTER_DECISION.format(status="已推荐") in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).status == "recommended"


def test_an_entry_sent_back_for_correction_is_not_withdrawn(client, declarer, committee, entry_of):
    entry = entry_of("recommended", submitted_at=timezone.now(), recommendation_rank=1)
    due = timezone.localdate() + dt.timedelta(days=5)
    transition_entry(entry=entry, action="request_correction", actor=committee, reason="补充证明",
                     data={"due_date": due.isoformat()})
    assert entry.status == "submitted"
    client.force_login(declarer)

    # The page says why and what is asked, instead of offering the form.
    html = client.get(reverse("entries:view", args=[entry.pk])).content.decode()
    assert not _withdraw_form(html)
    assert "退回限期补正" in html and "补充证明" in html and due.isoformat() in html
    response = client.post(reverse("entries:withdraw", args=[entry.pk]), {"reason": REASON})

    assert response.status_code == 409
    assert f"组委会办公室已将此作品退回限期补正（{due.isoformat()} 前）" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "submitted"


def test_an_entry_of_a_handed_over_batch_shows_the_lock_and_is_not_withdrawn(client, declarer, recommender,
                                                                           entry_of):
    entry = _submitted(entry_of)
    Batch.objects.create(edition=entry.edition, unit=entry.recommending_unit, submitted_at=timezone.now(),
                         submitted_by=recommender)
    client.force_login(declarer)

    html = client.get(reverse("entries:view", args=[entry.pk])).content.decode()
    assert not _withdraw_form(html)
    assert "已提交组委会" in html and "只有组委会办公室可以重新开放推荐批次" in html

    response = client.post(reverse("entries:withdraw", args=[entry.pk]), {"reason": REASON})
    assert response.status_code == 409
    assert "推荐单位已将推荐批次提交组委会，作品已不能撤回" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "submitted"


def test_after_the_declaration_deadline_the_form_warns_that_it_cannot_come_back(client, declarer, entry_of):
    entry = _submitted(entry_of)
    entry.edition.declaration_deadline = timezone.now() - dt.timedelta(hours=1)
    entry.edition.save()
    client.force_login(declarer)

    html = client.get(reverse("entries:view", args=[entry.pk])).content.decode()
    assert _withdraw_form(html) and "申报截止时间" in html and "撤回后将不能再次提交" in html

    response = client.post(reverse("entries:withdraw", args=[entry.pk]), {"reason": REASON}, follow=True)
    assert "申报截止时间已过，作品不能再次提交" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).status == "draft"


def test_another_units_declarer_cannot_withdraw(client, entry_of):
    entry = _submitted(entry_of)
    client.force_login(factories.user_with_role(Role.DECLARER))
    assert client.post(reverse("entries:withdraw", args=[entry.pk]), {"reason": REASON}).status_code == 403
    assert Entry.objects.get(pk=entry.pk).status == "submitted"


def test_withdraw_is_post_only(client, declarer, entry_of):
    client.force_login(declarer)
    assert client.get(reverse("entries:withdraw", args=[_submitted(entry_of).pk])).status_code == 405


# --- The API -----------------------------------------------------------------------------------

def _api(client, entry, body):
    return client.post(f"/api/entries/{entry.pk}/withdraw", body, content_type="application/json")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_withdrawing_through_the_api(client, actors, entry_of, role):
    entry = _submitted(entry_of)
    _login(client, actors, role)

    response = _api(client, entry, {"reason": REASON})

    entry.refresh_from_db()
    if role == "declarer":
        assert response.status_code == 200
        data = response.json()
        assert (data["id"], data["status"], data["is_editable"]) == (entry.pk, "draft", True)
        assert data["history"][-1]["action"] == "withdraw" and data["history"][-1]["reason"] == REASON
        assert entry.status == "draft"
        assert Notification.objects.filter(event="entry.withdraw", user__memberships__role=Role.RECOMMENDER).exists()
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert entry.status == "submitted" and not entry.transitions.exists()


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": None}])
def test_api_without_a_reason_is_422_beside_reason(client, declarer, entry_of, body):
    entry = _submitted(entry_of)
    client.force_login(declarer)

    response = _api(client, entry, body)

    assert response.status_code == 422
    data = response.json()
    assert data["field"] == "reason" and data["errors"] == {"reason": ["请填写撤回作品的理由。"]}
    assert Entry.objects.get(pk=entry.pk).status == "submitted"


def test_api_reason_too_long_is_422(client, declarer, entry_of):
    client.force_login(declarer)
    response = _api(client, _submitted(entry_of), {"reason": "理" * 2001})
    assert response.status_code == 422 and response.json()["field"] == "reason"


@pytest.mark.parametrize("status", list(DECIDED))
def test_api_withdraw_after_a_decision_is_409_in_chinese(client, declarer, entry_of, status):
    entry = entry_of(status, submitted_at=timezone.now())
    client.force_login(declarer)

    response = _api(client, entry, {"reason": REASON})

    assert response.status_code == 409
    assert response.json()["detail"] == AFTER_DECISION.format(status=DECIDED[status])
    assert Entry.objects.get(pk=entry.pk).status == status


def test_api_unknown_entry_is_404(client, declarer):
    client.force_login(declarer)
    response = client.post("/api/entries/999999/withdraw", {"reason": REASON}, content_type="application/json")
    assert response.status_code == 404
