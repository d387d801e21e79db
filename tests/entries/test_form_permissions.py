"""Every role against every page of the entry form (allowed and refused), issue 3 items 1–5."""

import json

import pytest
from django.urls import reverse

from wuxiao.accounts.models import Role
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry

from .. import factories

pytestmark = pytest.mark.django_db

ROLES = ["declarer", "other_declarer", "recommender", "other_recommender", "committee", "expert", "site_admin",
         "outsider", "anonymous"]


@pytest.fixture
def other_declarer(db):
    """Staff of another declaring unit."""
    return factories.user_with_role(Role.DECLARER)


@pytest.fixture
def other_recommender(db):
    return factories.user_with_role(Role.RECOMMENDER)


@pytest.fixture
def draft(edition, declaring_unit):
    return factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="数控车床快换工装")


def _login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
def test_my_entries(client_as, role, draft):
    response = client_as(role).get(reverse("entries:mine"))
    if role == "anonymous":
        assert _login_redirect(response)
    elif role in ("declarer", "other_declarer"):
        assert response.status_code == 200
        assert ("数控车床快换工装" in response.content.decode()) == (role == "declarer")
        assert "新建作品" in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_create(client_as, user_of, role, edition, declaring_unit):
    response = client_as(role).post(reverse("entries:create"), {"unit": declaring_unit.pk, "edition": edition.pk,
                                                                "title": "新作品"})
    created = Entry.objects.filter(title="新作品")
    if role == "declarer":
        entry = created.get()
        assert response["Location"] == reverse("entries:edit", args=[entry.pk])
        assert entry.declaring_unit == declaring_unit and entry.created_by == user_of(role)
    elif role == "other_declarer":
        # Its own unit is the only choice: someone else's unit is not accepted.
        assert response.status_code == 302 and not created.exists()
    else:
        assert _login_redirect(response) if role == "anonymous" else response.status_code == 403
        assert not created.exists()


@pytest.mark.parametrize("role", ROLES)
def test_edit_page(client_as, role, draft):
    response = client_as(role).get(reverse("entries:edit", args=[draft.pk]))
    if role == "declarer":
        assert response.status_code == 200 and "保存草稿" in response.content.decode()
    elif role == "anonymous":
        assert _login_redirect(response)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_save_and_autosave(client_as, role, draft):
    client = client_as(role)
    response = client.post(reverse("entries:edit", args=[draft.pk]), {"title": "改名"})
    auto = client.post(reverse("entries:autosave", args=[draft.pk]), {"title": "改名"})
    draft.refresh_from_db()
    if role == "declarer":
        assert response.status_code == 200  # the completers' rows were missing: re-shown, the title saved
        assert auto.status_code == 200 and json.loads(auto.content)["ok"] is True
        assert draft.title == "改名"
        return
    assert draft.title == "数控车床快换工装"
    if role == "anonymous":
        assert _login_redirect(response)
        assert auto.status_code == 401
        assert json.loads(auto.content)["message"] == "登录已过期，请在新窗口登录后再保存"
    else:
        assert response.status_code == 403
        assert auto.status_code == 403 and json.loads(auto.content)["ok"] is False


@pytest.mark.parametrize("role", ROLES)
def test_submit(client_as, role, draft):
    response = client_as(role).post(reverse("entries:submit", args=[draft.pk]))
    draft.refresh_from_db()
    if role == "declarer":
        assert response["Location"] == reverse("entries:view", args=[draft.pk])
        assert draft.status == EntryStatus.SUBMITTED
    else:
        assert _login_redirect(response) if role == "anonymous" else response.status_code == 403
        assert draft.status == EntryStatus.DRAFT


@pytest.mark.parametrize("role", ROLES)
def test_delete(client_as, role, draft):
    response = client_as(role).post(reverse("entries:delete", args=[draft.pk]))
    exists = Entry.objects.filter(pk=draft.pk).exists()
    if role == "declarer":
        assert response["Location"] == reverse("entries:mine") and not exists
    else:
        assert _login_redirect(response) if role == "anonymous" else response.status_code == 403
        assert exists


@pytest.mark.parametrize("role", ROLES)
def test_view_a_submitted_entry(client_as, role, edition, declaring_unit):
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="已提交的作品",
                                   status=EntryStatus.SUBMITTED)
    response = client_as(role).get(reverse("entries:view", args=[entry.pk]))
    if role in ("declarer", "recommender", "committee", "site_admin"):
        assert response.status_code == 200 and "已提交的作品" in response.content.decode()
    elif role == "anonymous":
        assert _login_redirect(response)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_view_a_draft(client_as, role, draft):
    """A draft is its declaring unit's own until it is submitted: not the recommending unit's, not the office's."""
    response = client_as(role).get(reverse("entries:view", args=[draft.pk]))
    if role == "declarer":
        assert response.status_code == 200 and "数控车床快换工装" in response.content.decode()
    elif role == "anonymous":
        assert _login_redirect(response)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_industry_endpoints(client_as, role):
    client = client_as(role)
    options = client.get(reverse("entries:industry_options"), {"parent": "34"})
    search = client.get(reverse("entries:industry_search"), {"q": "3421"})
    if role == "anonymous":
        assert _login_redirect(options) and _login_redirect(search)
    else:
        assert '<option value="342">342 ' in options.content.decode()
        assert 'data-industry-code="3421"' in search.content.decode()


@pytest.mark.parametrize("url", ["entries:create", "entries:submit", "entries:delete", "entries:autosave"])
def test_post_only(client_as, draft, url):
    args = [] if url == "entries:create" else [draft.pk]
    assert client_as("declarer").get(reverse(url, args=args)).status_code == 405
