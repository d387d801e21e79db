"""Each role's dashboard shows its work (issue 9, item 11): counts of what waits for it, with links;
the committee office is told when a batch is handed over."""

import re

import pytest
from django.urls import reverse

from wuxiao.notifications.models import Notification
from wuxiao.screening import services

from .. import factories
from .screen_fixtures import _media, entry_of, pdf_upload  # noqa: F401

pytestmark = pytest.mark.django_db


def counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-work="(\w+)">([^<]+)<', html))


@pytest.fixture(autouse=True)
def current(edition):
    edition.is_current = True
    edition.save()
    return edition


def test_the_declaring_unit_sees_what_to_revise_finish_and_wait_for(client, declarer, entry_of):
    entry_of("returned")
    entry_of("draft")
    entry_of("draft")
    entry_of("submitted")
    entry_of("recommended")
    client.force_login(declarer)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert counts(html) == {"returned": "1", "drafts": "2", "waiting": "1"}
    assert "项被退回修改：请修改后重新提交" in html


def test_the_recommending_unit_sees_its_queue_quota_and_batch(client, recommender, recommending_unit, edition,
                                                             entry_of):
    entry_of("submitted")
    entry_of("submitted")
    entry_of("recommended", recommendation_rank=1)
    entry_of("draft")  # a draft is its unit's own: not counted
    factories.EntryFactory(edition=edition, status="submitted")  # another unit's
    client.force_login(recommender)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert counts(html) == {"to_screen": "2", "recommended": f"1 / {edition.recommendation_quota}"}
    assert reverse("screening:unit", args=[edition.slug, recommending_unit.pk]) in html
    assert "推荐批次尚未提交组委会。" in html


def test_the_committee_sees_the_batches_to_check(client, committee, recommender, recommending_unit, edition,
                                                 entry_of):
    entry_of("recommended", recommendation_rank=1)
    entry_of("recommended", recommendation_rank=2)
    entry_of("in_review")
    client.force_login(committee)
    before = counts(client.get(reverse("accounts:dashboard")).content.decode())
    services.upload_summary_sheet(actor=recommender, edition=edition, unit=recommending_unit, upload=pdf_upload(),
                                  version=0)
    services.submit_batch(actor=recommender, edition=edition, unit=recommending_unit, version=1)
    html = client.get(reverse("accounts:dashboard")).content.decode()

    assert before["to_decide"] == "0" and before["in_review"] == "1"
    # Beside it, the second round's panel (review.dashboard): nothing there yet.
    assert counts(html) == {"to_decide": "2", "corrections": "0", "flagged": "0", "in_review": "1",
                            "experts_accepted": "0", "pairs_published": "0", "scores_submitted": "0"}
    assert "来自已提交的 1 个推荐批次" in html
    assert reverse("screening:review", args=[edition.slug]) in html


def test_the_office_is_notified_when_a_batch_is_handed_over(committee, recommender, recommending_unit, edition,
                                                            entry_of):
    entry_of("recommended", recommendation_rank=1)
    services.upload_summary_sheet(actor=recommender, edition=edition, unit=recommending_unit, upload=pdf_upload(),
                                  version=0)
    services.submit_batch(actor=recommender, edition=edition, unit=recommending_unit, version=1)

    note = Notification.objects.get(user=committee, event="unit.batch_handed_over")
    assert note.title == f"{recommending_unit.name}已提交推荐作品"
    assert "已将 1 项推荐作品" in note.body and "等待形式审查" in note.body
    assert note.url == reverse("screening:review", args=[edition.slug]) + f"?unit={recommending_unit.pk}"
    assert not Notification.objects.filter(user=recommender, event="unit.batch_handed_over").exists()


@pytest.mark.parametrize("role", ["expert", "outsider", "declarer"])
def test_others_see_no_screening_panel(client, user_of, role):
    client.force_login(user_of(role))
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="work-committee"' not in html and 'id="work-recommending-' not in html


def test_the_panels_cost_the_same_queries_for_one_unit_or_several(client, recommender, edition):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wuxiao.accounts.models import Role

    client.force_login(recommender)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("accounts:dashboard"))
    for _ in range(3):
        unit = factories.RecommendingUnitFactory()
        factories.MembershipFactory(user=recommender, organisation=unit, role=Role.RECOMMENDER)
        factories.EntryFactory(edition=edition, declaring_unit=factories.DeclaringUnitFactory(parent=unit))
    with CaptureQueriesContext(connection) as four:
        html = client.get(reverse("accounts:dashboard")).content.decode()
    assert html.count('class="dashboard-section work-panel"') == 4
    assert len(four.captured_queries) == len(one.captured_queries)
