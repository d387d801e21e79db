"""The admin shows entries and their history, but never changes an entry or a history row."""

import pytest
from django.urls import reverse

from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.entries.services import transition_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved_entry(entry_of, declarer):
    entry = entry_of("draft")
    transition_entry(entry=entry, action="submit", actor=declarer)
    return entry


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


def test_entry_list_and_page_show_status_and_history(admin_client, moved_entry):
    listing = admin_client.get(reverse("admin:entries_entry_changelist"))
    assert listing.status_code == 200
    assert moved_entry.title in listing.content.decode()

    page = admin_client.get(reverse("admin:entries_entry_change", args=[moved_entry.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="status"' not in html  # read-only: shown, not a field
    assert "已提交" in html and "作品流转记录" in html
    assert 'name="transitions-0-reason"' not in html


def test_posting_in_the_admin_changes_nothing(admin_client, moved_entry):
    """The admin is read-only: neither the title nor the status changes (common/admin.py)."""
    url = reverse("admin:entries_entry_change", args=[moved_entry.pk])
    response = admin_client.post(url, {
        "title": "改过的名称", "declaring_unit": moved_entry.declaring_unit_id,
        "recommending_unit": moved_entry.recommending_unit_id, "category": moved_entry.category_id,
        "status": "awarded",
        "transitions-TOTAL_FORMS": "1", "transitions-INITIAL_FORMS": "1",
        "transitions-MIN_NUM_FORMS": "0", "transitions-MAX_NUM_FORMS": "1000",
        "transitions-0-id": moved_entry.transitions.get().pk, "transitions-0-entry": moved_entry.pk,
    })
    assert response.status_code == 403
    fresh = Entry.objects.get(pk=moved_entry.pk)
    assert (fresh.title, fresh.status) == (moved_entry.title, "submitted")
    assert EntryTransition.objects.filter(entry=moved_entry).count() == 1


def test_entries_and_history_cannot_be_added_or_deleted(admin_client, moved_entry):
    step = moved_entry.transitions.get()
    for url in (reverse("admin:entries_entry_add"), reverse("admin:entries_entry_delete", args=[moved_entry.pk]),
                reverse("admin:entries_entrytransition_add"),
                reverse("admin:entries_entrytransition_delete", args=[step.pk])):
        assert admin_client.get(url).status_code == 403, url
    page = admin_client.get(reverse("admin:entries_entrytransition_change", args=[step.pk]))
    assert page.status_code == 200 and 'name="reason"' not in page.content.decode()
    assert admin_client.post(reverse("admin:entries_entrytransition_change", args=[step.pk]),
                             {"reason": "改写历史"}).status_code == 403
    assert EntryTransition.objects.get(pk=step.pk).reason == ""


@pytest.mark.parametrize("role", ["declarer", "recommender", "committee", "expert", "outsider"])
def test_admin_is_for_site_administrators_only(role, client, actors, moved_entry):
    client.force_login(actors[role])
    response = client.get(reverse("admin:entries_entry_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_anonymous_is_sent_to_login(client, moved_entry):
    response = client.get(reverse("admin:entries_entrytransition_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
