"""Fixtures of tests/screening's own modules (imported by name: the flags' tests keep their own)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from wuxiao.accounts.models import Role

from .. import factories

ROLES = ["declarer", "recommender", "other_recommender", "committee", "expert", "site_admin", "outsider",
         "anonymous"]
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def other_recommender(db):
    """Staff of a recommending unit other than the declaring unit's."""
    return factories.user_with_role(Role.RECOMMENDER, factories.RecommendingUnitFactory())


@pytest.fixture
def actor_of(request):
    def get(role):
        return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)

    return get


@pytest.fixture
def entry_of(edition, declaring_unit):
    """An entry of `declaring_unit` in `edition`, in the given status."""

    def make(status="submitted", **kwargs):
        return factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, status=status, **kwargs)

    return make


def pdf_upload(name="汇总表.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
