"""The queue's checklist filter (issue 4 item 6) agrees with the checklist, entry by entry.

The filter runs five items as SQL conditions and the "complete" item over light rows
(screening/checklist.py); the page's checklist runs in Python on the loaded entries. Every fault
below is made on its own entry and in pairs, and for each filter value the queue must list exactly
the entries whose checklist fails that item.
"""

import datetime as dt
import itertools

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuxiao.entries.models import Attachment, AttachmentKind, Completer, Entry, ExclusionAnswer
from wuxiao.screening import checklist
from wuxiao.screening.queries import review_entries

from .. import factories
from .review_fixtures import batch, recommended, stamp_commitment, stamp_form  # noqa: F401
from .screen_fixtures import _media  # noqa: F401

pytestmark = pytest.mark.django_db


def _attach(entry, kind, details):
    Attachment.objects.create(entry=entry, kind=kind, original_name="x", size=3,
                              file=ContentFile(b"abc", name="x.bin"), details=details)


# Each fault: what it does to a freshly made (complete, stamped) entry.
FAULTS = {
    "no_stamp": lambda e, ctx: Attachment.objects.filter(entry=e, kind=AttachmentKind.STAMPED_FORM).delete(),
    "other_unit_unstamped": lambda e, ctx: Entry.objects.filter(pk=e.pk).update(declaring_unit=ctx["unstamped"]),
    "exclusion_applies": lambda e, ctx: ExclusionAnswer.objects.filter(entry=e, exclusion__number=3)
    .update(applies=True),
    "exclusion_unanswered": lambda e, ctx: ExclusionAnswer.objects.filter(entry=e, exclusion__number=1).delete(),
    "answer_of_other_edition_only": lambda e, ctx: (
        ExclusionAnswer.objects.filter(entry=e, exclusion__number=2).delete(),
        ExclusionAnswer.objects.create(entry=e, exclusion=ctx["foreign_exclusion"], applies=False)),
    "date_before_window": lambda e, ctx: Entry.objects.filter(pk=e.pk).update(
        completed_on=ctx["edition"].window_start - dt.timedelta(days=1)),
    "date_missing": lambda e, ctx: Entry.objects.filter(pk=e.pk).update(completed_on=None),
    "field_blank": lambda e, ctx: Entry.objects.filter(pk=e.pk).update(union_opinion_by="  "),
    "too_many_zi": lambda e, ctx: Entry.objects.filter(pk=e.pk).update(benefits="效" * 501),
    "limit_exactly": lambda e, ctx: Entry.objects.filter(pk=e.pk).update(benefits="效" * 499 + " ok"),
    "completer_phone_bad": lambda e, ctx: Completer.objects.filter(entry=e).update(phone="12345"),
    "no_presentation_form": lambda e, ctx: e.presentation_forms.clear(),
    "ppt_unchecked": lambda e, ctx: _attach(e, AttachmentKind.PPT, {}),
    "ppt_zero_slides": lambda e, ctx: _attach(e, AttachmentKind.PPT, {"slides": 0}),
    "ppt_checked": lambda e, ctx: _attach(e, AttachmentKind.PPT, {"slides": 14}),
    "video_unchecked": lambda e, ctx: _attach(e, AttachmentKind.VIDEO, {"duration": 30}),
    "video_checked": lambda e, ctx: _attach(e, AttachmentKind.VIDEO, {"width": 1920, "height": 1080}),
}


@pytest.fixture
def faulty(edition, recommended, recommending_unit):
    """One entry with no fault, one per fault and one per pair of faults; returns them by name."""
    unstamped = factories.DeclaringUnitFactory(parent=recommending_unit)
    other = factories.EditionFactory()
    ctx = {"edition": edition, "unstamped": unstamped, "foreign_exclusion": other.exclusions.get(number=2)}
    made = {"clean": recommended()}
    cases = [(name,) for name in FAULTS] + list(itertools.combinations(
        ["no_stamp", "exclusion_applies", "date_before_window", "too_many_zi", "ppt_unchecked",
         "other_unit_unstamped"], 2))
    for case in cases:
        entry = recommended()
        for name in case:
            FAULTS[name](entry, ctx)
        made["+".join(case)] = entry
    return made


def _python_failing(edition) -> dict[int, set[str]]:
    entries = list(checklist.with_checklist_data(review_entries(edition)))
    checklist.annotate(entries, edition)
    return {e.pk: set(e.checks_failing) for e in entries}


def test_every_filter_lists_exactly_the_entries_failing_that_item(edition, faulty):
    expected = _python_failing(edition)
    assert len(expected) == len(faulty)
    names = {e.pk: name for name, e in faulty.items()}
    # The faults are seen at all (else the comparison below would prove little).
    assert expected[faulty["clean"].pk] == set()
    assert expected[faulty["limit_exactly"].pk] == set()
    assert expected[faulty["ppt_checked"].pk] == expected[faulty["video_checked"].pk] == set()
    assert "complete" in expected[faulty["too_many_zi"].pk]
    assert "attachments" in expected[faulty["ppt_zero_slides"].pk]
    assert "exclusions" in expected[faulty["answer_of_other_edition_only"].pk]
    assert "commitment" in expected[faulty["other_unit_unstamped"].pk]
    for key in [*checklist.ITEMS, "any"]:
        want = {pk for pk, failing in expected.items() if (failing if key == "any" else key in failing)}
        got = set(review_entries(edition, failing=key).values_list("pk", flat=True))
        assert {names[pk] for pk in got} == {names[pk] for pk in want}, key
        assert want, key  # every filter value has at least one entry to find


def test_filter_combines_with_the_other_filters(edition, faulty, recommending_unit):
    stamped_only = set(review_entries(edition, failing="stamped_form", status="recommended").values_list("pk", flat=True))
    assert faulty["no_stamp"].pk in stamped_only
    other = factories.RecommendingUnitFactory()
    assert not review_entries(edition, failing="any", unit=other.pk).exists()
    assert review_entries(edition, failing="any", unit=recommending_unit.pk).count() > 10


def test_complete_filter_query_count_does_not_grow(client, committee, edition, recommended):
    for _ in range(3):
        entry = recommended()
        Entry.objects.filter(pk=entry.pk).update(benefits="效" * 501)
    client.force_login(committee)
    url = reverse("screening:review", args=[edition.slug])
    client.get(url, {"failing": "any"})
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"failing": "any"})
    assert response.context["page"].paginator.count == 3
    for _ in range(20):
        entry = recommended()
        Entry.objects.filter(pk=entry.pk).update(benefits="效" * 501)
        recommended()  # a complete one, checked and not listed
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"failing": "any"})
    assert response.context["page"].paginator.count == 23
    assert len(few) == len(many)
