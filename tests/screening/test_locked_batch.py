"""A locked batch looks locked (issue 9, item 9): once a recommending unit has handed its batch to the
committee (R26), its entries' pages show no action forms, only the lock and who can reopen it."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from wuxiao.entries.services import allowed_actions, transition_entry
from wuxiao.screening import services
from wuxiao.screening.models import Batch

from .screen_fixtures import _media, entry_of  # noqa: F401

pytestmark = pytest.mark.django_db

LOCK_TITLE = "已锁定：推荐批次已提交组委会"
WHO_REOPENS = "只有组委会办公室可以重新开放推荐批次（需说明理由）"


def _hand_over(entry, recommender) -> Batch:
    return Batch.objects.create(edition=entry.edition, unit=entry.recommending_unit,
                                submitted_at=timezone.now() - dt.timedelta(hours=2), submitted_by=recommender)


def _action_forms(html: str) -> list[str]:
    return re.findall(r'action="/screening/entries/\d+/([a-z-]+)/"', html)


@pytest.mark.parametrize("status", ["submitted", "recommended"])
def test_the_recommenders_entry_page_shows_the_lock_and_no_form(client, recommender, entry_of, status):
    entry = entry_of(status, recommendation_rank=1 if status == "recommended" else None)
    url = reverse("screening:entry", args=[entry.pk])
    client.force_login(recommender)
    assert _action_forms(client.get(url).content.decode())  # open: the unit's decisions are offered

    batch = _hand_over(entry, recommender)

    html = client.get(url).content.decode()
    assert _action_forms(html) == []
    assert LOCK_TITLE in html and WHO_REOPENS in html
    handed = timezone.localtime(batch.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert f"{entry.recommending_unit.name}已于 {handed}（{recommender.name}）将推荐批次提交组委会" in html
    # the unit's own batch page, where the lock is recorded
    assert reverse("screening:unit", args=[entry.edition.slug, entry.recommending_unit_id]) in html
    assert "在当前状态下不能对该作品作出初赛决定" not in html  # the lock says why, not a generic sentence


def test_the_entry_page_shows_the_lock_to_everyone_who_sees_the_entry(client, declarer, recommender, committee,
                                                                    entry_of):
    entry = entry_of("submitted", submitted_at=timezone.now())
    _hand_over(entry, recommender)
    batch_url = reverse("screening:unit", args=[entry.edition.slug, entry.recommending_unit_id])
    for user, link in ((declarer, False), (recommender, True), (committee, True)):
        client.force_login(user)
        html = client.get(reverse("entries:view", args=[entry.pk])).content.decode()
        assert LOCK_TITLE in html and WHO_REOPENS in html, user
        assert (batch_url in html) is link, user  # the declaring unit may not open the batch page
        assert 'class="withdraw-form"' not in html


def test_no_held_action_is_offered_while_locked(declarer, recommender, committee, entry_of):
    submitted = entry_of("submitted")
    recommended = entry_of("recommended", recommendation_rank=1)
    _hand_over(submitted, recommender)
    assert allowed_actions(submitted, recommender) == []
    assert allowed_actions(submitted, declarer) == []
    assert allowed_actions(recommended, recommender) == []
    # The committee's decisions go on: the batch is handed over for them.
    assert {t.action for t in allowed_actions(recommended, committee)} == {
        "accept", "declare_ineligible", "request_correction"}


def test_reopening_the_batch_brings_the_forms_back(client, recommender, committee, entry_of):
    entry = entry_of("submitted")
    batch = _hand_over(entry, recommender)
    services.reopen_batch(actor=committee, edition=entry.edition, unit=entry.recommending_unit,
                          reason="汇总表盖章不清", version=batch.version)
    client.force_login(recommender)
    html = client.get(reverse("screening:entry", args=[entry.pk])).content.decode()
    assert LOCK_TITLE not in html
    assert set(_action_forms(html)) == {"return", "recommend", "not-recommend"}


def test_a_correction_request_opens_its_entry_of_a_locked_batch(client, recommender, committee, entry_of):
    """The committee's own request to change the entry (限期补正) releases it: the unit's forms come back,
    with what is asked and by when."""
    entry = entry_of("recommended", recommendation_rank=1)
    _hand_over(entry, recommender)
    due = timezone.localdate() + dt.timedelta(days=5)
    transition_entry(entry=entry, action="request_correction", actor=committee, reason="请补充推广应用证明",
                     data={"due_date": due.isoformat()})
    client.force_login(recommender)
    html = client.get(reverse("screening:entry", args=[entry.pk])).content.decode()
    assert LOCK_TITLE not in html
    assert set(_action_forms(html)) == {"return", "recommend", "not-recommend"}
    assert "退回限期补正" in html and "请补充推广应用证明" in html and due.isoformat() in html
