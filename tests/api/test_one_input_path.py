"""One input path: the API's entry create and PATCH are checked by the page's own forms.

The same bad input typed on the page (the form's autosave answers its errors as JSON) and sent
to the API gets the same Chinese messages; the API saves nothing of a refused PATCH.
"""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wuxiao.entries.models import Entry

from .. import factories

pytestmark = pytest.mark.django_db

TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
BAD_BODY = "无法读取请求内容：请以 JSON 对象发送（Content-Type: application/json），例如 {\"title\": \"…\"}。"
ROW = {"name": "张三", "age": "35", "post": "高级技师", "workplace": "一车间", "phone": "13812345678"}

# (page input, API input, the page's field, the API's field)
CASES = {
    "mobile": ({"contact_mobile": "12345"}, {"contact_mobile": "12345"}, "contact_mobile", "contact_mobile"),
    "future completion date": ({"completed_on": TOMORROW}, {"completed_on": TOMORROW}, "completed_on",
                               "completed_on"),
    "not a date": ({"union_opinion_on": "2025-02-30"}, {"union_opinion_on": "2025-02-30"}, "union_opinion_on",
                   "union_opinion_on"),
    "unknown industry": ({"industry": "9999"}, {"industry_code": "9999"}, "industry", "industry_code"),
    "too long": ({"summary": "字" * 20001}, {"summary": "字" * 20001}, "summary", "summary"),
    "title too long": ({"title": "名" * 201}, {"title": "名" * 201}, "title", "title"),
    "too young": ({"completers": [{**ROW, "age": "12"}]}, {"completers": [{**ROW, "age": 12}]},
                  "completers-0-age", "completers.0.age"),
    "too old": ({"completers": [{**ROW, "age": "81"}]}, {"completers": [{**ROW, "age": 81}]},
                "completers-0-age", "completers.0.age"),
    "age not a number": ({"completers": [{**ROW, "age": "三十"}]}, {"completers": [{**ROW, "age": "三十"}]},
                         "completers-0-age", "completers.0.age"),
    "bad phone": ({"completers": [{**ROW, "phone": "abc"}]}, {"completers": [{**ROW, "phone": "abc"}]},
                  "completers-0-phone", "completers.0.phone"),
}


@pytest.fixture
def draft(edition, declaring_unit):
    return factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="数控车床快换工装",
                                  contact_mobile="13912345678")


def _page_data(fields: dict) -> dict:
    data = {k: v for k, v in fields.items() if k != "completers"}
    rows = fields.get("completers")
    if rows is not None:
        data.update({"completers-TOTAL_FORMS": str(len(rows)), "completers-INITIAL_FORMS": "0"})
        for i, row in enumerate(rows):
            data.update({f"completers-{i}-{k}": v for k, v in row.items()})
            data[f"completers-{i}-ORDER"] = str(i + 1)
    return data


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("case", CASES)
def test_the_same_bad_input_gets_the_same_message_on_page_and_api(case, declarer, draft):
    page_input, api_input, page_field, api_field = CASES[case]
    client = _client(declarer)
    page = client.post(reverse("entries:autosave", args=[draft.pk]), _page_data(page_input)).json()
    before = Entry.objects.get(pk=draft.pk)
    api = client.patch(f"/api/entries/{draft.pk}", json.dumps(api_input), content_type="application/json")
    assert api.status_code == 422, api.content
    body = api.json()
    assert page["errors"][page_field], page
    assert body["errors"][api_field] == page["errors"][page_field]
    assert body["field"] == api_field and body["message"]
    assert {"loc": ["body", api_field], "msg": body["errors"][api_field][0], "type": "form"} in body["detail"]
    # The refused PATCH saved nothing (the page keeps the other fields it was sent, by design).
    after = Entry.objects.get(pk=draft.pk)
    assert (after.updated_at, after.contact_mobile, after.summary) == (
        before.updated_at, before.contact_mobile, before.summary)


def test_control_characters_are_stripped_alike(declarer, draft, edition, declaring_unit):
    client = _client(declarer)
    client.post(reverse("entries:autosave", args=[draft.pk]), {"title": "数控\x0b车床\u200b快换工装"})
    assert Entry.objects.get(pk=draft.pk).title == "数控车床快换工装"
    response = client.patch(f"/api/entries/{draft.pk}", json.dumps({"title": "焊接\x00烟尘\x1f收集\ufeff装置"}),
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["title"] == "焊接烟尘收集装置"
    created = client.post("/api/entries", json.dumps({"title": "新\x0b作品"}), content_type="application/json")
    assert created.status_code == 201 and created.json()["title"] == "新作品"


def test_a_valid_patch_changes_only_what_was_sent(declarer, draft):
    before = Entry.objects.get(pk=draft.pk)
    response = _client(declarer).patch(
        f"/api/entries/{draft.pk}", json.dumps({"contact_mobile": "+86 138 1234 5678", "completed_on": "2024-05-01"}),
        content_type="application/json")
    assert response.status_code == 200, response.content
    after = Entry.objects.get(pk=draft.pk)
    assert (after.contact_mobile, after.completed_on) == ("13812345678", dt.date(2024, 5, 1))
    assert (after.title, after.summary, after.confirms_scope, after.category_id) == (
        before.title, before.summary, before.confirms_scope, before.category_id)
    assert list(after.completers.values_list("name", flat=True)) == list(
        before.completers.values_list("name", flat=True))


def test_an_unknown_exclusion_is_refused(declarer, draft):
    response = _client(declarer).patch(f"/api/entries/{draft.pk}", json.dumps({"exclusion_answers": {"999999": True}}),
                                       content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"exclusion_answers.999999": ["本届竞赛没有这个编号的排除情形。"]}


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"标题"', "3", "null"])
def test_a_body_that_is_not_an_object_is_refused(declarer, draft, body):
    client = _client(declarer)
    count = Entry.objects.count()
    created = client.post("/api/entries", body, content_type="application/json")
    assert (created.status_code, created.json()) == (400, {"detail": BAD_BODY})
    assert Entry.objects.count() == count
    patched = client.patch(f"/api/entries/{draft.pk}", body, content_type="application/json")
    assert patched.status_code == 400
