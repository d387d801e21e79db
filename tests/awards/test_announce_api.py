"""The announcement in the REST API (issue 12 items 2 and 3): settings, calendar, publication, objections and
their answers, confirmation, with the page's services and predicate (refusals 409 with the field); the public
list without login and without any objector's data."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.awards.helpers import award_world
from wuxiao.awards import services_announce as services
from wuxiao.awards.models import CalendarDay, ListStatus, ObjectorKind
from wuxiao.entries.models import EntryTransition

pytestmark = pytest.mark.django_db
J = "application/json"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_announcement_through_the_api(client):
    world = award_world(finalists=12, status=ListStatus.DRAFT)
    base = f"/api/awards/{world.edition.slug}"
    client.force_login(world.office)
    assert client.get(f"{base}/public").status_code == 404
    assert client.get(f"{base}/announcement/settings").json()["announcement_working_days"] == 5
    put = client.put(f"{base}/announcement/settings", {"announcement_working_days": 6, "objection_contact": "电话"},
                     content_type=J)
    assert put.status_code == 200 and put.json()["announcement_working_days"] == 6
    weekday = client.post(f"{base}/announcement/calendar", {"date": "2025-10-10", "kind": "workday"}, content_type=J)
    assert weekday.status_code == 409 and weekday.json()["field"] == "kind"
    marked = client.post(f"{base}/announcement/calendar", {"date": "2025-10-11", "kind": "workday"}, content_type=J)
    assert marked.status_code == 201 and client.get(f"{base}/announcement/calendar").json()[0]["date"] == "2025-10-11"
    assert client.delete(f"{base}/announcement/calendar/2025-10-11").status_code == 204
    assert not CalendarDay.objects.exists() and client.delete(f"{base}/announcement/calendar/2025-10-11").status_code == 409

    announced = client.post(f"{base}/announce")
    assert announced.status_code == 200 and announced.json()["working_days"] == 6
    assert client.post(f"{base}/announce").status_code == 409
    services.submit_objection(edition=world.edition, entry_id=world.finalists[2].pk, kind=ObjectorKind.PERSON,
                              person_name="钱异议", employer="某单位", mobile="13712345678", grounds="g", evidence="e")
    listed = client.get(f"{base}/objections").json()
    assert [(o["objector"], o["status"]) for o in listed] == [("钱异议", "open")]
    oid = listed[0]["id"]
    assert client.get(f"{base}/objections/{oid}").json()["mobile"] == "13712345678"
    bad = client.post(f"{base}/objections/{oid}/answer", {"finding": "f", "answer": "a", "outcome": "maybe"},
                      content_type=J)
    assert bad.status_code == 409 and bad.json()["field"] == "outcome"
    early = client.post(f"{base}/confirm", {"note": ""}, content_type=J)
    assert early.status_code == 409 and "公示期至" in early.json()["detail"]
    answered = client.post(f"{base}/objections/{oid}/answer", {"finding": "f", "answer": "a", "outcome": "rejected"},
                           content_type=J)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"

    public = client.get(f"{base}/public")
    body = public.json()
    assert body["status"] == "announced" and body["objection_contact"] == "电话" and len(body["rows"]) == 10
    assert "钱异议" not in public.content.decode() and "13712345678" not in public.content.decode()

    world.award_list.refresh_from_db()
    world.award_list.period_end = timezone.localdate() - dt.timedelta(days=1)
    world.award_list.save(update_fields=["period_end"])
    confirmed = client.post(f"{base}/confirm", {"note": "确认"}, content_type=J)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert EntryTransition.objects.filter(entry__edition=world.edition, action="award").count() == 10
    client.logout()
    assert client.get(f"{base}/public").json()["status"] == "confirmed"


@pytest.mark.parametrize("role", ["declarer", "recommender", "expert", "anonymous"])
def test_others_refused(client_as, role):
    world = award_world(finalists=3, status=ListStatus.DRAFT)
    client = client_as(role)
    base = f"/api/awards/{world.edition.slug}"
    expected = 401 if role == "anonymous" else 403
    assert client.get(f"{base}/announcement/settings").status_code == expected
    assert client.post(f"{base}/announce").status_code == expected
    assert client.get(f"{base}/objections").status_code == expected
    assert client.post(f"{base}/confirm", {"note": ""}, content_type=J).status_code == expected
    world.award_list.refresh_from_db()
    assert world.award_list.status == ListStatus.DRAFT
