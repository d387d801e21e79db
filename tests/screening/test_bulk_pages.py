"""The queues' pages (issue 9 items 13, 14): the bulk form and its report, the search, the Excel export.

The recommending unit's screening queue (screening:unit) and the committee office's eligibility queue
(screening:review), for every role.
"""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wuxiao.entries.models import Completer, EntryTransition
from wuxiao.screening.models import Batch, Flag, FlagKind

from .. import factories
from .review_fixtures import batch, recommended  # noqa: F401
from .screen_fixtures import ROLES, _media, actor_of, entry_of, other_recommender  # noqa: F401

pytestmark = pytest.mark.django_db


def _login(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


def _status(entry) -> str:
    entry.refresh_from_db()
    return entry.status


def _picks(html: str) -> set[int]:
    """The entries the page offers to tick for a bulk action."""
    return {int(pk) for pk in re.findall(r'class="bulk-pick" name="entry_ids" value="(\d+)"', html)}


def _ticked(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="entry_ids" value="(\d+)" form="bulk-form"[^>]*checked', html)}


def _field(html: str, name: str) -> str:
    """The HTML of one field's block of the bulk form (label, input, its messages)."""
    start = html.index(f'id="field-bulk-{name}"')
    return html[start:html.index("</div>", start)]


def _sheet(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


# --- The recommending unit's queue: the bulk form -----------------------------------------------------

def _unit_url(edition, unit, name="unit"):
    return reverse(f"screening:{name}", args=[edition.slug, unit.pk])


def test_the_bulk_form_offers_the_undecided_entries(client, recommender, edition, recommending_unit, entry_of):
    submitted, returned = entry_of("submitted"), entry_of("returned")
    entry_of("recommended", recommendation_rank=1)
    entry_of("not_recommended")
    html = _login(client, recommender).get(_unit_url(edition, recommending_unit)).content.decode()
    assert 'id="bulk-form"' in html and "批量处理" in html and "全选本页" in html
    assert _picks(html) == {submitted.pk, returned.pk}
    assert '<option value="return">退回修改</option>' in html or 'value="return"' in html
    assert "screening/bulk.js" in html


@pytest.mark.parametrize("role", ["committee", "site_admin"])
def test_the_committee_sees_search_and_export_but_no_bulk_form(client_as, role, edition, recommending_unit,
                                                               entry_of):
    entry_of("submitted")
    html = client_as(role).get(_unit_url(edition, recommending_unit)).content.decode()
    assert 'id="bulk-form"' not in html and not _picks(html)
    assert 'name="q"' in html and _unit_url(edition, recommending_unit, "unit_export") in html


def test_a_handed_over_batch_offers_no_bulk_form(client, recommender, edition, recommending_unit, entry_of):
    entry_of("submitted")
    Batch.objects.create(edition=edition, unit=recommending_unit, submitted_at=timezone.now())
    html = _login(client, recommender).get(_unit_url(edition, recommending_unit)).content.decode()
    assert 'id="bulk-form"' not in html and not _picks(html)


@pytest.mark.parametrize("role", ROLES)
def test_unit_bulk_per_role(client, actor_of, role, edition, recommending_unit, entry_of):
    a, b = entry_of("submitted"), entry_of("submitted")
    response = _login(client, actor_of(role)).post(_unit_url(edition, recommending_unit, "unit_bulk"), {
        "entry_ids": [a.pk, b.pk], "action": "return", "reason": "请补充材料"})
    if role == "recommender":
        assert response.status_code == 302
        assert response["Location"] == _unit_url(edition, recommending_unit) + "#bulk-report"
        assert (_status(a), _status(b)) == ("returned", "returned")
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]
        assert (_status(a), _status(b)) == ("submitted", "submitted")


def test_the_report_names_each_entry_once(client, recommender, edition, recommending_unit, entry_of):
    moved = entry_of("submitted", title="可退回的作品")
    stuck = entry_of("recommended", recommendation_rank=1, title="已推荐的作品")
    _login(client, recommender)
    response = client.post(_unit_url(edition, recommending_unit, "unit_bulk"), {
        "entry_ids": [moved.pk, stuck.pk], "action": "not_recommend", "reason": "不符合推荐条件"}, follow=True)
    html = response.content.decode()
    report = html[html.index('id="bulk-report"'):html.index("</section>", html.index('id="bulk-report"'))]
    assert "“不予推荐”处理结果" in report and "1 项已处理" in report and "1 项未处理" in report
    assert f'data-entry="{moved.pk}" data-moved="1"' in report and "已处理，现为“未获推荐”" in report
    assert f'data-entry="{stuck.pk}" data-moved="0"' in report
    assert "作品当前状态为“已推荐”，不能执行“不予推荐”操作。" in report
    assert "可退回的作品" in report and "已推荐的作品" in report
    again = client.get(_unit_url(edition, recommending_unit)).content.decode()
    assert 'id="bulk-report"' not in again  # shown once


def test_bulk_recommend_reports_the_ranks_and_the_full_quota(client, recommender, edition, recommending_unit,
                                                              entry_of):
    edition.recommendation_quota = 2
    edition.save(update_fields=["recommendation_quota"])
    entries = [entry_of("submitted", title=f"作品{n}") for n in range(3)]
    _login(client, recommender)
    html = client.post(_unit_url(edition, recommending_unit, "unit_bulk"), {
        "entry_ids": [e.pk for e in entries], "action": "recommend", "opinion": "同意推荐"}, follow=True
    ).content.decode()
    assert "推荐排序第 1 位" in html and "推荐排序第 2 位" in html
    assert "推荐名额已满" in html
    assert [_status(e) for e in entries] == ["recommended", "recommended", "submitted"]


def test_nothing_selected_is_said_beside_the_selection_and_the_reason_is_kept(client, recommender, edition,
                                                                            recommending_unit, entry_of):
    entry = entry_of("submitted")
    response = _login(client, recommender).post(_unit_url(edition, recommending_unit, "unit_bulk"), {
        "action": "return", "reason": "请补充材料"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请至少选择一项作品。" in _field(html, "entry_ids")
    assert "请补充材料" in _field(html, "reason")
    assert _status(entry) == "submitted"


def test_a_missing_reason_is_said_beside_the_reason_and_the_selection_is_kept(client, recommender, edition,
                                                                             recommending_unit, entry_of):
    a, b, c = entry_of("submitted"), entry_of("submitted"), entry_of("submitted")
    response = _login(client, recommender).post(_unit_url(edition, recommending_unit, "unit_bulk"), {
        "entry_ids": [a.pk, c.pk], "action": "return", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写退回修改意见。" in _field(html, "reason")
    assert _ticked(html) == {a.pk, c.pk} and b.pk in _picks(html)
    assert "已选 2 项" in html
    assert not EntryTransition.objects.filter(entry__in=[a, b, c], action="return").exists()


def test_a_missing_action_and_a_tampered_selection_are_not_errors(client, recommender, edition, recommending_unit,
                                                                  entry_of):
    entry = entry_of("submitted")
    url = _unit_url(edition, recommending_unit, "unit_bulk")
    _login(client, recommender)
    response = client.post(url, {"entry_ids": [entry.pk], "reason": "请修改"})
    assert response.status_code == 400 and "请选择对所选作品执行的操作。" in _field(response.content.decode(), "action")
    response = client.post(url, {"entry_ids": ["x", str(10**30)], "action": "return", "reason": "请修改"})
    assert response.status_code == 400 and "无法读取所选作品" in response.content.decode()
    response = client.post(url, {"entry_ids": [entry.pk], "action": "unrecommend", "reason": "请修改"})
    assert response.status_code == 400
    assert _status(entry) == "submitted"


def test_the_filters_survive_the_bulk_action(client, recommender, edition, recommending_unit, entry_of):
    entry = entry_of("submitted", title="数控快换刀具")
    entry_of("submitted", title="焊接夹具")
    _login(client, recommender)
    html = client.get(_unit_url(edition, recommending_unit) + "?q=数控").content.decode()
    assert 'name="back" value="q=%E6%95%B0%E6%8E%A7"' in html
    response = client.post(_unit_url(edition, recommending_unit, "unit_bulk"), {
        "entry_ids": [entry.pk], "action": "return", "reason": "请修改", "back": "q=数控&evil=//x.example"})
    assert response["Location"] == _unit_url(edition, recommending_unit) + "?q=%E6%95%B0%E6%8E%A7#bulk-report"


# --- The recommending unit's queue: search and export --------------------------------------------------

@pytest.fixture
def searchable(entry_of, edition, recommending_unit):
    other_unit = factories.DeclaringUnitFactory(parent=recommending_unit, name="郑州重型机械厂")
    first = entry_of("submitted", title="数控车床快换刀具")
    second = factories.EntryFactory(edition=edition, declaring_unit=other_unit, status="returned", title="焊接夹具改进")
    Completer.objects.filter(entry=second).update(name="欧阳明")
    third = entry_of("recommended", recommendation_rank=1, title="CNC Tool Holder")
    return first, second, third


def _shown_titles(html: str, entries) -> set[str]:
    return {e.title for e in entries if f'href="/entries/{e.pk}/"' in html}


@pytest.mark.parametrize("query,expected", [
    ("q=快换", {0}), ("q=重型机械", {1}), ("q=欧阳", {1}), ("q=张三", {0, 2}), ("q=cnc+tool", {2}),
    ("status=returned", {1}), ("status=recommended&q=CNC", {2}), ("q=没有这个", set()),
])
def test_search_each_field(client, recommender, edition, recommending_unit, searchable, query, expected):
    html = _login(client, recommender).get(_unit_url(edition, recommending_unit) + "?" + query).content.decode()
    assert _shown_titles(html, searchable) == {searchable[i].title for i in expected}


def test_search_by_number(client, recommender, edition, recommending_unit, searchable):
    html = _login(client, recommender).get(
        _unit_url(edition, recommending_unit) + f"?q={searchable[1].pk}").content.decode()
    assert searchable[1].title in _shown_titles(html, searchable)


def test_a_search_too_long_is_said_beside_the_field(client, recommender, edition, recommending_unit, searchable):
    response = _login(client, recommender).get(_unit_url(edition, recommending_unit) + "?q=" + "长" * 101)
    assert response.status_code == 200
    assert "100" in response.content.decode().split('id="field-q"')[1].split("</div>")[0]


def test_searching_costs_the_same_queries_whatever_the_number_of_entries(client, recommender, edition,
                                                                         recommending_unit, entry_of):
    url = _unit_url(edition, recommending_unit) + "?q=作品&status=submitted"
    _login(client, recommender)
    for _ in range(2):
        entry_of("submitted", title="测试作品")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        entry_of("submitted", title="测试作品")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count("测试作品") >= 8
    assert len(few) == len(many)


@pytest.mark.parametrize("role,expected", [
    ("recommender", 200), ("committee", 200), ("site_admin", 200), ("other_recommender", 403), ("declarer", 403),
    ("expert", 403), ("outsider", 403), ("anonymous", 302),
])
def test_unit_export_per_role(client, actor_of, role, expected, edition, recommending_unit, entry_of):
    entry_of("submitted")
    response = _login(client, actor_of(role)).get(_unit_url(edition, recommending_unit, "unit_export"))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")


def test_unit_export_content_follows_the_search(client, recommender, edition, recommending_unit, searchable):
    first, second, third = searchable
    formula = factories.EntryFactory(edition=edition, declaring_unit=first.declaring_unit, status="submitted",
                                     title='=HYPERLINK("http://x.example","点我")')
    _login(client, recommender)
    ws = _sheet(client.get(_unit_url(edition, recommending_unit, "unit_export")))
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("编号", "作品名称", "申报单位", "推荐单位", "申报类别", "所属行业", "第一完成人", "状态",
                       "推荐排序", "提交时间（北京时间）")
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {first.pk, second.pk, third.pk, formula.pk}
    row = by_id[third.pk]
    assert row[1:4] == (third.title, third.declaring_unit.name, recommending_unit.name)
    assert row[4] == third.category.name and row[5].startswith("3421 ") and row[6] == "张三"
    assert row[7] == "已推荐" and row[8] == 1
    assert by_id[second.pk][6] == "欧阳明"
    cell = next(c for c in ws["B"] if c.row > 1 and c.value == formula.title)
    assert cell.data_type == "s"  # a title typed as a formula stays text
    filtered = _sheet(client.get(_unit_url(edition, recommending_unit, "unit_export") + "?q=欧阳&status=returned"))
    assert [r[0] for r in filtered.iter_rows(min_row=2, values_only=True)] == [second.pk]


def test_the_export_link_keeps_the_search(client, recommender, edition, recommending_unit, searchable):
    html = _login(client, recommender).get(_unit_url(edition, recommending_unit) + "?q=焊接&status=returned").content
    assert (_unit_url(edition, recommending_unit, "unit_export") + "?q=%E7%84%8A%E6%8E%A5&amp;status=returned"
            in html.decode())


def test_submitted_at_is_beijing_time_in_the_export(client, recommender, edition, recommending_unit, entry_of):
    at = dt.datetime(2025, 3, 1, 1, 30, tzinfo=dt.UTC)
    entry_of("submitted", submitted_at=at)
    ws = _sheet(_login(client, recommender).get(_unit_url(edition, recommending_unit, "unit_export")))
    assert ws["J2"].value == dt.datetime(2025, 3, 1, 9, 30)


# --- The committee office's eligibility queue ------------------------------------------------------------

def _review_url(edition, name="review"):
    return reverse(f"screening:{name}", args=[edition.slug])


def test_the_review_queue_offers_the_recommended_entries(client, committee, edition, recommended):
    a, b = recommended(), recommended()
    EntryTransition.objects.all().delete()
    b.status = "in_review"
    b.save(update_fields=["status"])
    html = _login(client, committee).get(_review_url(edition)).content.decode()
    assert _picks(html) == {a.pk}
    assert all(f'id="field-bulk-{name}"' in html for name in ("rule", "due_date", "confirm_failed_checks"))
    assert _review_url(edition, "review_export") in html


@pytest.mark.parametrize("role", ROLES)
def test_review_bulk_per_role(client, actor_of, role, edition, recommended):
    a, b = recommended(), recommended()
    response = _login(client, actor_of(role)).post(_review_url(edition, "review_bulk"), {
        "entry_ids": [a.pk, b.pk], "action": "accept"})
    if role in ("committee", "site_admin"):
        assert response.status_code == 302 and response["Location"] == _review_url(edition) + "#bulk-report"
        assert (_status(a), _status(b)) == ("in_review", "in_review")
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert (_status(a), _status(b)) == ("recommended", "recommended")


def test_review_report_with_a_failing_checklist(client, committee, edition, recommended):
    good, unstamped = recommended(title="材料齐全"), recommended(stamped=False, title="缺盖章扫描件")
    _login(client, committee)
    html = client.post(_review_url(edition, "review_bulk") + "", {
        "entry_ids": [good.pk, unstamped.pk], "action": "accept", "back": "failing=&page=1"}, follow=True
    ).content.decode()
    assert "1 项已处理" in html and "1 项未处理" in html
    assert "形式审查以下项目未通过" in html and "如仍要受理该作品，请勾选确认并填写理由。" in html
    assert reverse("screening:review_entry", args=[edition.slug, unstamped.pk]) in html
    assert (_status(good), _status(unstamped)) == ("in_review", "recommended")
    html = client.post(_review_url(edition, "review_bulk"), {
        "entry_ids": [unstamped.pk], "action": "accept", "confirm_failed_checks": "on", "reason": "已核验纸质件"},
        follow=True).content.decode()
    assert "1 项已处理" in html and _status(unstamped) == "in_review"
    assert EntryTransition.objects.get(entry=unstamped, action="accept").data["override_reason"] == "已核验纸质件"


@pytest.mark.parametrize("post,field,message", [
    ({"action": "declare_ineligible", "reason": "不符合"}, "rule", "请选择作品不符合的通知条款。"),
    ({"action": "declare_ineligible", "rule": "R2"}, "reason", "请填写认定不符合参赛条件的理由。"),
    ({"action": "request_correction", "reason": "补正"}, "due_date", "请填写补正截止日期"),
    ({"action": "accept", "confirm_failed_checks": "on"}, "reason", "请填写形式审查未通过仍予受理的理由。"),
])
def test_review_input_is_refused_beside_its_field(client, committee, edition, recommended, post, field, message):
    entry = recommended()
    response = _login(client, committee).post(_review_url(edition, "review_bulk"), {"entry_ids": [entry.pk], **post})
    assert response.status_code == 400
    assert message in _field(response.content.decode(), field)
    assert _ticked(response.content.decode()) == {entry.pk}
    assert _status(entry) == "recommended"


def test_review_bulk_on_another_editions_entries(client, committee, edition, recommended):
    entry = recommended()
    other = factories.EditionFactory()
    html = _login(client, committee).post(reverse("screening:review_bulk", args=[other.slug]), {
        "entry_ids": [entry.pk], "action": "accept"}, follow=True).content.decode()
    assert "该作品不在此队列中，未作处理。" in html and entry.title not in html.split('id="bulk-report"')[1][:2000]
    assert _status(entry) == "recommended"


@pytest.mark.parametrize("query,expected", [
    ("q=快换", {0}), ("q=重型机械", {1}), ("q=欧阳", {1}), ("q=cnc", {2}), ("q=张三", {0, 2}), ("", {0, 1, 2}),
])
def test_review_search_each_field(client, committee, edition, recommending_unit, batch, recommended, query,
                                  expected):
    unit = factories.DeclaringUnitFactory(parent=recommending_unit, name="郑州重型机械厂")
    entries = [recommended(title="数控车床快换刀具"),
               factories.EntryFactory(edition=edition, declaring_unit=unit, status="recommended",
                                      recommendation_rank=9, title="焊接夹具改进"),
               recommended(title="CNC Tool Holder")]
    Completer.objects.filter(entry=entries[1]).update(name="欧阳明")
    html = _login(client, committee).get(_review_url(edition) + "?" + query).content.decode()
    shown = {i for i, e in enumerate(entries)
             if reverse("screening:review_entry", args=[edition.slug, e.pk]) + '"><strong>' in html}
    assert shown == expected


def test_review_search_costs_the_same_queries(client, committee, edition, recommended):
    url = _review_url(edition) + "?q=作品"
    _login(client, committee)
    for _ in range(2):
        recommended(title="测试作品")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        recommended(title="测试作品")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


@pytest.mark.parametrize("role,expected", [
    ("committee", 200), ("site_admin", 200), ("recommender", 403), ("declarer", 403), ("expert", 403),
    ("outsider", 403), ("anonymous", 302),
])
def test_review_export_per_role(client, actor_of, role, expected, edition, recommended):
    recommended()
    assert _login(client, actor_of(role)).get(_review_url(edition, "review_export")).status_code == expected


def test_review_export_has_the_checklist_and_flags_and_follows_the_filters(client, committee, edition,
                                                                          recommended):
    good = recommended(title="=1+1")
    unstamped = recommended(stamped=False, title="缺扫描件")
    Flag.objects.create(edition=edition, entry=unstamped, other=good, kind=FlagKind.SIMILAR_TITLE, score=0.9,
                        details={})
    _login(client, committee)
    ws = _sheet(client.get(_review_url(edition, "review_export")))
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in ws[1]]
    assert header[-3:] == ["形式审查项", "自动提示", "补正截止日期"] and header[0] == "编号"
    assert rows[good.pk][1] == "=1+1" and ws.cell(row=2, column=2).data_type == "s"
    assert rows[good.pk][10] == "通过" and rows[good.pk][11] is None
    assert rows[unstamped.pk][10] == "未通过：已上传加盖公章的申报表扫描件"
    assert rows[unstamped.pk][11].endswith("× 1")
    filtered = _sheet(client.get(_review_url(edition, "review_export") + "?failing=stamped_form&page=3"))
    assert [r[0] for r in filtered.iter_rows(min_row=2, values_only=True)] == [unstamped.pk]
    html = client.get(_review_url(edition) + "?q=扫描&page=1").content.decode()
    assert _review_url(edition, "review_export") + "?q=%E6%89%AB%E6%8F%8F" in html
