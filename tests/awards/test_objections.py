"""Named objections (实名异议; issue 12 item 3): refused without the objector's identity, a unit's stamped letter,
grounds or evidence, or after the period (the service decides, not only the form), each with its message beside
the field and nothing stored; a received one gets a receipt number and is seen, with its files, by the office only."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from tests.awards.helpers import award_world
from wuxiao.awards import services_announce as services
from wuxiao.awards.models import ListStatus, Objection, ObjectorKind
from wuxiao.common.exceptions import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are matched in English (the msgids), whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}


@pytest.fixture
def world():
    return award_world(finalists=6, status=ListStatus.ANNOUNCED)


def _post(client, world, **data):
    return client.post(reverse("awards:object", args=[world.edition.slug]),
                       {"entry": world.finalists[1].pk, "grounds": "成果抄袭", "evidence": "对比材料", **data})


def _errors(response) -> dict:
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_a_person_without_name_or_mobile_is_refused_beside_the_fields(client, world):
    refused = _post(client, world, kind=ObjectorKind.PERSON, employer="郑州某厂", mobile="12345", grounds="")
    assert refused.status_code == 400
    errors = _errors(refused)
    assert set(errors) == {"person_name", "mobile", "grounds"}
    assert "anonymous" in errors["person_name"][0] and "13812345678" in errors["mobile"][0]
    assert 'id="id_person_name_error"' in refused.content.decode()
    assert not Objection.objects.exists()
    anonymous = _post(client, world)  # no kind at all
    assert anonymous.status_code == 400 and "kind" in _errors(anonymous) and not Objection.objects.exists()


def test_a_unit_without_its_stamped_letter_is_refused(client, world):
    refused = _post(client, world, kind=ObjectorKind.UNIT, unit_name="某某公司", contact_name="王五",
                    mobile="13812345678")
    assert refused.status_code == 400 and list(_errors(refused)) == ["letter"]
    fake = _post(client, world, kind=ObjectorKind.UNIT, unit_name="某某公司", contact_name="王五",
                 mobile="13812345678", letter=SimpleUploadedFile("letter.pdf", b"not a pdf"))
    assert list(_errors(fake)) == ["letter"] and not Objection.objects.exists()


def test_after_the_period_refused_by_the_service_and_the_page(client, world):
    lst = world.award_list
    lst.period_end = timezone.localdate() - dt.timedelta(days=1)
    lst.save(update_fields=["period_end"])
    with pytest.raises(Refused, match="no longer accepted"):
        services.submit_objection(edition=world.edition, entry_id=world.finalists[0].pk, kind=ObjectorKind.PERSON,
                                  person_name="李四", employer="某厂", mobile="13812345678", grounds="g", evidence="e")
    page = client.get(reverse("awards:object", args=[world.edition.slug]))
    assert "no longer accepted" in page.content.decode() and "<form" not in page.content.decode().split("<main")[-1]
    late = _post(client, world, kind=ObjectorKind.PERSON, person_name="李四", employer="某厂", mobile="13812345678")
    assert late.status_code == 400 and "no longer accepted" in late.content.decode()
    assert not Objection.objects.exists()


def test_a_unit_objection_is_stored_and_seen_by_the_office_only(client, world, declarer):
    received = _post(client, world, kind=ObjectorKind.UNIT, unit_name="郑州异议测试有限公司", contact_name="王五",
                     mobile="13812345678", person_name="不应保存",
                     letter=SimpleUploadedFile("盖章函.pdf", PDF, content_type="application/pdf"))
    assert received.status_code == 302
    objection = Objection.objects.get()
    assert (objection.kind, objection.unit_name, objection.person_name, objection.letter_name) == (
        ObjectorKind.UNIT, "郑州异议测试有限公司", "", "盖章函.pdf")
    thanks = client.get(received.url).content.decode()
    assert objection.number in thanks and "郑州异议测试有限公司" not in thanks and "13812345678" not in thanks

    detail = reverse("awards:objection", args=[world.edition.slug, objection.pk])
    letter = reverse("awards:objection_file", args=[world.edition.slug, objection.pk, "letter"])
    assert client.get(letter).status_code == 302  # anonymous: to the login page
    client.force_login(declarer)
    assert client.get(detail).status_code == 403 and client.get(letter).status_code == 403
    client.force_login(world.office)
    html = client.get(detail).content.decode()
    assert "郑州异议测试有限公司" in html and "13812345678" in html and "成果抄袭" in html
    assert b"".join(client.get(letter).streaming_content) == PDF
    listing = client.get(reverse("awards:objections", args=[world.edition.slug])).content.decode()
    assert objection.number in listing and "郑州异议测试有限公司" in listing

    missing = client.post(detail, {"finding": "", "answer": "不成立", "outcome": "rejected"})
    assert missing.status_code == 400 and "finding" in missing.context["form"].errors
    answered = client.post(detail, {"finding": "经查无抄袭", "answer": "异议不成立", "outcome": "rejected"})
    assert answered.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.finding, objection.answered_by) == ("answered", "经查无抄袭", world.office)
