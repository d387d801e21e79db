"""Two people acting at the same moment (PostgreSQL only: SQLite serialises all writers anyway)."""

import threading
import time

import pytest
from django.db import close_old_connections, connection

from wuxiao.accounts.models import Role, User
from wuxiao.common.exceptions import Refused
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.entries.services import transition_entry

from .. import factories

pytestmark = [
    pytest.mark.pg,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL row locks; SQLite's IMMEDIATE transactions serialise writers"),
]


def race(calls) -> list:
    """Run each call in its own thread and database connection, released at the same moment."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            start.wait(timeout=10)
            results[i] = call()
        except Refused as refused:
            results[i] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    return results


@pytest.fixture
def slow_quota_check(monkeypatch):
    """Widen the window between locking the unit and counting its recommendations.

    Without the lock both threads would sit here together, both count 19 and both recommend: the
    test would then fail. With it, the second waits at the lock until the first has committed.
    """
    from wuxiao.screening import services as screening_services

    original = screening_services.extra_quota_of

    def slow(edition, unit):
        time.sleep(0.5)
        return original(edition, unit)

    # The screening stage's quota guard (screening/transitions.py) reads it after locking the unit.
    monkeypatch.setattr(screening_services, "extra_quota_of", slow)


def test_twentieth_and_twenty_first_recommended_at_once_only_one_succeeds(slow_quota_check):
    edition = factories.EditionFactory()
    declaring_unit = factories.DeclaringUnitFactory()
    recommender = factories.user_with_role(Role.RECOMMENDER, declaring_unit.parent)
    colleague = factories.user_with_role(Role.RECOMMENDER, declaring_unit.parent)
    for rank in range(1, 20):
        factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status="recommended",
                               recommendation_rank=rank)
    a, b = (factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status="submitted")
            for _ in range(2))

    def recommend(entry, user):
        # each thread loads its own objects, as two requests would
        return lambda: transition_entry(entry=Entry.objects.get(pk=entry.pk), action="recommend",
                                        actor=User.objects.get(pk=user.pk), data={"opinion": "同意推荐"})

    results = race([recommend(a, recommender), recommend(b, colleague)])

    succeeded = [r for r in results if isinstance(r, Entry)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(succeeded) == 1 and len(refused) == 1, results
    assert "推荐名额已满：本单位名额 20 项" in str(refused[0].message) and "现已推荐 20 项" in str(refused[0].message)
    assert Entry.objects.filter(edition=edition, status="recommended").count() == 20
    assert EntryTransition.objects.filter(action="recommend").count() == 1
    assert succeeded[0].recommendation_rank == 20


def test_double_click_moves_the_entry_once(slow_quota_check):
    """The entry's own row lock: the second click waits, then finds the entry already recommended."""
    edition = factories.EditionFactory()
    declaring_unit = factories.DeclaringUnitFactory()
    recommender = factories.user_with_role(Role.RECOMMENDER, declaring_unit.parent)
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status="submitted")

    def click():
        return transition_entry(entry=Entry.objects.get(pk=entry.pk), action="recommend",
                                actor=User.objects.get(pk=recommender.pk), data={"opinion": "同意推荐"})

    results = race([click, click])

    assert sorted(type(r).__name__ for r in results) == ["Entry", "Refused"], results
    assert EntryTransition.objects.filter(entry=entry).count() == 1
    assert Entry.objects.get(pk=entry.pk).status == "recommended"


@pytest.fixture
def slow_audit(monkeypatch):
    """Hold each creating transaction open for a moment, so that the two requests overlap inside it."""
    from wuxiao.common import audit

    original = audit.record

    def slow(**kwargs):
        time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(audit, "record", slow)


def test_a_double_click_on_start_with_its_key_makes_one_draft(slow_audit):
    """The second request waits at the key's unique index until the first commits, then gets its draft."""
    from wuxiao.entries.declaration import create_entry

    edition = factories.EditionFactory()
    unit = factories.DeclaringUnitFactory()
    declarer = factories.user_with_role(Role.DECLARER, unit)

    def click():
        return create_entry(actor=User.objects.get(pk=declarer.pk), unit=unit, edition=edition, title="巡检机器人",
                            request_key="same-form")

    results = race([click, click])

    assert all(isinstance(r, Entry) for r in results), results
    assert results[0].pk == results[1].pk == Entry.objects.get().pk


def test_an_upload_sent_twice_at_once_with_its_key_is_stored_once(slow_audit, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wuxiao.entries.models import Attachment
    from wuxiao.entries.services_attachments import add_attachment

    from .test_attachments_checks import jpeg_bytes

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    unit = factories.DeclaringUnitFactory()
    declarer = factories.user_with_role(Role.DECLARER, unit)
    entry = factories.EntryFactory(declaring_unit=unit, status="draft")

    def send():
        return add_attachment(actor=User.objects.get(pk=declarer.pk), entry=Entry.objects.get(pk=entry.pk),
                              kind="photo", uploaded_file=SimpleUploadedFile("现场.jpg", jpeg_bytes()),
                              request_key="same-upload")

    results = race([send, send])

    attachment = Attachment.objects.get()
    assert [r.pk for r in results] == [attachment.pk, attachment.pk], results
    # The second request's own copy was removed: only the kept file and its thumbnail remain.
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [attachment.file.name, attachment.details["thumbnail"]])
