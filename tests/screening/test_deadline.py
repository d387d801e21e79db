"""The recommendation deadline (R6) closes a unit's batch; the committee office may extend it for one unit."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from wuxiao.accounts.models import Role
from wuxiao.common import api_auth
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.services import transition_entry
from wuxiao.notifications.models import Notification
from wuxiao.screening import services
from wuxiao.screening.models import Batch, DeadlineExtension

from .. import factories
from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender, pdf_upload  # noqa: F401

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
SCREEN_CLOSED = "推荐截止时间（通知附件1“六、工作要求”（三））{when} 已过，不能再退回、推荐或撤回推荐。"
BATCH_CLOSED = "推荐截止时间（通知附件1“六、工作要求”（三））{when} 已过，本批次已关闭，只有组委会办公室可以延长期限。"


def minute(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def shown(moment: dt.datetime) -> str:
    """A moment as the pages show it (DATETIME_FORMAT in Chinese)."""
    with translation.override("zh-hans"):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _url(name, edition, unit):
    return reverse(f"screening:{name}", args=[edition.slug, unit.pk])


def _later(days=3) -> dt.datetime:
    """A future moment to the minute, as the date-time picker sends it."""
    return (timezone.localtime() + dt.timedelta(days=days)).replace(second=0, microsecond=0)


@pytest.fixture
def closed(edition):
    """The edition's recommendation deadline passed an hour ago (its declaration deadline before it)."""
    edition.declaration_deadline = timezone.now() - 2 * HOUR
    edition.recommendation_deadline = (timezone.now() - HOUR).replace(second=0, microsecond=0)
    edition.save(update_fields=["declaration_deadline", "recommendation_deadline"])
    return edition


@pytest.fixture
def ready(closed, recommending_unit, recommender, entry_of):
    """One recommended entry and the stamped sheet, uploaded while the batch was open, then the deadline passed."""
    entry_of("recommended", recommendation_rank=1)
    DeadlineExtension.objects.create(edition=closed, unit=recommending_unit, until=timezone.now() + HOUR,
                                     reason="补传")  # open for a moment, to upload the sheet
    services.upload_summary_sheet(actor=recommender, edition=closed, unit=recommending_unit, upload=pdf_upload(),
                                  version=0)
    DeadlineExtension.objects.all().delete()
    return Batch.objects.get(edition=closed, unit=recommending_unit)


def extend(committee, edition, unit, days=3, reason="受疫情影响，材料盖章延误"):
    return services.grant_deadline_extension(actor=committee, edition=edition, unit=unit, until=_later(days),
                                             reason=reason)


# --- After the deadline the whole batch is closed --------------------------------------------

def test_after_the_deadline_the_sheet_cannot_be_uploaded(closed, recommending_unit, recommender):
    with pytest.raises(Refused) as refused:
        services.upload_summary_sheet(actor=recommender, edition=closed, unit=recommending_unit,
                                      upload=pdf_upload(), version=0)
    assert str(refused.value) == BATCH_CLOSED.format(when=minute(closed.recommendation_deadline))
    assert not Batch.objects.filter(edition=closed, unit=recommending_unit).exclude(stamped_sheet="").exists()
    assert not AuditLog.objects.filter(action="screening.sheet_upload").exists()


def test_after_the_deadline_the_batch_cannot_be_handed_over(ready, closed, recommending_unit, recommender):
    with pytest.raises(Refused) as refused:
        services.submit_batch(actor=recommender, edition=closed, unit=recommending_unit, version=ready.version)
    assert str(refused.value) == BATCH_CLOSED.format(when=minute(closed.recommendation_deadline))
    ready.refresh_from_db()
    assert not ready.is_locked and not AuditLog.objects.filter(action="screening.batch_submit").exists()


def test_after_the_deadline_the_pages_refuse_upload_and_hand_over(client, ready, closed, recommending_unit,
                                                                  recommender):
    client.force_login(recommender)
    message = BATCH_CLOSED.format(when=minute(closed.recommendation_deadline))
    upload = client.post(_url("sheet", closed, recommending_unit),
                         {"version": str(ready.version), "scan": pdf_upload("新汇总表.pdf")})
    assert upload.status_code == 409 and message in upload.content.decode()
    submit = client.post(_url("submit", closed, recommending_unit), {"version": str(ready.version)})
    assert submit.status_code == 409 and message in submit.content.decode()
    ready.refresh_from_db()
    assert ready.stamped_sheet_name == "汇总表.pdf" and not ready.is_locked


def test_after_the_deadline_ranks_cannot_be_reordered(ready, closed, recommending_unit, recommender):
    entry = services.recommended_entries(closed, recommending_unit).get()
    with pytest.raises(Refused) as refused:
        services.reorder_ranks(actor=recommender, edition=closed, unit=recommending_unit, ranks={entry.pk: 2},
                               version=ready.version)
    assert str(refused.value) == BATCH_CLOSED.format(when=minute(closed.recommendation_deadline))


# --- An extension for the unit opens it again ---------------------------------------------------

def test_an_extension_lets_the_unit_upload_and_hand_over(ready, closed, committee, recommending_unit, recommender):
    extension = extend(committee, closed, recommending_unit)
    assert services.recommendation_deadline_of(closed, recommending_unit) == extension.until
    services.upload_summary_sheet(actor=recommender, edition=closed, unit=recommending_unit,
                                  upload=pdf_upload("新汇总表.pdf"), version=ready.version)
    batch = services.submit_batch(actor=recommender, edition=closed, unit=recommending_unit,
                                  version=ready.version + 1)
    assert batch.is_locked and batch.stamped_sheet_name == "新汇总表.pdf" and batch.submitted_by == recommender


def test_an_extension_through_the_pages(client, ready, closed, committee, recommending_unit, recommender):
    extend(committee, closed, recommending_unit)
    client.force_login(recommender)
    upload = client.post(_url("sheet", closed, recommending_unit),
                         {"version": str(ready.version), "scan": pdf_upload("新汇总表.pdf")})
    assert upload.status_code == 302
    submit = client.post(_url("submit", closed, recommending_unit), {"version": str(ready.version + 1)})
    assert submit.status_code == 302
    assert Batch.objects.get(pk=ready.pk).is_locked


def test_another_units_extension_does_not_open_this_batch(ready, closed, committee, recommending_unit,
                                                          recommender):
    extend(committee, closed, factories.RecommendingUnitFactory())
    assert services.recommendation_deadline_of(closed, recommending_unit) == closed.recommendation_deadline
    with pytest.raises(Refused):
        services.submit_batch(actor=recommender, edition=closed, unit=recommending_unit, version=ready.version)
    with pytest.raises(Refused):
        services.upload_summary_sheet(actor=recommender, edition=closed, unit=recommending_unit,
                                      upload=pdf_upload(), version=ready.version)


def test_an_extension_of_another_edition_does_not_count(closed, committee, recommending_unit):
    other = factories.EditionFactory()
    extend(committee, other, recommending_unit, days=30)
    assert services.recommendation_deadline_of(closed, recommending_unit) == closed.recommendation_deadline


SCREEN_CASES = [
    ("return", "submitted", "请补充数据", {}, "returned"),
    ("recommend", "submitted", "", {"opinion": "同意推荐"}, "recommended"),
    ("unrecommend", "recommended", "调整名单", {}, "submitted"),
]


@pytest.mark.parametrize(("action", "status", "reason", "data", "target"), SCREEN_CASES)
def test_screening_after_the_deadline_needs_an_extension_of_the_own_unit(
        closed, committee, recommending_unit, recommender, entry_of, action, status, reason, data, target):
    entry = entry_of(status, recommendation_rank=1 if status == "recommended" else None)
    extend(committee, closed, factories.RecommendingUnitFactory())  # another unit's: no help
    with pytest.raises(Refused) as refused:
        services.screen_entry(actor=recommender, entry=entry, action=action, reason=reason, data=data)
    assert str(refused.value) == SCREEN_CLOSED.format(when=minute(closed.recommendation_deadline))
    entry.refresh_from_db()
    assert entry.status == status

    extend(committee, closed, recommending_unit)
    services.screen_entry(actor=recommender, entry=entry, action=action, reason=reason, data=data)
    entry.refresh_from_db()
    assert entry.status == target


def test_reordering_ranks_works_again_with_an_extension(ready, closed, committee, recommending_unit, recommender,
                                                        entry_of):
    extend(committee, closed, recommending_unit)
    second = entry_of("submitted")
    services.screen_entry(actor=recommender, entry=second, action="recommend", data={"opinion": "同意推荐"})
    first = services.recommended_entries(closed, recommending_unit).first()
    batch = services.batch_of(closed, recommending_unit)
    services.reorder_ranks(actor=recommender, edition=closed, unit=recommending_unit,
                           ranks={first.pk: 2, second.pk: 1}, version=batch.version)
    assert [e.pk for e in services.recommended_entries(closed, recommending_unit)] == [second.pk, first.pk]


def test_a_passed_extension_closes_the_batch_again(ready, closed, recommending_unit, recommender, entry_of):
    until = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=1)
    DeadlineExtension.objects.create(edition=closed, unit=recommending_unit, until=until, reason="已过期的延期")
    with pytest.raises(Refused) as refused:
        services.submit_batch(actor=recommender, edition=closed, unit=recommending_unit, version=ready.version)
    assert str(refused.value) == BATCH_CLOSED.format(when=minute(until))
    with pytest.raises(Refused) as refused:
        services.screen_entry(actor=recommender, entry=entry_of("submitted"), action="recommend",
                              data={"opinion": "同意推荐"})
    assert str(refused.value) == SCREEN_CLOSED.format(when=minute(until))


def test_the_latest_extension_decides(closed, committee, recommending_unit):
    extend(committee, closed, recommending_unit, days=10)
    second = extend(committee, closed, recommending_unit, days=4, reason="更正：延长至四天后")
    assert services.recommendation_deadline_of(closed, recommending_unit) == second.until
    assert services.deadline_extensions_by_unit(closed) == {recommending_unit.pk: second}


def test_a_correction_request_passes_after_the_deadline(closed, committee, recommending_unit, recommender,
                                                        declarer, entry_of):
    """限期补正: the committee's own request keeps the entry open until its date, without an extension."""
    entry = entry_of("recommended", recommendation_rank=1)
    due = timezone.localdate() + dt.timedelta(days=5)
    transition_entry(entry=entry, action="request_correction", actor=committee, reason="补充应用证明",
                     data={"due_date": due.isoformat()})
    services.screen_entry(actor=recommender, entry=entry, action="return", reason="请按组委会要求补充应用证明")
    assert entry.status == "returned"
    transition_entry(entry=entry, action="submit", actor=declarer)
    services.screen_entry(actor=recommender, entry=entry, action="recommend", data={"opinion": "补正后同意推荐"})
    entry.refresh_from_db()
    assert entry.status == "recommended"
    # answered: the unit's deadline applies again
    with pytest.raises(Refused) as refused:
        services.screen_entry(actor=recommender, entry=entry, action="unrecommend", reason="调整")
    assert str(refused.value) == SCREEN_CLOSED.format(when=minute(closed.recommendation_deadline))


def test_not_recommending_stays_possible_after_the_deadline(closed, recommender, entry_of):
    entry = entry_of("submitted")
    services.screen_entry(actor=recommender, entry=entry, action="not_recommend", reason="效益数据不足")
    assert entry.status == "not_recommended"


# --- Granting an extension ---------------------------------------------------------------------

def test_a_grant_is_recorded_audited_and_notified(closed, committee, recommending_unit, recommender,
                                                  other_recommender):
    until = _later(3)
    extension = services.grant_deadline_extension(actor=committee, edition=closed, unit=recommending_unit,
                                                  until=until, reason="  汇总表盖章延误  ")
    extension.refresh_from_db()
    assert (extension.unit, extension.until, extension.reason, extension.granted_by) == (
        recommending_unit, until, "汇总表盖章延误", committee)
    log = AuditLog.objects.get(action="screening.deadline_extension")
    assert log.actor == committee and log.reason == "汇总表盖章延误" and log.edition == closed
    assert log.data == {"unit": recommending_unit.pk, "until": until.isoformat(),
                        "previous": closed.recommendation_deadline.isoformat()}
    note = Notification.objects.get(event="unit.deadline_extension")
    assert note.user == recommender and note.url == _url("unit", closed, recommending_unit)
    assert note.title == f"{recommending_unit.name}的推荐截止时间已延长至 {minute(until)}"
    assert "汇总表盖章延误" in note.body and closed.title in note.body
    assert not Notification.objects.filter(user=other_recommender).exists()


@pytest.mark.parametrize(("case", "field", "message"), [
    ("no_reason", "reason", "请填写延长期限的理由。"),
    ("before_deadline", "until", "延长后的截止时间须晚于本届推荐截止时间 {deadline}。"),
    ("past", "until", "延长后的截止时间须晚于当前时间。"),
    ("declaring_unit", "unit", "只能为推荐单位延长推荐期限。"),
])
def test_grant_validation(closed, committee, recommending_unit, declaring_unit, case, field, message):
    unit, until, reason = recommending_unit, _later(3), "理由"
    if case == "no_reason":
        reason = "  "
    elif case == "before_deadline":
        until = closed.recommendation_deadline
    elif case == "past":  # after the edition's deadline, but already gone
        until = closed.recommendation_deadline + dt.timedelta(minutes=30)
    elif case == "declaring_unit":
        unit = declaring_unit
    with pytest.raises(Refused) as refused:
        services.grant_deadline_extension(actor=committee, edition=closed, unit=unit, until=until, reason=reason)
    assert refused.value.field == field
    assert str(refused.value) == message.format(deadline=minute(closed.recommendation_deadline))
    assert not DeadlineExtension.objects.exists() and not AuditLog.objects.filter(
        action="screening.deadline_extension").exists()


def _post_extension(client, edition, unit_pk, until, reason):
    return client.post(reverse("screening:deadline_extension", args=[edition.slug]),
                       {"deadline-unit": unit_pk, "deadline-until": until, "deadline-reason": reason})


@pytest.mark.parametrize("role", ROLES)
def test_only_the_committee_grants_an_extension(client, actor_of, closed, recommending_unit, role):
    user = actor_of(role)
    if user.is_authenticated:
        client.force_login(user)
    until = _later(3)
    page = client.get(reverse("screening:quota_exceptions", args=[closed.slug]))
    response = _post_extension(client, closed, recommending_unit.pk, until.strftime("%Y-%m-%dT%H:%M"), "材料盖章延误")
    if role in ("committee", "site_admin"):
        assert page.status_code == 200
        assert response.status_code == 302
        assert response["Location"] == reverse("screening:quota_exceptions", args=[closed.slug])
        extension = DeadlineExtension.objects.get()
        assert (extension.unit, extension.until, extension.reason, extension.granted_by) == (
            recommending_unit, until, "材料盖章延误", user)
        assert AuditLog.objects.get(action="screening.deadline_extension").actor == user
        html = client.get(response["Location"]).content.decode()
        assert f"已将{recommending_unit.name}的推荐截止时间延长至 {minute(until)}。" in html
    else:
        if role == "anonymous":
            assert page.status_code == 302 and response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        else:
            assert page.status_code == 403 and response.status_code == 403
        assert not DeadlineExtension.objects.exists()
        assert not AuditLog.objects.filter(action="screening.deadline_extension").exists()


def test_extension_form_is_post_only(client, committee, closed):
    client.force_login(committee)
    assert client.get(reverse("screening:deadline_extension", args=[closed.slug])).status_code == 405


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"until": "later", "reason": "理由甲"}, "until", "请按“2025-04-10 17:30”的格式填写日期和时间。"),
    ({"until": "", "reason": "理由甲"}, "until", "请填写延长后的截止时间。"),
    ({"until": "FUTURE", "reason": ""}, "reason", "请填写延长期限的理由。"),
    ({"until": "PAST", "reason": "理由甲"}, "until", "延长后的截止时间须晚于本届推荐截止时间"),
    ({"unit": "", "until": "FUTURE", "reason": "理由甲"}, "unit", "请选择推荐单位。"),
    ({"unit": "DECLARING", "until": "FUTURE", "reason": "理由甲"}, "unit", "选择一个有效的选项"),
])
def test_extension_form_errors_beside_the_field_and_input_kept(client, committee, closed, recommending_unit,
                                                               declaring_unit, data, field, message):
    future = _later(5).strftime("%Y-%m-%dT%H:%M")
    values = {"FUTURE": future, "PAST": "2020-01-01T08:00", "DECLARING": declaring_unit.pk}
    data = {"unit": recommending_unit.pk, **data}
    data = {k: values.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
    client.force_login(committee)
    response = _post_extension(client, closed, data["unit"], data["until"], data["reason"])
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="field-deadline-{field}"' in html and 'class="field field-error" id="field-deadline-' + field in html
    assert message in html
    if data["reason"]:
        assert data["reason"] + "</textarea>" in html  # what was typed is kept
    if data["until"] and data["until"] != "later":
        assert f'value="{data["until"]}"' in html
    assert "<h2>推荐名额调整</h2>" in html  # the quota section is still there, untouched
    assert not DeadlineExtension.objects.exists()


def test_the_page_shows_both_sections_and_the_grants(client, committee, closed, recommending_unit):
    services.grant_quota_exception(actor=committee, edition=closed, unit=recommending_unit, extra=2,
                                   reason="参赛企业多")
    extension = extend(committee, closed, recommending_unit, reason="汇总表盖章延误")
    client.force_login(committee)
    html = client.get(reverse("screening:quota_exceptions", args=[closed.slug])).content.decode()
    assert "<h1>推荐名额与期限调整</h1>" in html
    assert "<h2>推荐名额调整</h2>" in html and "<h2>推荐期限延长</h2>" in html
    assert 'id="field-extra"' in html and 'id="field-deadline-until"' in html
    assert 'type="datetime-local"' in html
    table = html[html.index('class="deadline-extensions responsive-table"'):]
    row = (f'<td class="wide" data-label="推荐单位">{recommending_unit.name}</td>'
           f'<td data-label="延长至">{shown(extension.until)}</td><td class="wide" data-label="理由">汇总表盖章延误</td>'
           f'<td class="nowrap" data-label="批准人">{committee.name}</td><td data-label="批准时间">{shown(extension.granted_at)}</td>')
    assert row in table
    assert "参赛企业多" in html[:html.index('class="deadline-extensions responsive-table"')]


def test_the_quota_form_still_works_beside_the_deadline_form(client, committee, closed, recommending_unit):
    client.force_login(committee)
    response = client.post(reverse("screening:quota_exceptions", args=[closed.slug]),
                           {"unit": recommending_unit.pk, "extra": "1", "reason": ""})
    html = response.content.decode()
    assert 'class="field field-error" id="field-reason"' in html and "请填写增加名额的理由。" in html
    assert 'id="field-deadline-reason"' in html and not DeadlineExtension.objects.exists()


# --- What the unit and the committee see ---------------------------------------------------------

def test_the_unit_page_says_the_batch_is_closed(client, ready, closed, recommending_unit, recommender):
    client.force_login(recommender)
    html = client.get(_url("unit", closed, recommending_unit)).content.decode()
    assert f"推荐截止时间（{shown(closed.recommendation_deadline)}）已过，本批次已关闭。" in html
    assert "只有组委会办公室可以延长推荐期限。" in html
    for name in ("ranks", "sheet", "submit"):  # no forms that would be refused
        assert f'action="{_url(name, closed, recommending_unit)}"' not in html
    assert reverse("screening:quota_exceptions", args=[closed.slug]) not in html  # the unit cannot extend


def test_the_unit_page_shows_the_extension(client, ready, closed, committee, recommending_unit, recommender):
    extension = extend(committee, closed, recommending_unit, reason="汇总表盖章延误")
    client.force_login(recommender)
    html = client.get(_url("unit", closed, recommending_unit)).content.decode()
    assert f"推荐截止时间：{shown(extension.until)}。" in html
    assert "本批次已关闭" not in html
    assert (f"组委会办公室已于 {shown(extension.granted_at)} 将本单位的推荐截止时间由 "
            f"{shown(closed.recommendation_deadline)} 延长至 {shown(extension.until)}，理由：汇总表盖章延误") in html
    for name in ("ranks", "sheet", "submit"):
        assert f'action="{_url(name, closed, recommending_unit)}"' in html


def test_the_committee_sees_a_link_to_extend(client, ready, closed, committee, recommending_unit):
    client.force_login(committee)
    html = client.get(_url("unit", closed, recommending_unit)).content.decode()
    assert reverse("screening:quota_exceptions", args=[closed.slug]) + "#deadline-extensions" in html


def test_the_committees_list_shows_each_units_deadline(client, closed, committee, recommending_unit):
    closed.is_current = True
    closed.save(update_fields=["is_current"])
    other = factories.RecommendingUnitFactory()
    extension = extend(committee, closed, recommending_unit)
    client.force_login(committee)
    html = client.get(reverse("screening:queue")).content.decode()
    assert "<th>推荐截止时间</th>" in html and "推荐名额与期限调整" in html
    row = html[html.index(f">{recommending_unit.name}</a>"):]
    row = row[:row.index("</tr>")]
    assert shown(extension.until) in row and "（已延期）" in row
    other_row = html[html.index(f">{other.name}</a>"):]
    other_row = other_row[:other_row.index("</tr>")]
    assert shown(closed.recommendation_deadline) in other_row and "（已延期）" not in other_row


def test_unit_page_query_count_with_an_extension(client, closed, committee, recommending_unit, recommender,
                                                 entry_of, django_assert_max_num_queries):
    extend(committee, closed, recommending_unit)
    for _ in range(10):
        entry_of("submitted")
    client.force_login(recommender)
    with django_assert_max_num_queries(25):
        assert client.get(_url("unit", closed, recommending_unit)).status_code == 200


# --- API ---------------------------------------------------------------------------------------

def test_the_api_batch_gives_the_units_deadline(closed, committee, recommending_unit, recommender):
    _, raw = api_auth.create_api_token(actor=recommender, name="test")
    url = f"/api/screening/{closed.slug}/units/{recommending_unit.pk}/batch"
    headers = {"Authorization": f"Bearer {raw}"}
    body = Client().get(url, headers=headers).json()
    assert body["deadline_extended"] is False
    assert dt.datetime.fromisoformat(body["recommendation_deadline"]) == closed.recommendation_deadline
    extension = extend(committee, closed, recommending_unit)
    body = Client().get(url, headers=headers).json()
    assert body["deadline_extended"] is True
    assert dt.datetime.fromisoformat(body["recommendation_deadline"]) == extension.until


def test_the_api_hand_over_is_refused_after_the_deadline(ready, closed, recommending_unit, recommender):
    _, raw = api_auth.create_api_token(actor=recommender, name="test")
    response = Client().post(f"/api/screening/{closed.slug}/units/{recommending_unit.pk}/batch/submit",
                             {"version": ready.version}, content_type="application/json",
                             headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 409
    assert response.json()["detail"] == BATCH_CLOSED.format(when=minute(closed.recommendation_deadline))


def test_inactive_staff_hear_nothing_of_the_extension(closed, committee, recommending_unit):
    """Only the unit's active recommending staff hear of the extension."""
    inactive = factories.user_with_role(Role.RECOMMENDER, recommending_unit)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    extend(committee, closed, recommending_unit)
    assert not Notification.objects.filter(user=inactive).exists()


def test_reopening_after_the_deadline_needs_an_extension_too(client, ready, closed, committee, recommending_unit,
                                                              recommender):
    """The committee reopens a batch handed over in time; after the deadline the unit also needs an extension."""
    DeadlineExtension.objects.create(edition=closed, unit=recommending_unit, until=timezone.now() + HOUR, reason="x")
    services.submit_batch(actor=recommender, edition=closed, unit=recommending_unit, version=ready.version)
    DeadlineExtension.objects.all().delete()
    client.force_login(committee)
    html = client.get(_url("unit", closed, recommending_unit)).content.decode()
    assert "该单位推荐截止时间已过：退回重开后，还须延长其推荐期限，否则该单位既不能修改推荐批次，也不能重新提交组委会。" in html
    batch = services.reopen_batch(actor=committee, edition=closed, unit=recommending_unit, reason="汇总表盖章不清晰",
                                  version=ready.version + 1)
    with pytest.raises(Refused):
        services.upload_summary_sheet(actor=recommender, edition=closed, unit=recommending_unit,
                                      upload=pdf_upload("清晰版.pdf"), version=batch.version)
    extend(committee, closed, recommending_unit, days=2, reason="重新上传清晰的汇总表")
    services.upload_summary_sheet(actor=recommender, edition=closed, unit=recommending_unit,
                                  upload=pdf_upload("清晰版.pdf"), version=batch.version)
    batch = services.submit_batch(actor=recommender, edition=closed, unit=recommending_unit,
                                  version=batch.version + 1)
    assert batch.is_locked and batch.stamped_sheet_name == "清晰版.pdf"
