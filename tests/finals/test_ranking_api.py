"""The final ranking in the REST API (R10; issue 11 item 12): compute, rows, move with a reason, approve; the
same predicate as the page."""

import pytest

from tests.finals.test_ranking_services import world  # noqa: F401
from wuxiao.finals.models import RankingStatus

pytestmark = pytest.mark.django_db


def test_ranking_through_the_api(world, client, committee):  # noqa: F811
    client.force_login(committee)
    base = f"/api/finals/{world.edition.slug}/ranking"
    assert client.get(base).status_code == 404
    computed = client.post(base + "/compute")
    assert computed.status_code == 200
    body = computed.json()
    assert [r["position"] for r in body["rows"]] == [1, 2, 3, 4, 5, 6]
    assert [r["tie"] for r in body["rows"]] == [True, True, False, True, True, False]
    assert body["rows"][0]["final"] == "170.00" and "inputs" not in body["parameters"]
    e = [x.pk for x in world.finalists]
    refused = client.post(base + "/move", {"entry": e[2], "position": 1, "reason": ""}, content_type="application/json")
    assert refused.status_code == 422
    moved = client.post(base + "/move", {"entry": e[2], "position": 1, "reason": "会议决定"},
                        content_type="application/json")
    assert moved.status_code == 200 and moved.json()["rows"][0]["entry_id"] == e[2]
    assert moved.json()["rows"][0]["change_reason"] == "会议决定"
    no_note = client.post(base + "/approve", {"note": ""}, content_type="application/json")
    assert no_note.status_code == 409 and no_note.json()["field"] == "note"
    approved = client.post(base + "/approve", {"note": "会议确认"}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == RankingStatus.APPROVED
    again = client.post(base + "/move", {"entry": e[0], "position": 2, "reason": "x"}, content_type="application/json")
    assert again.status_code == 409


@pytest.mark.parametrize("role", ["expert", "declarer", "recommender", "anonymous"])
def test_others_refused(world, client_as, role):  # noqa: F811
    client = client_as(role)
    response = client.post(f"/api/finals/{world.edition.slug}/ranking/compute")
    assert response.status_code == (401 if role == "anonymous" else 403)
