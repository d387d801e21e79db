"""The office's pages of the prize tiers and of one award (R11, R12): allocate, change a tier (reason and a full
tier refused beside the field, allowed by decision), decide a tie, leave prizes vacant, revoke (a future date
refused beside the field) and record the return; who may open them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.awards.helpers import award_world
from wuxiao.awards.models import AwardRow, ListStatus, Objection
from wuxiao.entries.enums import EntryStatus

pytestmark = pytest.mark.django_db


def test_allocate_change_decide_and_leave_vacant(client):
    finals = [Decimal(x) for x in ("95", "94", "93", "93", "90")]
    world = award_world(finalists=5, finals=finals)
    slug = world.edition.slug
    client.force_login(world.office)
    page = reverse("awards:tiers", args=[slug])
    assert "/tiers/allocate" in client.get(page).content.decode()
    assert client.post(reverse("awards:tiers_allocate", args=[slug])).status_code == 302
    html = client.get(page).content.decode()
    assert html.count('class="ranking-tie"') == 2 and 'data-count="money">70000<' in html  # 20000+15000*2+10000*2
    e = [x.pk for x in world.finalists]
    first, second = world.tiers[0].pk, world.tiers[1].pk

    missing = client.post(reverse("awards:tiers_set", args=[slug]), {"entry": e[3], "tier": second, "reason": ""})
    assert missing.status_code == 400 and '<small class="error">' in missing.content.decode()
    full = client.post(reverse("awards:tiers_set", args=[slug]), {"entry": e[3], "tier": second, "reason": "同分"})
    assert full.status_code == 400 and "一等奖" in full.content.decode()
    decided = client.post(reverse("awards:tiers_set", args=[slug]),
                          {"entry": e[3], "tier": second, "reason": "同分，会议决定同授一等奖", "exceed": "on"})
    assert decided.status_code == 302
    assert AwardRow.objects.get(entry_id=e[3]).tier_id == second
    tie = client.post(reverse("awards:tiers_tie", args=[slug]), {"entry": e[2], "reason": "同分同授"})
    assert tie.status_code == 302 and not AwardRow.objects.get(entry_id=e[2]).tie
    html = client.get(page).content.decode()
    assert "同分，会议决定同授一等奖" in html and 'class="ranking-tie"' not in html

    vacancy = client.post(reverse("awards:tiers_vacancy", args=[slug]), {"tier": first, "vacant": 1, "reason": ""})
    assert vacancy.status_code == 400
    vacancy = client.post(reverse("awards:tiers_vacancy", args=[slug]),
                          {"tier": first, "vacant": 1, "reason": "无作品达到特等奖水平"})
    assert vacancy.status_code == 302 and AwardRow.objects.get(entry_id=e[0]).tier_id == second
    html = client.get(page).content.decode()
    assert html.count("无作品达到特等奖水平") == 2  # the vacancy decided, and in the history of changes


def test_the_objection_is_preselected_during_the_announcement(client):
    world = award_world(finalists=4, status=ListStatus.ANNOUNCED)
    objection = Objection.objects.create(award_list=world.award_list, entry=world.finalists[1], number="YY-007",
                                         kind="unit", unit_name="某公司", grounds="抄袭", evidence="专利")
    client.force_login(world.office)
    html = client.get(reverse("awards:tiers", args=[world.edition.slug]),
                      {"entry": world.finalists[1].pk, "objection": objection.pk}).content.decode()
    assert f'<option value="{objection.pk}" selected>' in html
    assert "/tiers/allocate" not in html and "/tiers/vacancy" not in html


def test_revoke_on_the_award_page(client):
    world = award_world(finalists=3, status=ListStatus.CONFIRMED)
    entry = world.finalists[0]
    slug = world.edition.slug
    client.force_login(world.office)
    page = reverse("awards:award", args=[slug, entry.pk])
    assert "/revoke" in client.get(page).content.decode()
    revoke = reverse("awards:award_revoke", args=[slug, entry.pk])
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    refused = client.post(revoke, {"reason": "造假", "decided_on": future})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert html.index('<small class="error">') > html.index('name="decided_on"')  # beside the date
    entry.refresh_from_db()
    assert entry.status == EntryStatus.AWARDED
    assert client.post(revoke, {"reason": "检测报告伪造", "decided_on": timezone.localdate().isoformat()}).status_code == 302
    html = client.get(page).content.decode()
    assert 'data-state="revoked"' in html and "检测报告伪造" in html and 'data-action="revoke"' in html
    returned = client.post(reverse("awards:award_money_return", args=[slug, entry.pk]),
                           {"returned_on": timezone.localdate().isoformat(), "amount_yuan": 20000, "note": ""})
    assert returned.status_code == 302 and AwardRow.objects.get(entry=entry).money_reclaimed_yuan == 20000


@pytest.mark.parametrize("role", ["declarer", "recommender", "expert", "anonymous"])
def test_others_may_not_open_the_pages(client_as, role):
    world = award_world(finalists=2, status=ListStatus.CONFIRMED)
    client = client_as(role)
    slug = world.edition.slug
    entry = world.finalists[0].pk
    expected = 302 if role == "anonymous" else 403
    assert client.get(reverse("awards:tiers", args=[slug])).status_code == expected
    assert client.get(reverse("awards:award", args=[slug, entry])).status_code == expected
    assert client.get(reverse("awards:money_sheet", args=[slug])).status_code == expected
    assert client.post(reverse("awards:tiers_allocate", args=[slug])).status_code == expected
    assert client.post(reverse("awards:award_revoke", args=[slug, entry]),
                       {"reason": "x", "decided_on": "2025-01-01"}).status_code == expected
    assert AwardRow.objects.get(entry_id=entry).revoked_at is None
