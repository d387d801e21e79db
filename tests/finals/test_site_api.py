"""Site visits in the REST API (R9; issue 11 item 12): proposal, create, decide with a reason, schedule (a bad
phone: 422 beside the field), the expert's score stored once by its key, photos, lock; the same predicates."""

import uuid

import pytest

from tests.finals.helpers import final_world
from tests.finals.test_site_services import items_for, jpeg_bytes, lock_roadshow
from wuxiao.finals.models import SitePhoto, SiteScore, SiteVisit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = final_world(finalists=4, judges=3)
    world.edition.site_visit_top_n = 2
    world.edition.save()
    lock_roadshow(world, [90, 80, 80, 70])
    return world


def test_visits_through_the_api(world, client, committee):
    client.force_login(committee)
    base = f"/api/finals/{world.edition.slug}/visits"
    proposal = client.get(base + "/proposal").json()
    assert [c["border"] for c in proposal["candidates"]] == [False, True, True, False]
    assert proposal["seats_at_border"] == 1
    created = client.post(base + "/create").json()
    assert [v["entry_id"] for v in created] == [world.finalists[0].pk]
    chosen = client.post(base + "/select", {"entry": world.finalists[2].pk, "reason": "并列，会议决定"},
                         content_type="application/json")
    assert chosen.status_code == 200 and chosen.json()["source"] == "decided"
    visit_id = chosen.json()["id"]
    schedule = {"visit_date": "2025-11-20", "start_time": "09:30", "address": "郑州", "contact_name": "王工",
                "contact_phone": "12345", "experts": [e.pk for e in world.experts]}
    bad = client.post(f"{base}/{visit_id}/schedule", schedule, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "contact_phone"
    assert "0371-67885139" in bad.json()["errors"]["contact_phone"][0]
    good = client.post(f"{base}/{visit_id}/schedule", {**schedule, "contact_phone": "13812345678"},
                       content_type="application/json")
    assert good.status_code == 200 and [x["seat"] for x in good.json()["experts"]] == [1, 2, 3]

    # The experts score through the API: once per key.
    expert = world.experts[0]
    client.force_login(expert.user)
    assert [v["id"] for v in client.get("/api/finals/site-visits/mine").json()] == [visit_id]
    key = str(uuid.uuid4())
    body = {"items": items_for(world, [35, 25, 28]), "comment": "好", "idempotency_key": key}
    first = client.post(f"/api/finals/site-visits/{visit_id}/score", body, content_type="application/json")
    again = client.post(f"/api/finals/site-visits/{visit_id}/score", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    second = client.post(f"/api/finals/site-visits/{visit_id}/score", {**body, "idempotency_key": str(uuid.uuid4())},
                         content_type="application/json")
    assert second.status_code == 409
    photo = client.post(f"/api/finals/site-visits/{visit_id}/photos",
                        {"photo": _file("a.jpg", jpeg_bytes()), "idempotency_key": key})
    assert photo.status_code == 201, photo.json()
    not_image = client.post(f"/api/finals/site-visits/{visit_id}/photos",
                            {"photo": _file("a.jpg", b"hello"), "idempotency_key": str(uuid.uuid4())})
    assert not_image.status_code == 409 and not_image.json()["field"] == "photo"
    assert SitePhoto.objects.count() == 1 and SiteScore.objects.count() == 1

    client.force_login(committee)
    locked = client.post(f"{base}/{visit_id}/lock", {"reason": ""}, content_type="application/json")
    assert locked.status_code == 409 and locked.json()["field"] == "reason"
    locked = client.post(f"{base}/{visit_id}/lock", {"reason": "两位专家未到"}, content_type="application/json")
    assert locked.status_code == 200 and locked.json()["result"] == "88.00"
    scores = client.get(f"{base}/{visit_id}/scores").json()
    assert len(scores["scores"]) == 1 and len(scores["photos"]) == 1


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("role", ["expert", "declarer", "recommender", "anonymous"])
def test_others_refused(world, client_as, role):
    visit = SiteVisit.objects.create(edition=world.edition, entry=world.finalists[0])
    client = client_as(role)
    office = client.post(f"/api/finals/{world.edition.slug}/visits/create")
    score = client.post(f"/api/finals/site-visits/{visit.pk}/score",
                        {"items": items_for(world, [1, 1, 1]), "idempotency_key": str(uuid.uuid4())},
                        content_type="application/json")
    if role == "anonymous":
        assert (office.status_code, score.status_code) == (401, 401)
    else:
        assert (office.status_code, score.status_code) == (403, 404)
    assert SiteVisit.objects.count() == 1 and not SiteScore.objects.exists()
