"""/api/entries: list, read, create, edit, validate and submit, with the same rules as the pages (issue 3, item 15)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuxiao.accounts.models import Role
from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Attachment, Completer, CreditCommitment, Entry, EntryTransition
from wuxiao.entries.services import transition_entry

from .. import factories
from .conftest import ROLES

pytestmark = pytest.mark.django_db

NOT_AUTHENTICATED = "请先登录，或提供有效的 API 令牌（Authorization: Bearer <令牌>）。"
ENTRIES_FORBIDDEN = "只有组委会办公室、推荐单位和申报单位可以查看作品列表；您的账号不具有上述任何角色。"
ENTRY_FORBIDDEN = "您无权查看该作品。"
DRAFT_FORBIDDEN = "该作品仍是申报单位的草稿，提交后方可查看。"
DECLARE_FORBIDDEN = "只有该作品的申报单位可以修改或提交该作品。"
CREATE_FORBIDDEN = "只有申报单位的工作人员可以创建作品。"
NOT_EDITABLE = "作品已提交，不能再修改；如被退回修改，可再次编辑。"

ALL_ROLES = [*ROLES, "other_declarer"]


@pytest.fixture
def other_unit(other_recommender):
    return factories.DeclaringUnitFactory(name="外区机械有限公司", parent=other_recommender.memberships.get().organisation)


@pytest.fixture
def other_declarer(other_unit):
    return factories.user_with_role(Role.DECLARER, other_unit)


@pytest.fixture
def world(edition, declaring_unit, other_unit):
    edition.is_current = True
    edition.save()
    make = factories.EntryFactory
    now = timezone.now()
    return {
        "submitted": make(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.SUBMITTED,
                          title="数控车床快换刀具", submitted_at=now - dt.timedelta(hours=2)),
        "returned": make(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.RETURNED,
                         title="焊接烟尘收集装置", submitted_at=now - dt.timedelta(hours=5)),
        "draft": make(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.DRAFT, title="草稿作品"),
        "other": make(edition=edition, declaring_unit=other_unit, status=EntryStatus.RECOMMENDED,
                      title="外区节能改造", submitted_at=now - dt.timedelta(hours=1)),
    }


def titles(response) -> list[str]:
    return [e["title"] for e in response.json()["items"]]


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- GET /api/entries ------------------------------------------------------------------------

LISTED = {
    "anonymous": (401, None),
    "outsider": (403, None),
    "expert": (403, None),
    "declarer": (200, ["数控车床快换刀具", "焊接烟尘收集装置", "草稿作品"]),
    "other_declarer": (200, ["外区节能改造"]),
    "recommender": (200, ["数控车床快换刀具", "焊接烟尘收集装置"]),
    "other_recommender": (200, ["外区节能改造"]),
    "committee": (200, ["外区节能改造", "数控车床快换刀具", "焊接烟尘收集装置"]),
    "site_admin": (200, ["外区节能改造", "数控车床快换刀具", "焊接烟尘收集装置"]),
}


@pytest.mark.parametrize("via", ["session", "token"])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_by_role(as_role, role, via, world):
    client, headers, _ = as_role(role, via)

    response = client.get("/api/entries", headers=headers)

    status, expected = LISTED[role]
    assert response.status_code == status
    if status == 401:
        assert response.json() == {"detail": NOT_AUTHENTICATED}
    elif status == 403:
        assert response.json() == {"detail": ENTRIES_FORBIDDEN}
    else:
        assert titles(response) == expected
        assert response.json()["count"] == len(expected)


def test_exact_list_item(committee, world, declaring_unit, recommending_unit):
    entry = world["submitted"]
    entry.submitted_at = dt.datetime(2025, 3, 28, 9, 30, tzinfo=dt.UTC)
    entry.save()
    CreditCommitment.objects.create(edition=entry.edition, unit=declaring_unit, scan="commitments/x.pdf")
    Attachment.objects.create(entry=entry, kind="photo", file="entries/x/1.jpg", original_name="1.jpg", size=3)

    item = session(committee).get("/api/entries", {"q": "车床"}).json()["items"][0]

    entry.refresh_from_db()
    assert item == {
        "id": entry.pk, "title": "数控车床快换刀具", "edition": entry.edition.slug, "status": "submitted",
        "status_label": "已提交", "is_editable": False,
        "category": {"id": entry.category_id, "name": "小发明"},
        "declaring_unit": {"id": declaring_unit.pk, "name": declaring_unit.name},
        "recommending_unit": {"id": recommending_unit.pk, "name": recommending_unit.name},
        "industry": {"code": "3421", "name": "金属切削机床制造"}, "first_completer": "张三",
        "submitted_at": "2025-03-28T17:30:00+08:00", "attachment_count": 1, "commitment_stamped": True,
        "updated_at": timezone.localtime(entry.updated_at).isoformat(timespec="milliseconds"),
    }


def test_detail_shows_the_list_columns_of_the_same_entry(committee, world, declaring_unit):
    """The detail counts its prefetched completers and attachments; the list computes them in SQL."""
    entry = world["submitted"]
    CreditCommitment.objects.create(edition=entry.edition, unit=declaring_unit, scan="commitments/x.pdf")
    for n in (1, 2):
        Attachment.objects.create(entry=entry, kind="photo", file=f"entries/x/{n}.jpg", original_name=f"{n}.jpg",
                                  size=3)
    client = session(committee)

    item = client.get("/api/entries", {"q": "车床"}).json()["items"][0]
    detail = client.get(f"/api/entries/{entry.pk}").json()

    assert {name: detail[name] for name in item} == item
    assert (detail["first_completer"], detail["attachment_count"], detail["commitment_stamped"]) == ("张三", 2, True)
    assert detail["completers"][0]["name"] == "张三" and len(detail["attachments"]) == 2


@pytest.mark.parametrize("params, expected", [
    ({"status": "returned"}, ["焊接烟尘收集装置"]),
    ({"status": "draft"}, []),  # a draft is its declaring unit's own until submitted
    ({"unit": "外区"}, ["外区节能改造"]),
    ({"industry": "34"}, ["外区节能改造", "数控车床快换刀具", "焊接烟尘收集装置"]),
    ({"industry": "13"}, []),
    ({"sort": "title"}, sorted(["外区节能改造", "数控车床快换刀具", "焊接烟尘收集装置"])),
])
def test_list_filters_for_the_committee(committee, world, params, expected):
    assert titles(session(committee).get("/api/entries", params)) == expected


def test_filter_by_recommending_unit_and_category(committee, world, recommending_unit):
    second = world["returned"].edition.categories.all()[1]
    world["returned"].category = second
    world["returned"].save()
    client = session(committee)

    assert titles(client.get("/api/entries", {"recommending_unit": recommending_unit.pk})) == [
        "数控车床快换刀具", "焊接烟尘收集装置"]
    assert titles(client.get("/api/entries", {"category": second.pk})) == ["焊接烟尘收集装置"]


def test_recommender_never_gets_drafts_or_other_units_entries(recommender, world, other_unit):
    client = session(recommender)

    for params in ({"status": "draft"}, {"unit": "外区"}, {"recommending_unit": other_unit.parent_id},
                   {"status": "recommended"}):
        assert titles(client.get("/api/entries", params)) == [], params


def test_other_edition_by_slug(committee, world, declaring_unit):
    old = factories.EntryFactory(edition=factories.EditionFactory(slug="zz-2024"), declaring_unit=declaring_unit,
                                 status=EntryStatus.SUBMITTED, title="往届作品")
    client = session(committee)

    assert titles(client.get("/api/entries", {"edition": "zz-2024"})) == ["往届作品"]
    assert old.title not in titles(client.get("/api/entries"))
    response = client.get("/api/entries", {"edition": "nope"})
    assert (response.status_code, response.json()) == (404, {"detail": "没有使用该简称的竞赛。"})


@pytest.mark.parametrize("params", [{"status": "bogus"}, {"industry": "3"}, {"sort": "id"}, {"category": "x"}])
def test_bad_filter_is_422(committee, world, params):
    assert session(committee).get("/api/entries", params).status_code == 422


@pytest.mark.parametrize("role", ["committee", "recommender", "declarer"])
def test_list_queries_do_not_grow_with_rows(role, request, edition, declaring_unit, django_assert_num_queries):
    edition.is_current = True
    edition.save()
    client = session(request.getfixturevalue(role))

    def fill(n):
        for _ in range(n):
            entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit,
                                           status=EntryStatus.SUBMITTED, submitted_at=timezone.now())
            Attachment.objects.create(entry=entry, kind="photo", file="entries/x/a.jpg", original_name="a.jpg", size=1)

    fill(5)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/entries").json()["items"]) == 5
    fill(55)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/entries").json()["items"]) == 50


# --- GET /api/entries/{id} -------------------------------------------------------------------

SEES = {
    "anonymous": {}, "outsider": {}, "expert": {},
    "declarer": {"submitted", "draft"}, "other_declarer": {"other"},
    "recommender": {"submitted"}, "other_recommender": {"other"},
    "committee": {"submitted", "other"}, "site_admin": {"submitted", "other"},
}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ["submitted", "draft", "other"])
def test_detail_by_role(as_role, role, which, world):
    client, headers, _ = as_role(role, "token")
    entry = world[which]

    response = client.get(f"/api/entries/{entry.pk}", headers=headers)

    if role == "anonymous":
        assert (response.status_code, response.json()) == (401, {"detail": NOT_AUTHENTICATED})
    elif which in SEES[role]:
        assert response.status_code == 200
        assert response.json()["title"] == entry.title
    elif role in ("recommender", "committee", "site_admin") and which == "draft":
        assert (response.status_code, response.json()) == (403, {"detail": DRAFT_FORBIDDEN})
    else:
        assert (response.status_code, response.json()) == (403, {"detail": ENTRY_FORBIDDEN})


def test_detail_not_found(committee):
    response = session(committee).get("/api/entries/999999")
    assert (response.status_code, response.json()) == (404, {"detail": "没有这个编号的作品。"})


def test_detail_has_every_field_completers_answers_attachments_and_history(recommender, declarer, world):
    entry = world["draft"]
    Completer.objects.create(entry=entry, position=1, name="李二", age=28, post="技术员", workplace="二车间",
                             phone="0371-67885139")
    photo = Attachment.objects.create(entry=entry, kind="photo", file="entries/x/1.jpg", original_name="现场.jpg",
                                      size=1234, content_type="image/jpeg")
    transition_entry(entry=entry, action="submit", actor=declarer)

    data = session(recommender).get(f"/api/entries/{entry.pk}").json()

    exclusions = list(entry.edition.exclusions.all())
    forms = list(entry.presentation_forms.all())
    step = EntryTransition.objects.get(entry=entry)
    assert set(data) == {
        "id", "title", "edition", "status", "status_label", "is_editable", "category", "declaring_unit",
        "recommending_unit", "industry", "first_completer", "submitted_at", "attachment_count",
        "commitment_stamped", "updated_at", "affiliation", "contact_name", "contact_mobile", "completers", "awards",
        "summary", "industry_code", "background", "goals", "innovation_points", "benefits", "presentation_forms",
        "completed_on", "other_circumstances", "union_opinion", "union_opinion_by", "union_opinion_on",
        "confirms_scope", "confirms_recent", "exclusion_answers", "attachments", "history", "created_at",
        "recommendation_opinion"}
    assert data["status"] == "submitted" and data["status_label"] == "已提交"
    assert data["completers"] == [
        {"position": 0, "name": "张三", "age": 35, "post": "高级技师", "workplace": entry.affiliation,
         "phone": "13812345678"},
        {"position": 1, "name": "李二", "age": 28, "post": "技术员", "workplace": "二车间", "phone": "0371-67885139"}]
    assert data["exclusion_answers"] == [
        {"exclusion_id": x.pk, "number": x.number, "text": x.text, "applies": False} for x in exclusions]
    assert data["presentation_forms"] == [{"id": f.pk, "name": f.name} for f in forms]
    assert data["attachments"] == [{
        "id": photo.pk, "kind": "photo", "kind_label": "照片", "name": "现场.jpg", "size": 1234, "content_type": "image/jpeg",
        "uploaded_at": timezone.localtime(photo.uploaded_at).isoformat(timespec="milliseconds"),
        "download_url": f"/api/entries/{entry.pk}/attachments/{photo.pk}/file"}]
    assert data["history"] == [{
        "action": "submit", "action_label": step.get_action_display(), "from_status": "draft",
        "to_status": "submitted", "by": declarer.name,
        "at": timezone.localtime(step.at).isoformat(timespec="milliseconds"), "reason": "", "details": []}]
    assert data["recommendation_opinion"] is None  # given with the recommendation (tests/screening/test_opinion.py)
    assert (data["summary"], data["industry_code"], data["union_opinion_by"]) == (entry.summary, "3421", "王工会")
    assert data["completed_on"] == entry.completed_on.isoformat()


def test_detail_queries_do_not_grow_with_completers_attachments_history(committee, declarer, world,
                                                                      django_assert_num_queries):
    entry = world["draft"]
    client = session(committee)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/api/entries/{entry.pk}")
    for i in range(6):
        Completer.objects.create(entry=entry, position=i + 1, name=f"人{i}", age=30, post="工", workplace="厂",
                                 phone="13800000000")
        Attachment.objects.create(entry=entry, kind="photo", file=f"entries/x/{i}.jpg", original_name="p.jpg", size=1)
    transition_entry(entry=entry, action="submit", actor=declarer)
    transition_entry(entry=entry, action="withdraw", actor=declarer, reason="补充材料")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"/api/entries/{entry.pk}")


# --- POST /api/entries -----------------------------------------------------------------------

@pytest.mark.parametrize("role", ["outsider", "expert", "recommender", "committee", "site_admin"])
def test_only_declaring_unit_staff_create(as_role, role, edition):
    client, headers, _ = as_role(role, "token")

    response = client.post("/api/entries", {"title": "新作品"}, content_type="application/json", headers=headers)

    assert (response.status_code, response.json()) == (403, {"detail": CREATE_FORBIDDEN})
    assert not Entry.objects.exists()


def test_anonymous_cannot_create(edition):
    response = Client().post("/api/entries", {"title": "新作品"}, content_type="application/json")
    assert (response.status_code, response.json()) == (401, {"detail": NOT_AUTHENTICATED})


def test_declarer_creates_a_draft(as_role, edition, declaring_unit, declarer):
    client, headers, _ = as_role("declarer", "token")

    response = client.post("/api/entries", {"title": " 智能巡检机器人 ", "edition": edition.slug},
                           content_type="application/json", headers=headers)

    assert response.status_code == 201
    entry = Entry.objects.get()
    assert (entry.title, entry.status, entry.declaring_unit, entry.recommending_unit_id, entry.created_by) == (
        "智能巡检机器人", "draft", declaring_unit, declaring_unit.parent_id, declarer)
    data = response.json()
    assert (data["id"], data["status"], data["is_editable"], data["affiliation"]) == (
        entry.pk, "draft", True, declaring_unit.name)
    assert data["completers"] == [] and {a["applies"] for a in data["exclusion_answers"]} == {None}
    assert AuditLog.objects.filter(action="entry.create", object_id=str(entry.pk), actor=declarer).count() == 1


def test_create_answers_the_new_draft_as_a_read_shows_it_without_reading_its_empty_rows(
        as_role, edition, declaring_unit, django_assert_num_queries):
    """create answers with the new row and the edition's R4 questions; its completers, forms, attachments,
    answers and history are not read, being none yet (issue 8, item 18): the same JSON as a GET right after."""
    client, headers, _ = as_role("declarer", "token")
    client.get("/api/me", headers=headers)  # the token's first use is written once

    # token, edition, membership; BEGIN, INSERT, audit, COMMIT; the new row, the edition's exclusions.
    with django_assert_num_queries(9):
        created = client.post("/api/entries", {"title": "智能巡检机器人", "edition": edition.slug},
                              content_type="application/json", headers=headers)

    assert created.status_code == 201, created.json()
    assert created.json() == client.get(f"/api/entries/{created.json()['id']}", headers=headers).json()
    assert len(created.json()["exclusion_answers"]) == edition.exclusions.count() > 0


def test_a_repeated_create_answers_the_draft_as_it_is_now(as_role, edition, declaring_unit):
    client, headers, _ = as_role("declarer", "token")
    key = {"Idempotency-Key": "surge-1", **headers}
    first = client.post("/api/entries", {"title": "智能巡检机器人"}, content_type="application/json", headers=key)
    entry = Entry.objects.get(pk=first.json()["id"])
    Completer.objects.create(entry=entry, position=0, name="王一", age=41, post="工", workplace="厂",
                             phone="13800000001")

    again = client.post("/api/entries", {"title": "智能巡检机器人"}, content_type="application/json", headers=key)

    assert (again.status_code, again.json()["id"]) == (201, entry.pk)
    assert [c["name"] for c in again.json()["completers"]] == ["王一"]
    assert again.json() == client.get(f"/api/entries/{entry.pk}", headers=headers).json()


def test_create_for_a_unit_that_is_not_yours(as_role, edition, other_unit):
    client, headers, _ = as_role("declarer", "token")
    response = client.post("/api/entries", {"unit_id": other_unit.pk}, content_type="application/json",
                           headers=headers)
    assert (response.status_code, response.json()) == (403, {"detail": "您不是该申报单位的工作人员。"})


def test_create_with_several_units_needs_unit_id(as_role, edition, declarer, declaring_unit):
    second = factories.DeclaringUnitFactory(parent=declaring_unit.parent)
    factories.MembershipFactory(user=declarer, organisation=second, role=Role.DECLARER)
    client, headers, _ = as_role("declarer", "token")

    response = client.post("/api/entries", {}, content_type="application/json", headers=headers)
    assert (response.status_code, response.json()) == (
        400, {"detail": "您在多个申报单位任职，请用 unit_id 指明为哪个单位申报。"})
    response = client.post("/api/entries", {"unit_id": second.pk}, content_type="application/json", headers=headers)
    assert response.status_code == 201 and Entry.objects.get().declaring_unit == second


def test_create_after_the_deadline_is_refused(as_role, edition):
    edition.declaration_deadline = timezone.now() - dt.timedelta(seconds=1)
    edition.save()
    client, headers, _ = as_role("declarer", "token")

    response = client.post("/api/entries", {}, content_type="application/json", headers=headers)

    assert (response.status_code, response.json()) == (409, {"detail": "申报截止时间（通知附件1“七、报名时间及联系方式”）已过，不能再新建作品。", "field": None})
    assert not Entry.objects.exists()


def test_create_title_too_long(as_role, edition):
    client, headers, _ = as_role("declarer", "token")
    response = client.post("/api/entries", {"title": "长" * 201}, content_type="application/json", headers=headers)
    # The page's own form decides, with its message (tests/api/test_one_input_path.py).
    assert response.status_code == 422
    assert response.json()["errors"] == {"title": ["确保该变量包含不超过 200 字符 (目前字符数 201)。"]}


# --- PATCH /api/entries/{id} ----------------------------------------------------------------

@pytest.fixture
def draft(edition, declaring_unit):
    return factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, complete=False, title="草稿")


def patch(client, entry, data, headers=None):
    return client.patch(f"/api/entries/{entry.pk}", data, content_type="application/json", headers=headers or {})


@pytest.mark.parametrize("role", ["other_declarer", "recommender", "committee", "site_admin"])
def test_others_cannot_edit(as_role, role, draft, world):
    client, headers, _ = as_role(role, "token")
    entry = world["submitted"] if role == "recommender" else draft

    response = patch(client, entry, {"title": "改"}, headers)

    # A draft is its declaring unit's own: the office may not even read it.
    expected = {"committee": DRAFT_FORBIDDEN, "site_admin": DRAFT_FORBIDDEN, "recommender": DECLARE_FORBIDDEN}.get(
        role, ENTRY_FORBIDDEN)
    assert (response.status_code, response.json()) == (403, {"detail": expected})
    entry.refresh_from_db()
    assert entry.title != "改"


def test_declarer_saves_fields_completers_answers_forms_industry_and_category(as_role, draft):
    client, headers, _ = as_role("declarer", "token")
    edition = draft.edition
    x1, x2 = edition.exclusions.all()[:2]
    form = edition.presentation_forms.last()
    category = edition.categories.all()[2]

    response = patch(client, draft, {
        "title": "智能巡检机器人", "contact_mobile": "139 1234 5678", "summary": "<script>alert(1)</script>简述",
        "completed_on": "2024-05-01", "confirms_scope": True,
        "completers": [{"name": "王一", "age": 41, "post": "高级技师", "workplace": "一车间", "phone": "13800000001"},
                       {"name": "赵二", "age": 19, "post": "学徒", "workplace": "一车间", "phone": "13800000002"}],
        "exclusion_answers": {str(x1.pk): False, str(x2.pk): True},
        "presentation_form_ids": [form.pk], "industry_code": "3421", "category_id": category.pk,
    }, headers)

    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert (draft.title, draft.contact_mobile, draft.summary, draft.completed_on, draft.confirms_scope) == (
        "智能巡检机器人", "13912345678", "<script>alert(1)</script>简述", dt.date(2024, 5, 1), True)
    assert list(draft.completers.values_list("position", "name", "age")) == [(0, "王一", 41), (1, "赵二", 19)]
    assert dict(draft.exclusion_answers.values_list("exclusion_id", "applies")) == {x1.pk: False, x2.pk: True}
    assert list(draft.presentation_forms.all()) == [form]
    assert (draft.industry_id, draft.category) == ("3421", category)
    data = response.json()
    assert data["completers"][1]["age"] == 19 and data["first_completer"] == "王一"
    # Fields not sent are left alone.
    assert patch(client, draft, {"awards": "省级一等奖"}, headers).json()["title"] == "智能巡检机器人"


def test_a_write_answers_the_entry_as_a_read_shows_it_without_reading_it_again(as_role, draft,
                                                                             django_assert_num_queries):
    """PATCH and submit answer with the saved row and its related rows read once (issue 8, item 18): the
    same JSON as a GET right after, in a fixed number of queries."""
    client, headers, _ = as_role("declarer", "token")
    edition = draft.edition
    patch(client, draft, {"title": "预热"}, headers)  # the token's first use is written once
    sent = {"title": "智能巡检机器人", "summary": "简述", "category_id": edition.categories.all()[1].pk,
            "industry_code": "3421", "presentation_form_ids": [edition.presentation_forms.first().pk],
            "exclusion_answers": {str(x.pk): False for x in edition.exclusions.all()},
            "completers": [{"name": "王一", "age": 41, "post": "高级技师", "workplace": "一车间",
                            "phone": "13800000001"}]}

    # token, entry, membership, exclusions, category, industry, forms (the form); SAVEPOINT, lock, UPDATE, the
    # forms' current rows, INSERT, completers DELETE and INSERT, answers DELETE and INSERT, RELEASE; the answer's
    # completers, forms, attachments, answers, history (not the entry's row, nor the category, forms and
    # industry the form has read, again).
    with django_assert_num_queries(22):
        saved = patch(client, draft, sent, headers)

    assert saved.status_code == 200, saved.json()
    assert saved.json() == client.get(f"/api/entries/{draft.pk}", headers=headers).json()
    assert saved.json()["category"]["id"] == sent["category_id"] and saved.json()["industry"]["code"] == "3421"


def test_null_clears_category_and_industry(as_role, draft):
    client, headers, _ = as_role("declarer", "token")
    patch(client, draft, {"industry_code": "3421", "category_id": draft.edition.categories.first().pk}, headers)

    data = patch(client, draft, {"industry_code": None, "category_id": None}, headers).json()

    assert (data["industry"], data["category"]) == (None, None)


@pytest.mark.parametrize("data, field, message, detail", [
    ({"contact_name": "名" * 51}, "contact_name", "确保该变量包含不超过 50 字符 (目前字符数 51)。",
     "联系人：确保该变量包含不超过 50 字符 (目前字符数 51)。"),
    ({"industry_code": "9999"}, "industry_code", "“9999”不是《国民经济行业分类》中的代码，请从列表中选择行业。", None),
    ({"completers": [{"name": "王一", "post": "工"}]}, "completers.0.age", "请填写完成人年龄。",
     "第 1 位完成人的年龄：请填写完成人年龄。"),
    ({"completers": [{"name": "王一", "age": 151}]}, "completers.0.age", "年龄应在16至80岁之间", None),
])
def test_bad_input_is_a_chinese_422_and_changes_nothing(as_role, draft, data, field, message, detail):
    client, headers, _ = as_role("declarer", "token")
    before = draft.updated_at

    response = patch(client, draft, data, headers)

    assert response.status_code == 422
    body = response.json()
    assert (body["field"], body["errors"]) == (field, {field: [message]})
    assert body["message"].endswith(message) and (detail is None or body["message"] == detail)
    draft.refresh_from_db()
    assert draft.updated_at == before


def test_category_of_another_edition_is_refused(as_role, draft):
    client, headers, _ = as_role("declarer", "token")
    foreign = factories.EditionFactory().categories.first()

    response = patch(client, draft, {"category_id": foreign.pk}, headers)

    assert response.status_code == 422
    assert response.json()["errors"] == {"category_id": ["请选择本届竞赛的作品类别（通知附件2备注说明第2条）。"]}


def test_wrong_types_are_422(as_role, draft):
    client, headers, _ = as_role("declarer", "token")
    assert patch(client, draft, {"completed_on": "not a date"}, headers).status_code == 422
    assert patch(client, draft, {"completers": "x"}, headers).status_code == 422


# --- Problems, submit, and the whole flow ----------------------------------------------------

def test_create_patch_problems_submit_then_patch_is_refused(as_role, edition, declarer):
    client, headers, _ = as_role("declarer", "token")
    entry_id = client.post("/api/entries", {"title": "智能巡检机器人"}, content_type="application/json",
                           headers=headers).json()["id"]
    entry = Entry.objects.get(pk=entry_id)

    problems = client.get(f"/api/entries/{entry_id}/problems", headers=headers).json()
    assert problems["ready"] is False and problems["declaration_open"] is True
    assert {"field": "summary", "message": "作品简述", "missing": True} in problems["problems"]
    refused = client.post(f"/api/entries/{entry_id}/submit", headers=headers)
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("作品信息不完整，缺少：")
    assert refused.json()["problems"] == problems["problems"]
    assert Entry.objects.get(pk=entry_id).status == "draft"

    template = factories.EntryFactory(edition=edition)  # a complete entry to copy the form from
    exclusions = {str(x.pk): False for x in edition.exclusions.all()}
    fields = {name: getattr(template, name) for name in (
        "affiliation", "contact_name", "contact_mobile", "awards", "summary", "background", "goals",
        "innovation_points", "benefits", "union_opinion", "union_opinion_by", "confirms_scope", "confirms_recent")}
    response = patch(client, entry, {
        **fields, "completed_on": template.completed_on.isoformat(),
        "union_opinion_on": template.union_opinion_on.isoformat(),
        "completers": [{"name": "王一", "age": 41, "post": "高级技师", "workplace": "一车间", "phone": "13800000001"}],
        "exclusion_answers": exclusions, "presentation_form_ids": [edition.presentation_forms.first().pk],
        "industry_code": "3421", "category_id": edition.categories.first().pk}, headers)
    assert response.status_code == 200

    problems = client.get(f"/api/entries/{entry_id}/problems", headers=headers).json()
    assert problems == {"ready": True, "declaration_open": True, "problems": [], "warnings": []}

    submitted = client.post(f"/api/entries/{entry_id}/submit", headers=headers)
    assert submitted.status_code == 200
    assert (submitted.json()["status"], submitted.json()["is_editable"]) == ("submitted", False)
    assert submitted.json()["history"][0]["action"] == "submit"
    assert AuditLog.objects.filter(action="entry.submit", object_id=str(entry_id), actor=declarer).count() == 1

    again = client.post(f"/api/entries/{entry_id}/submit", headers=headers)
    assert again.status_code == 409 and again.json()["problems"] == []
    assert "已提交" in again.json()["detail"]
    refused = patch(client, entry, {"title": "改名"}, headers)
    assert (refused.status_code, refused.json()) == (409, {"detail": NOT_EDITABLE})
    assert Entry.objects.get(pk=entry_id).title == "智能巡检机器人"
    assert EntryTransition.objects.filter(entry_id=entry_id).count() == 1


def test_submit_answers_with_the_rows_its_check_read_under_the_lock(as_role, edition, declaring_unit):
    """The submit guard reads the completers, forms, R4 answers and exclusions under the lock; the answer takes
    them over and reads only the attachments and the history (issue 8, item 18): the same JSON as a GET."""
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
    client, headers, _ = as_role("declarer", "token")
    client.get("/api/me", headers=headers)  # the token's first use is written once

    with CaptureQueriesContext(connection) as captured:
        submitted = client.post(f"/api/entries/{entry.pk}/submit", headers=headers)

    read = [q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in captured.captured_queries
            if q["sql"].startswith("SELECT") and " FROM " in q["sql"]]
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json() == client.get(f"/api/entries/{entry.pk}", headers=headers).json()
    assert submitted.json()["completers"] and submitted.json()["presentation_forms"]
    forms = read.count("entries_entry_presentation_forms") + read.count("competitions_presentationform")
    shared = ["entries_completer", "entries_exclusionanswer", "competitions_exclusion"]
    assert ([read.count(table) for table in shared], forms) == ([1, 1, 1], 1), read


def test_declared_exclusion_blocks_submission_with_the_reason(as_role, draft):
    client, headers, _ = as_role("declarer", "token")
    exclusion = draft.edition.exclusions.get(number=5)
    patch(client, draft, {"exclusion_answers": {str(exclusion.pk): True}}, headers)

    problems = client.get(f"/api/entries/{draft.pk}/problems", headers=headers).json()["problems"]

    assert {"field": "eligibility", "message": f"不符合参赛条件（不列入竞赛范围的情形第 5 项）：{exclusion.text}。", "missing": False} in problems


def test_soft_targets_are_warnings_not_problems(as_role, edition, declaring_unit):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, background="太短")
    client, headers, _ = as_role("declarer", "token")

    data = client.get(f"/api/entries/{entry.pk}/problems", headers=headers).json()

    assert data["ready"] is True and data["problems"] == []
    assert [w["field"] for w in data["warnings"]] == ["background"]


def test_submit_after_the_deadline_is_refused(as_role, edition, declaring_unit):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit)
    edition.declaration_deadline = timezone.now() - dt.timedelta(seconds=1)
    edition.save()
    client, headers, _ = as_role("declarer", "token")

    response = client.post(f"/api/entries/{entry.pk}/submit", headers=headers)

    assert response.status_code == 409
    assert response.json()["detail"].startswith("申报截止时间（通知附件1“七、报名时间及联系方式”）") and response.json()["problems"] == []
    entry.refresh_from_db()
    assert entry.status == "draft"


@pytest.mark.parametrize("role", ["anonymous", "outsider", "expert", "other_declarer", "recommender",
                                  "committee", "site_admin"])
def test_others_cannot_submit_but_may_read_problems_when_they_see_the_entry(as_role, role, edition, declaring_unit):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.RETURNED)
    client, headers, _ = as_role(role, "token")

    submit = client.post(f"/api/entries/{entry.pk}/submit", headers=headers)
    problems = client.get(f"/api/entries/{entry.pk}/problems", headers=headers)

    entry.refresh_from_db()
    assert entry.status == "returned"
    if role == "anonymous":
        assert submit.status_code == problems.status_code == 401
    elif role in ("recommender", "committee", "site_admin"):
        assert (submit.status_code, submit.json()) == (403, {"detail": DECLARE_FORBIDDEN})
        assert problems.status_code == 200 and problems.json()["ready"] is True
    else:
        assert (submit.status_code, submit.json()) == (403, {"detail": ENTRY_FORBIDDEN})
        assert (problems.status_code, problems.json()) == (403, {"detail": ENTRY_FORBIDDEN})


def test_session_writes_need_the_csrf_token(declarer, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(declarer)

    response = patch(client, draft, {"title": "改"})

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.title == "草稿"


# --- OpenAPI ---------------------------------------------------------------------------------

ENTRY_PATHS = {
    "/api/entries": {"get", "post"},
    "/api/entries/{entry_id}": {"get", "patch"},
    "/api/entries/{entry_id}/problems": {"get"},
    "/api/entries/{entry_id}/submit": {"post"},
    "/api/entries/{entry_id}/withdraw": {"post"},
    "/api/entries/{entry_id}/attachments": {"get", "post"},
    "/api/entries/{entry_id}/attachments/{attachment_id}": {"delete"},
    "/api/entries/{entry_id}/attachments/{attachment_id}/file": {"get"},
}
# Document endpoints live with documents (documents/api.py), under the entry's path.
DOCUMENT_PATHS = {"/api/entries/{entry_id}/documents/form.pdf", "/api/entries/{entry_id}/documents/form.docx"}


def test_schema_lists_the_entry_operations_with_english_summaries():
    schema = Client().get("/api/openapi.json").json()

    # The screening stage adds its own operations under /api/entries (tagged "screening"); these are the entries'.
    entry_ops = {path: {method for method, op in ops.items() if op["tags"] == ["entries"]}
                 for path, ops in schema["paths"].items() if path.startswith("/api/entries")}
    assert {path: methods for path, methods in entry_ops.items() if methods} == ENTRY_PATHS
    for path in ENTRY_PATHS:
        for op in schema["paths"][path].values():
            assert op["summary"].isascii() and op["summary"][0].isupper(), op["summary"]
            assert op["tags"] == ["entries"]
            assert op["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]
    for path in DOCUMENT_PATHS:
        assert schema["paths"][path]["get"]["tags"] == ["documents"]
    upload = schema["paths"]["/api/entries/{entry_id}/attachments"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
