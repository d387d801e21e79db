"""Return → revise → resubmit → recommend: each round stays in the entry's history (issue 4, item 2)."""

import pytest
from django.urls import reverse

from wuxiao.entries.models import EntryTransition
from wuxiao.entries.services import transition_entry
from wuxiao.screening import services

from .screen_fixtures import _media, entry_of  # noqa: F401

pytestmark = pytest.mark.django_db


def test_two_rounds_of_revision_are_kept(client, declarer, recommender, entry_of):
    entry = entry_of("draft")
    transition_entry(entry=entry, action="submit", actor=declarer)
    services.screen_entry(actor=recommender, entry=entry, action="return", reason="请补充经济效益数据")
    assert entry.status == "returned" and entry.is_editable
    entry.benefits += "补充：年节约电费三万元。"
    entry.save()
    transition_entry(entry=entry, action="submit", actor=declarer)
    services.screen_entry(actor=recommender, entry=entry, action="return", reason="请补充推广应用证明")
    transition_entry(entry=entry, action="submit", actor=declarer)
    services.screen_entry(actor=recommender, entry=entry, action="recommend", data={"opinion": "同意推荐"})

    steps = list(EntryTransition.objects.filter(entry=entry).values_list("action", "to_status", "reason"))
    assert steps == [
        ("submit", "submitted", ""),
        ("return", "returned", "请补充经济效益数据"),
        ("submit", "submitted", ""),
        ("return", "returned", "请补充推广应用证明"),
        ("submit", "submitted", ""),
        ("recommend", "recommended", ""),
    ]
    client.force_login(recommender)
    html = client.get(reverse("screening:entry", args=[entry.pk])).content.decode()
    assert "请补充经济效益数据" in html and "请补充推广应用证明" in html and "同意推荐" in html
    client.force_login(declarer)
    html = client.get(reverse("entries:view", args=[entry.pk])).content.decode()
    assert "请补充经济效益数据" in html and "请补充推广应用证明" in html
