"""The prize tiers and revocation in the REST API (R11, R12): the same services as the pages; a refusal is 409
with its field; 403 for others, 404 for what is unknown."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.awards.helpers import award_world
from wuxiao.awards.models import ListStatus
from wuxiao.entries.enums import EntryStatus

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_tiers_through_the_api(client):
    world = award_world(finalists=4)
    client.force_login(world.office)
    base = f"/api/awards/{world.edition.slug}/tiers"
    assert client.get(base).status_code == 404
    allocated = post(client, base + "/allocate")
    assert allocated.status_code == 200
    body = allocated.json()
    assert [r["tier"] for r in body["rows"]] == ["特等奖", "一等奖", "一等奖", "二等奖"]
    assert body["totals"]["total_yuan"] == 20000 + 30000 + 10000 and body["totals"]["awarded"] == 4
    e = [x.pk for x in world.finalists]
    full = post(client, f"{base}/rows/{e[3]}", {"tier": "一等奖", "reason": "会议决定"})
    assert full.status_code == 409 and full.json()["field"] == "tier"
    unknown = post(client, f"{base}/rows/{e[3]}", {"tier": "金奖", "reason": "x"})
    assert unknown.status_code == 409 and unknown.json()["field"] == "tier"
    no_reason = post(client, f"{base}/rows/{e[3]}", {"tier": None, "reason": ""})
    assert no_reason.status_code == 409 and no_reason.json()["field"] == "reason"
    changed = post(client, f"{base}/rows/{e[3]}", {"tier": "一等奖", "reason": "会议决定", "exceed": True})
    assert changed.status_code == 200 and changed.json()["rows"][3]["tier"] == "一等奖"
    assert changed.json()["version"] == 2
    assert post(client, f"{base}/rows/999999", {"tier": None, "reason": "x"}).status_code == 404
    assert post(client, f"{base}/rows/{e[0]}/tie", {"reason": "x"}).status_code == 409  # not tied
    vacant = post(client, base + "/vacancies", {"tier": "特等奖", "vacant": 1, "reason": "空缺"})
    assert vacant.status_code == 200 and vacant.json()["totals"]["tiers"][0]["vacant"] == 1
    assert vacant.json()["rows"][0]["tier"] == "一等奖"


def test_revoke_and_money_return_through_the_api(client):
    world = award_world(finalists=2, status=ListStatus.CONFIRMED)
    client.force_login(world.office)
    entry = world.finalists[0]
    base = f"/api/awards/{world.edition.slug}/awards/{entry.pk}"
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    refused = post(client, base + "/revoke", {"reason": "造假", "decided_on": future})
    assert refused.status_code == 409 and refused.json()["field"] == "decided_on"
    assert post(client, base + "/revoke", {"reason": "", "decided_on": "2025-01-02"}).json()["field"] == "reason"
    revoked = post(client, base + "/revoke", {"reason": "造假", "decided_on": "2025-01-02"})
    assert revoked.status_code == 200 and revoked.json()["revoked"] and revoked.json()["revoked_on"] == "2025-01-02"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REVOKED
    returned = post(client, base + "/money-return", {"returned_on": "2025-02-01", "amount_yuan": 20000})
    assert returned.status_code == 200 and returned.json()["money_returned_yuan"] == 20000


@pytest.mark.parametrize("role", ["declarer", "recommender", "expert", "anonymous"])
def test_others_refused(client_as, role):
    world = award_world(finalists=2, status=ListStatus.CONFIRMED)
    client = client_as(role)
    slug = world.edition.slug
    expected = 401 if role == "anonymous" else 403
    assert client.get(f"/api/awards/{slug}/tiers").status_code == expected
    assert post(client, f"/api/awards/{slug}/tiers/allocate").status_code == expected
    response = post(client, f"/api/awards/{slug}/awards/{world.finalists[0].pk}/revoke",
                    {"reason": "x", "decided_on": "2025-01-02"})
    assert response.status_code == expected
