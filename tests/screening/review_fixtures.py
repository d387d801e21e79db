"""Fixtures of the eligibility check's tests (test_review*.py): a handed-over batch and its entries."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from wuxiao.entries.models import Attachment, AttachmentKind, CreditCommitment
from wuxiao.screening.models import Batch

from .. import factories


def stamp_form(entry):
    return Attachment.objects.create(entry=entry, kind=AttachmentKind.STAMPED_FORM, original_name="申报表.pdf",
                                     size=8, file=ContentFile(b"%PDF-1.4", name="form.pdf"))


def stamp_commitment(edition, unit):
    return CreditCommitment.objects.create(edition=edition, unit=unit, scan=ContentFile(b"%PDF-1.4", name="c.pdf"))


@pytest.fixture
def batch(edition, recommending_unit):
    return Batch.objects.create(edition=edition, unit=recommending_unit, submitted_at=timezone.now())


@pytest.fixture
def recommended(edition, declaring_unit, batch):
    """Make a recommended entry of the handed-over batch, with a stamped form and the unit's commitment."""
    ranks = iter(range(1, 1000))

    def make(stamped=True, commitment=True, **kwargs):
        entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status="recommended",
                                       recommendation_rank=next(ranks), **kwargs)
        if stamped:
            stamp_form(entry)
        if commitment and not CreditCommitment.objects.filter(edition=edition, unit=declaring_unit).exists():
            stamp_commitment(edition, declaring_unit)
        return entry

    return make
