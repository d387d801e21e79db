"""GET /api/editions, /api/editions/current, /api/editions/{slug}: public configuration (R2–R24)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuxiao.competitions import services
from wuxiao.competitions.models import Category, CommitteeMember, Criterion, PrizeTier

from .. import factories
from .conftest import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhengzhou(db):
    return services.create_zhengzhou_2025()


def test_zhengzhou_2025_configuration_as_the_notice_fixes_it(zhengzhou):
    response = Client().get("/api/editions/zhengzhou-2025")

    assert response.status_code == 200
    data = response.json()
    assert {k: data[k] for k in (
        "slug", "title", "year", "document_number", "is_practice", "is_current", "notice_date",
        "declaration_opens_at", "declaration_deadline", "recommendation_deadline", "window_start", "window_end",
        "declaration_open", "recommendation_quota", "roadshow_minutes", "site_visit_top_n",
    )} == {
        "slug": "zhengzhou-2025",
        "title": "2025年郑州市“创领未来”职工“五小”创新竞赛",
        "year": 2025,
        "document_number": "郑工发〔2025〕2号",
        "is_practice": False,
        "is_current": False,
        "notice_date": "2025-03-10",
        "declaration_opens_at": "2025-03-10T00:00:00+08:00",
        "declaration_deadline": "2025-03-28T17:30:00+08:00",  # R15, Beijing time
        "recommendation_deadline": "2025-03-28T17:30:00+08:00",
        "window_start": "2022-03-10",  # R2
        "window_end": "2025-03-28",
        "declaration_open": False,
        "recommendation_quota": 20,  # R6
        "roadshow_minutes": 5,  # R8
        "site_visit_top_n": 20,  # R9
    }
    assert data["issuers"].startswith("郑州市总工会 ")
    assert data["materials"] == {  # R24
        "ppt_max_mb": 100, "ppt_aspect": "16:9", "video_max_minutes": 5, "video_max_mb": 800,
        "video_width": 1920, "video_height": 1080, "video_formats": ["mp4", "wmv"],
    }
    assert data["contact"] == {  # R16
        "name": "张大千", "phone": "0371-67885139", "email": "daqian1212@126.com",
        "address": "郑州市职工服务中心（工人路84号）205房间",
    }
    assert [c["name"] for c in data["categories"]] == ["小发明", "小创造", "小革新", "小建议", "小设计"]  # R3
    assert [f["name"] for f in data["presentation_forms"]] == ["实物展示", "文字图片展示", "模型展示", "PPT和多媒体展示"]
    assert [e["number"] for e in data["exclusions"]] == [1, 2, 3, 4, 5, 6, 7]  # R4
    assert data["exclusions"][0]["text"] == "第一完成人是企业主要负责人（含实际控制人）取得的创新作品"
    assert data["criteria"] == [  # R7
        {"name": n, "max_points": 25, "description": ""}
        for n in ("实际运用水平", "产业（行业）领先水平", "生产效率提升水平", "能源消耗降低水平")
    ]
    assert data["criteria_total_points"] == 100
    assert data["prize_tiers"] == [  # R11
        {"name": "特等奖", "count": 3, "amount_yuan": 20000, "total_yuan": 60000},
        {"name": "一等奖", "count": 10, "amount_yuan": 15000, "total_yuan": 150000},
        {"name": "二等奖", "count": 20, "amount_yuan": 10000, "total_yuan": 200000},
        {"name": "三等奖", "count": 30, "amount_yuan": 2000, "total_yuan": 60000},
    ]
    assert (data["prize_count_total"], data["prize_money_total_yuan"]) == (63, 470000)
    assert data["committee_members"][0] == {  # R13
        "body": "committee", "body_label": str(CommitteeMember(body="committee").get_body_display()),
        "function": "主任", "name": "王玉红", "post": "市总工会党组书记、常务副主席、一级调研员",
    }
    assert len(data["committee_members"]) == CommitteeMember.objects.filter(edition=zhengzhou).count()
    assert "notice_text" not in data


def test_open_edition_says_so_and_dates_are_in_beijing_time(edition):
    data = Client().get(f"/api/editions/{edition.slug}").json()

    assert data["declaration_open"] is True
    deadline = dt.datetime.fromisoformat(data["declaration_deadline"])
    assert deadline.utcoffset() == dt.timedelta(hours=8)
    assert abs(deadline - edition.declaration_deadline) < dt.timedelta(milliseconds=1)


def test_unknown_slug_is_404_in_chinese(edition):
    response = Client().get("/api/editions/no-such-edition")

    assert response.status_code == 404
    assert response.json() == {"detail": "没有使用该简称的竞赛。"}


def test_current_is_the_marked_one_else_the_newest(zhengzhou):
    newer = factories.EditionFactory(year=2026)
    client = Client()

    assert client.get("/api/editions/current").json()["slug"] == newer.slug
    services.set_current_edition(edition=zhengzhou, actor=None)
    data = client.get("/api/editions/current").json()
    assert (data["slug"], data["is_current"]) == ("zhengzhou-2025", True)


def test_current_without_any_edition_is_404_in_chinese(db):
    response = Client().get("/api/editions/current")

    assert response.status_code == 404
    assert response.json() == {"detail": "尚未设立任何一届竞赛。"}


def test_list_of_editions(zhengzhou):
    practice = services.create_zhengzhou_2025(slug="practice", is_practice=True,
                                              shift=timezone.now() - services.presets.beijing(2025, 3, 11))

    data = Client().get("/api/editions").json()

    opens, deadline = data[0].pop("declaration_opens_at"), data[0].pop("declaration_deadline")
    assert data == [
        {"slug": "practice", "title": zhengzhou.title, "year": 2025, "is_practice": True, "is_current": False,
         "declaration_open": True},
        {"slug": "zhengzhou-2025", "title": zhengzhou.title, "year": 2025, "is_practice": False, "is_current": False,
         "declaration_opens_at": "2025-03-10T00:00:00+08:00", "declaration_deadline": "2025-03-28T17:30:00+08:00",
         "declaration_open": False},
    ]
    assert opens.endswith("+08:00") and deadline.endswith("+08:00")
    assert abs(dt.datetime.fromisoformat(deadline) - practice.declaration_deadline) < dt.timedelta(milliseconds=1)


@pytest.mark.parametrize("role", ROLES)
def test_public_for_every_role(as_role, role, zhengzhou):
    client, headers, _ = as_role(role, "token" if role.endswith("r") else "session")

    for url in ("/api/editions", "/api/editions/current", "/api/editions/zhengzhou-2025"):
        assert client.get(url, headers=headers).status_code == 200, url


def test_query_count_does_not_grow_with_the_lists(zhengzhou, django_assert_max_num_queries):
    client = Client()
    with CaptureQueriesContext(connection) as small:
        client.get("/api/editions/zhengzhou-2025")
    for i in range(30):
        Category.objects.create(edition=zhengzhou, name=f"类别{i}", position=10 + i)
        Criterion.objects.create(edition=zhengzhou, name=f"方面{i}", max_points=1, position=10 + i)
        PrizeTier.objects.create(edition=zhengzhou, name=f"奖{i}", count=1, amount_yuan=1, position=10 + i)
        CommitteeMember.objects.create(edition=zhengzhou, body="experts", function="成员", name=f"专家{i}")

    with django_assert_max_num_queries(len(small)):
        data = client.get("/api/editions/zhengzhou-2025").json()
    assert len(data["categories"]) == 35
    with django_assert_max_num_queries(len(small)):
        client.get("/api/editions/current")
    # the edition and its six lists
    assert len(small) == 7


def test_list_is_one_query(zhengzhou, django_assert_num_queries):
    factories.EditionFactory.create_batch(5)

    with django_assert_num_queries(1):
        assert len(Client().get("/api/editions").json()) == 6
