"""Who may use the Excel import (entries.import_entries, import_for_unit, view_import, confirm_import), for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from wuxiao.common.permissions import allowed
from wuxiao.entries.models import Entry, EntryImport

from .. import factories
from .conftest import ROLES
from .import_helpers import _media, fill, good_row, template_bytes, upload  # noqa: F401

pytestmark = pytest.mark.django_db

# role → may open the page, download the template and upload (entries.import_entries)
IMPORTERS = {"recommender", "other_recommender", "committee", "site_admin"}


@pytest.fixture
def uploaded(client, recommender, edition, declaring_unit) -> EntryImport:
    """A checked file of the recommending unit, awaiting confirmation."""
    client.force_login(recommender)
    response = upload(client, edition, fill(template_bytes(client, edition), [good_row(declaring_unit)]))
    assert response.status_code == 302
    client.logout()
    return EntryImport.objects.get()


def _client(client, actors, role):
    client.logout()
    if role != "anonymous":
        client.force_login(actors[role])
    return client


def _answer(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "login"
    return str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_the_import_page_and_template_are_for_recommending_units_and_the_office(client, actors, edition, role):
    c = _client(client, actors, role)
    expected = "200" if role in IMPORTERS else ("login" if role == "anonymous" else "403")
    assert _answer(c.get(reverse("entries:import", args=[edition.slug]))) == expected
    assert _answer(c.get(reverse("entries:import_template", args=[edition.slug]))) == expected
    response = c.post(reverse("entries:import", args=[edition.slug]), {})
    assert _answer(response) == expected
    if role in IMPORTERS:
        assert "请选择要上传的已填写模板（.xlsx）。" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_uploader_sees_confirms_or_discards_a_recommending_units_file(client, actors, uploaded, role):
    c = _client(client, actors, role)
    expected = "200" if role == "recommender" else ("login" if role == "anonymous" else "403")
    assert _answer(c.get(reverse("entries:import_preview", args=[uploaded.pk]))) == expected
    confirmed = c.post(reverse("entries:import_confirm", args=[uploaded.pk]))
    assert _answer(confirmed) == ("302" if role == "recommender" else expected)
    assert Entry.objects.exists() == (role == "recommender")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "recommender"])
def test_no_one_but_the_uploader_discards_its_file(client, actors, uploaded, role):
    c = _client(client, actors, role)
    assert _answer(c.post(reverse("entries:import_discard", args=[uploaded.pk]))) in ("403", "login")
    uploaded.refresh_from_db()
    assert uploaded.status == "pending"


def test_the_offices_imports_are_the_whole_offices_to_see_but_the_uploaders_to_confirm(committee, edition):
    colleague = factories.user_with_role("committee")
    entry_import = EntryImport(edition=edition, uploaded_by=committee, by_office=True)
    assert allowed(colleague, "entries.view_import", entry_import)
    assert not allowed(colleague, "entries.confirm_import", entry_import)
    assert allowed(committee, "entries.confirm_import", entry_import)


def test_import_for_unit_names_the_recommenders_own_declaring_units(actors, declaring_unit, recommending_unit):
    other_unit = factories.DeclaringUnitFactory()
    answers = {role: (allowed(actors[role], "entries.import_for_unit", declaring_unit),
                      allowed(actors[role], "entries.import_for_unit", other_unit)) for role in ROLES}
    assert answers == {"declarer": (False, False), "recommender": (True, False), "other_recommender": (False, False),
                       "committee": (True, True), "expert": (False, False), "site_admin": (True, True),
                       "outsider": (False, False), "anonymous": (False, False)}
    # Never a recommending unit itself, even for the office.
    assert not allowed(actors["committee"], "entries.import_for_unit", recommending_unit)
    assert not allowed(AnonymousUser(), "entries.import_entries")
