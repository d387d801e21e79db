"""The announcement's pages (issue 12 items 2 and 3): the office's settings, calendar, period preview, publication
and confirmation; the public page (no login) with title, unit, tier, period and how to object, never an objector's
identity, then the results; who may open what."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.awards.helpers import award_world
from wuxiao.awards import services_announce as services
from wuxiao.awards.models import CalendarDay, ListStatus, ObjectionOutcome, ObjectorKind
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import EntryTransition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are matched in English (the msgids), whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_office_sets_marks_publishes_and_confirms(client):
    world = award_world(finalists=12, status=ListStatus.DRAFT)
    slug = world.edition.slug
    client.force_login(world.office)
    page = reverse("awards:announcement", args=[slug])
    assert "data-preview" in client.get(page).content.decode()
    bad = client.post(reverse("awards:announcement_settings", args=[slug]),
                      {"announcement_working_days": 0, "objection_contact": ""})
    assert bad.status_code == 400 and "announcement_working_days" in bad.context["settings_form"].errors
    saved = client.post(reverse("awards:announcement_settings", args=[slug]),
                        {"announcement_working_days": 7, "objection_contact": "郑州市总工会劳动和经济工作部 0371-67885139"})
    assert saved.status_code == 302
    weekday = client.post(reverse("awards:calendar_mark", args=[slug]), {"date": "2025-10-10", "kind": "workday"})
    assert weekday.status_code == 400 and "kind" in weekday.context["day_form"].errors
    client.post(reverse("awards:calendar_mark", args=[slug]), {"date": "2025-10-01", "kind": "holiday", "note": "国庆"})
    assert list(CalendarDay.objects.values_list("note", flat=True)) == ["国庆"]
    client.post(reverse("awards:calendar_unmark", args=[slug]), {"date": "2025-10-01"})
    assert not CalendarDay.objects.exists()
    assert client.post(reverse("awards:announce", args=[slug])).status_code == 302
    world.award_list.refresh_from_db()
    assert world.award_list.status == ListStatus.ANNOUNCED and world.award_list.period_start > timezone.localdate()
    assert "(7 working days)" in client.get(page).content.decode()

    early = client.post(reverse("awards:confirm", args=[slug]), {"confirm": "on"})
    assert early.status_code == 400 and "lasts until" in early.content.decode()
    world.award_list.period_end = timezone.localdate() - dt.timedelta(days=1)
    world.award_list.save(update_fields=["period_end"])
    assert client.post(reverse("awards:confirm", args=[slug]), {"confirm": "on", "note": "确认"}).status_code == 302
    assert EntryTransition.objects.filter(entry__edition=world.edition).count() == 12
    world.finalists[0].refresh_from_db()
    assert world.finalists[0].status == EntryStatus.AWARDED


def test_public_page_during_the_announcement_and_after(client):
    world = award_world(finalists=12, status=ListStatus.ANNOUNCED)
    edition = world.edition
    services.update_announcement_settings(actor=world.office, edition=edition, working_days=5,
                                          objection_contact="异议受理：市总工会 0371-67885139")
    services.submit_objection(edition=edition, entry_id=world.finalists[0].pk, kind=ObjectorKind.PERSON,
                              person_name="赵异议", employer="郑州异议人单位", mobile="13912345678",
                              grounds="成果不实", evidence="现场照片")
    public = reverse("awards:public", args=[edition.slug])
    html = client.get(public).content.decode()
    first = world.finalists[0]
    for shown in (edition.title, first.title, first.declaring_unit.name, "特等奖", "三等奖",
                  world.award_list.period_end.strftime("%Y-%m-%d"), "0371-67885139",
                  f"?entry={first.pk}"):
        assert shown in html
    assert world.finalists[11].title not in html  # not awarded: not on the list
    for hidden in ("赵异议", "郑州异议人单位", "13912345678", "成果不实"):
        assert hidden not in html
    form = client.get(reverse("awards:object", args=[edition.slug]) + f"?entry={first.pk}")
    assert form.status_code == 200 and form.context["form"].initial == {"entry": first.pk}

    objection = world.award_list.objections.get()
    services.answer_objection(actor=world.office, objection=objection, finding="查无实据", answer="不成立",
                              outcome=ObjectionOutcome.REJECTED)
    world.award_list.period_end = timezone.localdate() - dt.timedelta(days=1)
    world.award_list.save(update_fields=["period_end"])
    services.confirm(actor=world.office, edition=edition)
    html = client.get(public).content.decode()
    assert 'data-state="confirmed"' in html and first.title in html and "赵异议" not in html


def test_not_published_yet(client):
    world = award_world(finalists=3, status=ListStatus.DRAFT)
    page = client.get(reverse("awards:public", args=[world.edition.slug]))
    assert page.status_code == 404 and 'data-state="unpublished"' in page.content.decode()
    assert client.get(reverse("awards:object", args=[world.edition.slug])).status_code == 404


@pytest.mark.parametrize("role", ["declarer", "recommender", "expert", "anonymous"])
def test_office_pages_closed_to_others(client_as, role):
    world = award_world(finalists=3, status=ListStatus.ANNOUNCED)
    client = client_as(role)
    slug = world.edition.slug
    for name in ("awards:announcement", "awards:objections"):
        response = client.get(reverse(name, args=[slug]))
        assert response.status_code == (302 if role == "anonymous" else 403)
    response = client.post(reverse("awards:confirm", args=[slug]), {"confirm": "on"})
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert client.get(reverse("awards:public", args=[slug])).status_code == 200
    world.award_list.refresh_from_db()
    assert world.award_list.status == ListStatus.ANNOUNCED
