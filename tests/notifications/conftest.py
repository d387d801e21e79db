import pytest

from wuxiao.accounts.models import Role
from wuxiao.entries import services as entry_services

from .. import factories
from ..screening.review_fixtures import stamp_commitment, stamp_form


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://wuxiao.example"


@pytest.fixture
def people(edition, declaring_unit, recommending_unit, declarer, recommender, committee):
    """Two staff in each of the entry's units, plus staff of other units who must hear nothing."""
    other_declaring = factories.DeclaringUnitFactory(parent=recommending_unit)
    other_recommending = factories.RecommendingUnitFactory()
    return {
        "declarer": declarer,
        "declarer2": factories.user_with_role(Role.DECLARER, declaring_unit),
        "recommender": recommender,
        "recommender2": factories.user_with_role(Role.RECOMMENDER, recommending_unit),
        "committee": committee,
        "other_declarer": factories.user_with_role(Role.DECLARER, other_declaring),
        "other_recommender": factories.user_with_role(Role.RECOMMENDER, other_recommending),
        # A declarer membership in the recommending unit is not the recommending unit's staff.
        "expert": factories.user_with_role(Role.EXPERT),
    }


@pytest.fixture
def entry(edition, declaring_unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    entry = factories.EntryFactory(edition=edition, declaring_unit=declaring_unit, title="数控车床快换刀具工装")
    # The stamped form and the unit's stamped commitment: the committee's checklist passes, so accepting
    # it needs no confirmation (screening.transitions.checklist_passed_or_confirmed).
    stamp_form(entry)
    stamp_commitment(edition, declaring_unit)
    return entry


@pytest.fixture
def decide():
    """Apply a transition the way a view does (transition_entry notifies)."""

    def apply(entry, action, actor, reason="", data=None):
        entry_services.transition_entry(entry=entry, action=action, actor=actor, reason=reason, data=data)
        return entry

    return apply
