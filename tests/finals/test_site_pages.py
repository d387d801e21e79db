"""Site-visit pages (R9; issue 11 item 9): the office's proposal with the border tie and the decision, the
schedule form with the phone checked beside its field, the day's route (and PDF), the expert's list and
phone page, the JSON endpoints the phone's outbox posts to, and who may open what."""

import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.finals.helpers import final_world
from tests.finals.test_site_services import items_for, jpeg_bytes, lock_roadshow, visit_of
from wuxiao.common.audit import AuditLog
from wuxiao.finals import services_site
from wuxiao.finals.models import SitePhoto, SiteScore, SiteVisit, VisitSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = final_world(finalists=6, judges=3)
    world.edition.site_visit_top_n = 3
    world.edition.save()
    lock_roadshow(world, [90, 85, 80, 80, 70, None])
    return world


def test_visits_page_flags_the_border_and_warns_of_missing_scores(world, client, committee,
                                                                   django_assert_max_num_queries):
    client.force_login(committee)
    url = reverse("finals:visits", args=[world.edition.slug])
    with django_assert_max_num_queries(20):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="site-border"') == 2  # the two entries tied at 80 points
    assert "site-warning" in html and world.finalists[5].title in html
    client.post(reverse("finals:visits_create", args=[world.edition.slug]))
    assert SiteVisit.objects.filter(source=VisitSource.PROPOSED).count() == 2

    # The office decides the border: the reason is required, shown beside its field.
    select = reverse("finals:visits_select", args=[world.edition.slug])
    refused = client.post(select, {"entry": world.finalists[3].pk, "reason": ""})
    assert refused.status_code == 400 and 'class="error"' in refused.content.decode()
    done = client.post(select, {"entry": world.finalists[3].pk, "reason": "并列，考察应用更广者"})
    assert done.status_code == 302
    visit = SiteVisit.objects.get(entry=world.finalists[3])
    assert visit.source == VisitSource.DECIDED and visit.selection_reason == "并列，考察应用更广者"

    # Constant queries whatever the number of visits.
    for entry in world.finalists[4:]:
        visit_of(world, entry, committee=committee)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_schedule_form_shows_a_bad_phone_beside_the_field_and_keeps_the_input(world, client, committee):
    client.force_login(committee)
    visit = SiteVisit.objects.create(edition=world.edition, entry=world.finalists[0])
    url = reverse("finals:visit_detail", args=[world.edition.slug, visit.pk])
    data = {"visit_date": "2025-11-20", "start_time": "09:30", "address": "郑州市中原区建设路 8 号",
            "contact_name": "王工", "contact_phone": "0371-6788", "experts": [world.experts[1].pk, world.experts[0].pk],
            "notes": "请带安全帽"}
    page = client.post(url, data)
    html = page.content.decode()
    assert page.status_code == 400
    assert 'id="contact-phone-error"' in html and "0371-67885139" in html  # the message, with an example
    assert "郑州市中原区建设路 8 号" in html and "请带安全帽" in html  # nothing typed is lost
    visit.refresh_from_db()
    assert visit.visit_date is None

    done = client.post(url, {**data, "contact_phone": "0371-67885139"})
    assert done.status_code == 302
    visit.refresh_from_db()
    assert (str(visit.visit_date), visit.contact_phone, visit.route_position) == ("2025-11-20", "0371-67885139", 1)
    assert {s.expert_id for s in visit.visit_experts.all()} == {world.experts[0].pk, world.experts[1].pk}
    assert AuditLog.objects.filter(action="finals.visit_schedule").count() == 1


def test_route_of_the_day_in_order_reordered_and_as_pdf(world, client, committee):
    client.force_login(committee)
    v1 = visit_of(world, world.finalists[0], committee=committee)
    v2 = visit_of(world, world.finalists[1], committee=committee)
    day = v1.visit_date.isoformat()
    url = reverse("finals:visit_route", args=[world.edition.slug]) + f"?date={day}"
    html = client.get(url).content.decode()
    assert html.index(f'id="stop-{v1.pk}"') < html.index(f'id="stop-{v2.pk}"')
    client.post(reverse("finals:visit_move", args=[world.edition.slug, v2.pk]), {"direction": "up"})
    html = client.get(url).content.decode()
    assert html.index(f'id="stop-{v2.pk}"') < html.index(f'id="stop-{v1.pk}"')
    pdf = client.get(reverse("finals:visit_route_pdf", args=[world.edition.slug]) + f"?date={day}")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("finals:visit_route", args=[world.edition.slug]) + "?date=2025-13-45").status_code == 200


def test_the_visiting_expert_sees_the_visit_and_scores_it_once(world, client, committee):
    visit = visit_of(world, world.finalists[0], experts=world.experts[:2], committee=committee)
    expert = world.experts[0]
    client.force_login(expert.user)
    mine = client.get(reverse("finals:my_visits")).content.decode()
    assert world.finalists[0].title in mine and reverse("finals:visit_score", args=[visit.pk]) in mine
    page = client.get(reverse("finals:visit_score", args=[visit.pk])).content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "multiple" in page
    assert world.site_criteria[0].guidance in page

    submit = reverse("finals:visit_score_submit", args=[visit.pk])
    key = str(uuid.uuid4())
    body = json.dumps({"items": items_for(world, [35, 25, 28]), "comment": "运行稳定", "idempotency_key": key})
    first = client.post(submit, body, content_type="application/json")
    again = client.post(submit, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["total"] == "88" and SiteScore.objects.filter(visit=visit).count() == 1
    other = json.dumps({"items": items_for(world, [1, 1, 1]), "idempotency_key": str(uuid.uuid4())})
    second = client.post(submit, other, content_type="application/json")
    assert second.status_code == 409 and second.json()["message"] == str(services_site.SECOND_SCORE)
    out = client.post(submit, json.dumps({"items": items_for(world, [99, 1, 1]), "idempotency_key": str(uuid.uuid4())}),
                      content_type="application/json")
    assert out.status_code == 409 and out.json()["field"] == f"points_{world.site_criteria[0].pk}"
    assert client.post(submit, "[1,", content_type="application/json").status_code == 400

    # Photos: a file that is not a picture is refused with a message; a JPEG is kept.
    photo = reverse("finals:visit_photo_submit", args=[visit.pk])
    bad = client.post(photo, {"photo": _file("现场.jpg", b"GIF89a not a jpeg"), "idempotency_key": str(uuid.uuid4())})
    assert bad.status_code == 409 and bad.json()["field"] == "photo" and bad.json()["message"]
    good = client.post(photo, {"photo": _file("IMG_1.jpg", jpeg_bytes()), "idempotency_key": str(uuid.uuid4())})
    assert good.status_code == 201, good.json()
    assert SitePhoto.objects.filter(visit=visit).count() == 1
    assert client.get(good.json()["url"]).status_code == 200

    # The office locks: the phone's state says so.
    client.force_login(committee)
    client.post(reverse("finals:visit_lock", args=[world.edition.slug, visit.pk]), {"reason": "第二位专家未到场"})
    visit.refresh_from_db()
    assert visit.result is not None and visit.lock_reason == "第二位专家未到场"
    office = client.get(reverse("finals:visit_detail", args=[world.edition.slug, visit.pk])).content.decode()
    assert "运行稳定" in office and reverse("finals:visit_photo", args=[good.json()["id"]]) in office
    client.force_login(expert.user)
    assert client.get(reverse("finals:visit_score_state", args=[visit.pk])).json()["locked"] is True
    late = client.post(photo, {"photo": _file("IMG_2.jpg", jpeg_bytes()), "idempotency_key": str(uuid.uuid4())})
    assert late.status_code == 409


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


OFFICE_PAGES = ["visits", "visit_detail", "visit_route"]


@pytest.mark.parametrize("role, expected", [("committee", 200), ("expert", 403), ("declarer", 403),
                                            ("recommender", 403), ("anonymous", 302)])
def test_office_pages_for_every_role(world, client_as, role, expected, committee):
    visit = visit_of(world, world.finalists[0], committee=committee)
    client = client_as(role)
    for name in OFFICE_PAGES:
        args = [world.edition.slug, visit.pk] if name == "visit_detail" else [world.edition.slug]
        assert client.get(reverse(f"finals:{name}", args=args)).status_code == expected, name
    post = client.post(reverse("finals:visits_create", args=[world.edition.slug]))
    assert post.status_code == (302 if role in ("committee", "anonymous") else 403)
    if role != "committee":
        assert not SiteVisit.objects.filter(source=VisitSource.PROPOSED).exclude(pk=visit.pk).exists()


@pytest.mark.parametrize("role", ["committee", "expert", "declarer", "recommender", "anonymous"])
def test_phone_pages_only_for_the_visiting_experts(world, client_as, role, committee):
    visit = visit_of(world, world.finalists[0], committee=committee)  # the world's experts, not the fixture's
    client = client_as(role)
    score = client.get(reverse("finals:visit_score", args=[visit.pk]))
    submit = client.post(reverse("finals:visit_score_submit", args=[visit.pk]),
                         json.dumps({"items": items_for(world, [1, 1, 1]), "idempotency_key": str(uuid.uuid4())}),
                         content_type="application/json")
    expected = 302 if role == "anonymous" else 404
    assert (score.status_code, submit.status_code) == (expected, expected)
    assert not SiteScore.objects.exists()
    mine = client.get(reverse("finals:my_visits"))
    assert mine.status_code == {"expert": 200, "anonymous": 302}.get(role, 403)
    if role == "expert":
        assert world.finalists[0].title not in mine.content.decode()


def test_a_withdrawn_visit_is_gone_from_the_phone(world, client, committee):
    visit = visit_of(world, world.finalists[0], committee=committee)
    visit.cancelled_at, visit.cancel_reason = timezone.now(), "停产"
    visit.save()
    client.force_login(world.experts[0].user)
    assert client.get(reverse("finals:visit_score", args=[visit.pk])).status_code == 404
