"""The committee's audit-log page: filters, Beijing time, labels, exports, and no N+1."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from wuxiao.common import audit
from wuxiao.common.models import AuditLog
from wuxiao.orgs import services

from .. import factories
from ..test_no_rule_codes import visible_text

URL = reverse("common:audit_log")
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(row: AuditLog, when: dt.datetime) -> AuditLog:
    AuditLog.objects.filter(pk=row.pk).update(at=when)
    row.refresh_from_db()
    return row


@pytest.fixture
def rows(committee, recommender, declaring_unit, edition):
    """Three decisions by two people, on two days (Beijing time)."""
    reject = services.reject_registration(actor=recommender, unit=declaring_unit, reason="所属工会不符")
    accept = services.accept_registration(actor=committee, unit=declaring_unit)
    edition_row = audit.record(actor=committee, action="edition.set_current", obj=edition, edition=edition)
    log = list(AuditLog.objects.order_by("id"))
    # 2025-03-28 00:30 in Beijing is still 2025-03-27 in UTC: the page must count it on the 28th.
    at(log[0], dt.datetime(2025, 3, 27, 10, 0, tzinfo=BEIJING))
    at(log[1], dt.datetime(2025, 3, 28, 0, 30, tzinfo=BEIJING))
    at(log[2], dt.datetime(2025, 3, 29, 9, 0, tzinfo=BEIJING))
    assert reject and accept and edition_row
    return log


@pytest.mark.parametrize("role,expected", [
    ("anonymous", 302), ("outsider", 403), ("declarer", 403), ("recommender", 403), ("other_recommender", 403),
    ("expert", 403), ("committee", 200), ("site_admin", 200),
])
def test_audit_log_access(client_as, rows, role, expected):
    response = client_as(role).get(URL)
    if expected == 302:
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    else:
        assert response.status_code == expected
    for fmt in ("csv", "xlsx"):
        export = client_as(role).get(URL, {"export": fmt})
        assert export.status_code == expected


def test_rows_show_beijing_time_actor_label_reason(client_as, rows, recommender, declaring_unit):
    html = client_as("committee").get(URL).content.decode()
    assert "2025-03-28 00:30:00" in html  # Beijing time, not UTC (16:30 the day before)
    assert "2025-03-27 16:30" not in html
    assert recommender.name in html
    assert "注册审核不通过" in html and "注册审核通过" in html
    assert 'value="registration.reject"' in html and "registration.reject" not in visible_text(html)
    assert "所属工会不符" in html
    assert declaring_unit.name in html
    assert reverse("orgs:unit_detail", args=[declaring_unit.pk]) in html
    assert "共 3 条记录。" in html
    assert html.index("2025-03-29") < html.index("2025-03-28") < html.index("2025-03-27")


def test_entry_actions_are_named_from_the_entries_app():
    from wuxiao.common.views import action_label
    from wuxiao.entries.enums import Action

    assert action_label("entry.recommend") == "作品已推荐"
    assert Action.RECOMMEND.label == "推荐"  # the transition's own label is the verb; the log says what happened
    assert action_label("entry.no_such_action") == "entry.no_such_action"
    assert action_label("something.unknown") == "something.unknown"
    with translation.override("en"):
        assert action_label("registration.reject") == "registration rejected"


def count(response) -> int:
    return response.context["page"].paginator.count


@pytest.mark.parametrize("params,expected", [
    ({"action": "registration.reject"}, 1),
    ({"action": "edition.set_current"}, 1),
    ({"object_type": "orgs.organisation"}, 2),
    ({"object_type": "competitions.edition"}, 1),
    ({"date_from": "2025-03-28"}, 2),
    ({"date_to": "2025-03-27"}, 1),
    ({"date_from": "2025-03-28", "date_to": "2025-03-28"}, 1),
    ({"q": "所属工会"}, 1),
    ({"q": "不存在的文字"}, 0),
])
def test_filters(client_as, rows, params, expected):
    assert count(client_as("committee").get(URL, params)) == expected


def test_actor_filter_searches_name_and_username(client_as, rows, recommender, committee):
    client = client_as("committee")
    assert count(client.get(URL, {"actor": recommender.display_name})) == 1
    assert count(client.get(URL, {"actor": committee.username})) == 2


def test_edition_filter(client_as, rows, edition):
    assert count(client_as("committee").get(URL, {"edition": edition.pk})) == 1


def test_object_id_filter(client_as, rows, declaring_unit):
    response = client_as("committee").get(URL, {"object_type": "orgs.organisation", "object_id": declaring_unit.pk})
    assert count(response) == 2


def test_action_select_lists_the_distinct_actions(client_as, rows):
    html = client_as("committee").get(URL).content.decode()
    assert html.count('value="registration.accept"') == 1
    assert '<option value="registration.accept">注册审核通过</option>' in html  # the label, not the code


def test_bad_dates_are_reported_beside_the_field(client_as, rows):
    response = client_as("committee").get(URL, {"date_from": "2025-03-29", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert "截止日期早于起始日期。" in response.content.decode()
    response = client_as("committee").get(URL, {"date_from": "昨天"})
    assert response.status_code == 200
    assert "输入一个有效的日期。" in response.content.decode()


def test_paginated_by_50(client_as, committee, declaring_unit):
    for i in range(60):
        audit.record(actor=committee, action="unit.update", obj=declaring_unit, data={"n": i})
    client = client_as("committee")
    first = client.get(URL)
    assert len(first.context["page"].object_list) == 50
    assert "第 1 页，共 2 页" in first.content.decode()
    assert len(client.get(URL, {"page": 2}).context["page"].object_list) == 10


def test_query_count_does_not_grow(client_as, committee, recommender, declaring_unit, edition):
    client = client_as("committee")

    def add(n):
        for i in range(n):
            actor = committee if i % 2 else factories.UserFactory()
            audit.record(actor=actor, action="unit.update", obj=declaring_unit, edition=edition, reason=f"r{i}")

    add(5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    add(55)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)


def test_csv_export_of_the_filtered_rows(client_as, rows):
    response = client_as("committee").get(URL, {"action": "registration.reject", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["时间（北京时间）", "操作人", "操作"]
    assert len(table) == 2
    assert table[1][0] == "2025-03-27 10:00:00"
    assert table[1][2] == "注册审核不通过" and table[1][3] == "registration.reject"
    assert table[1][8] == "所属工会不符"


def test_xlsx_export(client_as, rows):
    from openpyxl import load_workbook

    response = client_as("committee").get(URL, {"export": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 4
    assert values[1][0] == "2025-03-29 09:00:00" and values[1][2] == "设为公开页面展示的届次"


def test_time_shown_is_beijing_even_for_a_utc_midnight(client_as, committee, declaring_unit):
    row = audit.record(actor=committee, action="unit.update", obj=declaring_unit)
    at(row, dt.datetime(2025, 1, 1, 0, 0, tzinfo=dt.UTC))
    assert "2025-01-01 08:00:00" in client_as("committee").get(URL).content.decode()
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
