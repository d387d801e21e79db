"""Who may use the pool's pages and API (every role), the API's answers, and the constant number of
queries of the pool and conflict lists at two sizes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuxiao.accounts.models import Role
from wuxiao.common import api_auth
from wuxiao.common.models import AuditLog
from wuxiao.review import services_pool as services
from wuxiao.review.models import Conflict, ConflictSource, Expert, ReviewAssignment

from ..factories import DeclaringUnitFactory, user_with_role
from .helpers_pool import make_expert, review_entry

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "declarer", "recommender", "committee", "expert", "assigned_expert", "conflicted_expert",
         "site_admin", "outsider"]
ALLOWED = {"committee", "site_admin"}


@pytest.fixture
def world(edition, committee):
    """An entry in the second round, an expert assigned to it (published) and one conflicted with it."""
    unit = DeclaringUnitFactory()
    entry = review_entry(edition, unit)
    assigned_user, conflicted_user = user_with_role(Role.EXPERT), user_with_role(Role.EXPERT)
    assigned = make_expert(edition, name="甲", user=assigned_user, status="accepted")
    conflicted = make_expert(edition, name="乙", user=conflicted_user, status="accepted",
                             organisation_name=unit.name, organisation=unit)
    ReviewAssignment.objects.create(edition=edition, entry=entry, expert=assigned, published_at=timezone.now())
    services.run_conflict_check(edition)
    return {"entry": entry, "assigned_expert": assigned_user, "conflicted_expert": conflicted_user,
            "conflict": Conflict.objects.get(expert=conflicted), "expert_row": assigned}


@pytest.fixture
def actor(request, world):
    def get(role):
        if role == "anonymous":
            return None
        if role in ("assigned_expert", "conflicted_expert"):
            return world[role]
        return request.getfixturevalue(role)

    return get


def _pages(edition, world):
    slug = edition.slug
    return [
        ("get", reverse("review:settings", args=[slug])),
        ("get", reverse("review:pool", args=[slug])),
        ("get", reverse("review:expert_add", args=[slug])),
        ("get", reverse("review:expert_edit", args=[slug, world["expert_row"].pk])),
        ("get", reverse("review:import", args=[slug])),
        ("get", reverse("review:import_template", args=[slug])),
        ("get", reverse("review:conflicts", args=[slug])),
        ("get", reverse("review:conflict_add", args=[slug])),
        ("get", reverse("review:conflict_lift", args=[slug, world["conflict"].pk])),
        ("get", reverse("review:groups", args=[slug])),
        ("get", reverse("review:conflict_check_status", args=[slug])),
        ("post", reverse("review:conflict_check", args=[slug])),
        ("post", reverse("review:invite", args=[slug])),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_pages_per_role(client, actor, role, edition, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user = actor(role)
    if user is not None:
        client.force_login(user)
    for method, url in _pages(edition, world):
        response = getattr(client, method)(url)
        if role in ALLOWED:
            assert response.status_code in (200, 302), url
            if response.status_code == 302:
                assert "/accounts/login" not in response["Location"], url
        elif user is None:
            assert response.status_code == 302 and "login" in response["Location"], url
        else:
            assert response.status_code == 403, (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_office_writes_refused_for_others(client, actor, role, edition, world):
    user = actor(role)
    if user is not None:
        client.force_login(user)
    conflict = world["conflict"]
    client.post(reverse("review:conflict_lift", args=[edition.slug, conflict.pk]), {"reason": "无关"})
    client.post(reverse("review:expert_add", args=[edition.slug]), {
        "name": "入侵者", "organisation_name": "x", "title": "senior", "fields_text": "C", "mobile": "13600005555"})
    conflict.refresh_from_db()
    if role in ALLOWED:
        assert conflict.lifted_at is not None and Expert.objects.filter(name="入侵者").exists()
    else:
        assert conflict.lifted_at is None and not Expert.objects.filter(name="入侵者").exists()


def _api(actor, role):
    user = actor(role)
    if user is None:
        return Client(), {}
    _, raw = api_auth.create_api_token(actor=user, name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("role", ROLES)
def test_api_per_role(actor, role, edition, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client, headers = _api(actor, role)
    base = f"/api/review/{edition.slug}"
    answers = [
        client.get(f"{base}/experts", headers=headers),
        client.get(f"{base}/experts/{world['expert_row'].pk}", headers=headers),
        client.get(f"{base}/conflicts", headers=headers),
        client.get(f"{base}/conflict-check", headers=headers),
        client.get(f"{base}/settings", headers=headers),
        client.post(f"{base}/conflicts/{world['conflict'].pk}/lift", {"reason": "无关"},
                    content_type="application/json", headers=headers),
    ]
    for response in answers:
        if role in ALLOWED:
            assert response.status_code == 200, response.content
        elif role == "anonymous":
            assert response.status_code == 401
        else:
            assert response.status_code == 403


def test_api_experts_create_patch_and_errors(actor, edition, world):
    client, headers = _api(actor, "committee")
    base = f"/api/review/{edition.slug}"
    body = {"name": "赵工", "organisation_name": "郑州大学", "title": "associate", "mobile": "13600006666",
            "fields": [{"code": "C34", "depth": 3}, {"code": "4420"}], "email": "zhao@example.com"}
    response = client.post(f"{base}/experts", body, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["fields"] == [{"code": "34", "depth": 3}, {"code": "4420", "depth": 2}]
    assert created["status"] == "pool" and created["title_label"] == "副高级"
    # The same mobile again, an unknown code, a bad mobile: 422 with the form's messages.
    response = client.post(f"{base}/experts", {**body, "fields": [{"code": "9999"}], "mobile": "13600006666"},
                           content_type="application/json", headers=headers)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["mobile"] == ["专家库中赵工已使用该手机号码；一位专家只能对应一个手机号码。"]
    assert errors["fields"] == ["国民经济行业分类（GB/T 4754-2017）中没有该代码：9999。"]
    response = client.patch(f"{base}/experts/{created['id']}", {"load_min": 5, "load_max": 3},
                            content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"]["load_max"] == ["最多评审作品数不能少于最少评审作品数（5）。"]
    response = client.patch(f"{base}/experts/{created['id']}", {"load_max": 12, "name": "赵高工"},
                            content_type="application/json", headers=headers)
    assert response.status_code == 200
    assert (response.json()["load_max"], response.json()["name"], response.json()["fields"][0]["code"]) == (
        12, "赵高工", "34")


def test_api_invite_conflicts_and_check(actor, edition, world, committee, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client, headers = _api(actor, "committee")
    base = f"/api/review/{edition.slug}"
    fresh = make_expert(edition, name="丙")
    response = client.post(f"{base}/invitations", {"expert_ids": [fresh.pk]}, content_type="application/json",
                           headers=headers)
    assert response.status_code == 409 and response.json()["detail"].startswith("请先进行回避检查")
    response = client.post(f"{base}/conflict-check", {}, content_type="application/json", headers=headers)
    assert response.status_code == 202 and response.json()["current"] is True
    response = client.post(f"{base}/invitations", {"expert_ids": [fresh.pk]}, content_type="application/json",
                           headers=headers)
    assert response.status_code == 200
    assert response.json()[0]["invitation_url"].endswith(f"/review/invitation/{Expert.objects.get(pk=fresh.pk).token}/")
    entry = world["entry"]
    response = client.post(f"{base}/conflicts", {"expert_id": fresh.pk, "entry_id": entry.pk, "reason": "师生关系"},
                           content_type="application/json", headers=headers)
    assert response.status_code == 201 and response.json()[0]["source"] == "office"
    response = client.get(f"{base}/conflicts?source=office", headers=headers)
    assert [c["reason"] for c in response.json()["items"]] == ["师生关系"]
    response = client.post(f"{base}/conflicts", {"expert_id": fresh.pk, "entry_id": entry.pk, "reason": ""},
                           content_type="application/json", headers=headers)
    assert response.status_code == 409 and response.json()["field"] == "reason"
    conflict_id = Conflict.objects.get(source=ConflictSource.OFFICE).pk
    response = client.post(f"{base}/conflicts/{conflict_id}/lift", {"reason": "已核实无关"},
                           content_type="application/json", headers=headers)
    assert response.status_code == 200 and response.json()["lift_reason"] == "已核实无关"
    response = client.patch(f"{base}/settings", {"reviews_per_entry": 0}, content_type="application/json",
                            headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"]["reviews_per_entry"] == ["每件作品至少需要一位专家评审。"]
    response = client.patch(f"{base}/settings", {"reviews_per_entry": 3, "max_per_organisation": None},
                            content_type="application/json", headers=headers)
    assert response.status_code == 200 and response.json()["reviews_per_entry"] == 3
    assert AuditLog.objects.filter(action="review.update_settings").exists()


def _fill(edition, n):
    unit = DeclaringUnitFactory()
    for i in range(n):
        expert = make_expert(edition, name=f"专家{i}", fields=(("C", 2), ("34", 3)),
                             organisation_name=unit.name, organisation=unit)
        entry = review_entry(edition, unit)
        Conflict.objects.create(edition=edition, expert=expert, entry=entry, source=ConflictSource.OFFICE,
                                reason="测试", unit=unit)


@pytest.mark.parametrize("name", ["review:pool", "review:conflicts"])
def test_constant_queries(client, committee, edition, name):
    client.force_login(committee)
    url = reverse(name, args=[edition.slug])
    _fill(edition, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _fill(edition, 30)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("专家29") >= 1 and len(response.context["page"].object_list) == 33
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
