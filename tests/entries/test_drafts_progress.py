"""The office sees that a unit has drafts and how complete they are (for reminders), not their content."""

import pytest
from django.urls import reverse

from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry
from wuxiao.entries.queries import draft_progress

from .. import factories

pytestmark = pytest.mark.django_db

DRAFTS = reverse("entries:drafts")


@pytest.fixture
def drafts(edition, declaring_unit):
    edition.is_current = True
    edition.save()
    full = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="完整的草稿甲")
    empty = Entry.objects.create(edition=edition, declaring_unit=declaring_unit,
                                 recommending_unit=declaring_unit.parent, title="只有名称的草稿乙")
    factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=EntryStatus.SUBMITTED,
                           title="已提交的作品")
    return full, empty


def test_progress_counts_the_form_parts_filled(drafts, edition, declaring_unit):
    full, empty = drafts
    rows = draft_progress(Entry.objects.filter(edition=edition))
    # The factory's entry is complete (100 %); the other has a title only: 1 of 15 parts.
    assert rows == [{"unit": declaring_unit.name, "recommending_unit": declaring_unit.parent.name,
                     "drafts": 2, "average": round((100 + 100 * 1 / 15) / 2), "best": 100}]


def test_the_office_sees_counts_not_content(client, committee, drafts, declaring_unit):
    client.force_login(committee)
    page = client.get(DRAFTS).content.decode()
    assert declaring_unit.name in page and ">2<" in page
    assert "完整的草稿甲" not in page and "只有名称的草稿乙" not in page
    for draft in drafts:
        assert client.get(reverse("entries:view", args=[draft.pk])).status_code == 403


def test_the_query_count_does_not_grow_with_units(client, committee, edition, django_assert_max_num_queries):
    edition.is_current = True
    edition.save()
    for _ in range(6):
        factories.EntryFactory(edition=edition, declaring_unit=factories.DeclaringUnitFactory())
    client.force_login(committee)
    with django_assert_max_num_queries(8):
        assert client.get(DRAFTS).status_code == 200


@pytest.mark.parametrize("role", ["declarer", "recommender", "expert", "outsider"])
def test_only_the_office_opens_it(client, request, role, drafts):
    client.force_login(request.getfixturevalue(role))
    assert client.get(DRAFTS).status_code == 403
