"""The competition overview (issue 12, item 7): figures by stage, unit, industry, category and tier on a small
hand-made world, the funnel, the score distributions, the query count at any size, and who may see it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.awards.helpers import award_world
from tests.review.helpers_results import give_scores, second_round
from wuxiao.accounts.models import Role
from wuxiao.awards import queries_overview as oq
from wuxiao.awards.models import ListStatus
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry

pytestmark = pytest.mark.django_db


def make_world():
    """Six finalists on a confirmed list (特等奖 1, 一等奖 2 with one revoked, 二等奖 3), and beside them two drafts,
    one entry submitted, one recommended, one not a finalist and two in the second round with four scores."""
    world = award_world(finalists=6, status=ListStatus.CONFIRMED)
    revoked = world.rows[2]
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])
    Entry.objects.filter(pk=revoked.entry_id).update(status=EntryStatus.REVOKED)
    for status in ["draft", "draft", "submitted", "recommended", "not_finalist"]:
        factories.EntryFactory(edition=world.edition, status=status)
    round_ = second_round(edition=world.edition, entries=2, experts=2, units=1)
    (a, b), (x, y) = [e for e in round_.entries if e.status == "in_review"], round_.experts
    give_scores(round_, {(a, x): 72, (a, y): 88, (b, x): 95, (b, y): 100})
    return world


def test_figures_of_a_small_world():
    world = make_world()
    ov = oq.overview(world.edition)
    assert ov.total == 13
    funnel = [(r["key"], r["n"]) for r in ov.funnel]
    assert funnel == [("declared", 13), ("submitted", 11), ("recommended", 10), ("admitted", 9), ("finalist", 6),
                      ("awarded", 6)]
    assert {r["key"]: r["n"] for r in ov.statuses} == {"draft": 2, "submitted": 1, "recommended": 1, "in_review": 2,
                                                       "not_finalist": 1, "awarded": 5, "revoked": 1}
    # by recommending unit: the first finalist's union has one entry, filed, recommended, finalist and awarded
    first = next(r for r in ov.units if r["recommending_unit_id"] == world.finalists[0].recommending_unit_id)
    assert (first["filed"], first["recommended"], first["finalists"], first["awarded"]) == (1, 1, 1, 1)
    assert sum(r["filed"] for r in ov.units) == 11
    # every entry is in 3421 (制造业) but the finalists of the helper, which have the factory's industry as well
    assert [(r["code"], r["filed"], r["awarded"]) for r in ov.industries] == [("C", 11, 5)]
    assert ov.industries[0]["label"].startswith("C ")
    assert sum(r["filed"] for r in ov.categories) == 11
    # second round: 72, 88, 95, 100 in bins of ten, 100 kept in 90–100
    assert [(b["label"], b["n"]) for b in ov.review_scores["bins"]] == [("70–80", 1), ("80–90", 1), ("90–100", 2)]
    assert ov.review_scores["mean"] == Decimal("88.75")
    # final round: the approved ranking's 95 … 90
    assert ov.final_scores["n"] == 6 and sum(ov.final_scores["values"]) == 6
    assert (ov.final_scores["min"], ov.final_scores["max"]) == (Decimal("90.00"), Decimal("95.00"))
    # awards: by tier with the revoked one apart, by unit and by industry
    assert [(r["label"], r["n"], r["revoked"], r["money"]) for r in ov.tiers] == [
        ("特等奖", 1, 0, 20000), ("一等奖", 1, 1, 15000), ("二等奖", 3, 0, 30000)]
    assert (ov.awarded, ov.revoked) == (5, 1)
    assert sum(r["n"] for r in ov.award_units) == 5 and sum(r["revoked"] for r in ov.award_units) == 1
    assert [(r["code"], r["n"], r["revoked"]) for r in ov.award_industries] == [("C", 5, 1)]


def _queries(edition) -> int:
    with CaptureQueriesContext(connection) as captured:
        oq.overview(edition)
    return len(captured)


def test_query_count_does_not_grow_with_the_entries():
    world = award_world(finalists=3, status=ListStatus.CONFIRMED)
    small = _queries(world.edition)
    units = [factories.DeclaringUnitFactory() for _ in range(5)]
    categories = list(world.edition.categories.all())
    statuses = ["draft", "submitted", "recommended", "in_review", "not_finalist", "finalist"]
    Entry.objects.bulk_create([
        Entry(edition=world.edition, declaring_unit=units[i % 5], recommending_unit=units[i % 5].parent,
              title=f"作品{i}", status=statuses[i % 6], category=categories[i % len(categories)],
              industry_id=["3421", "0111", "4411", None][i % 4]) for i in range(30)])
    assert _queries(world.edition) == small <= 10


def test_the_office_sees_the_page_and_the_api(client):
    world = make_world()
    client.force_login(world.office)
    page = client.get(reverse("awards:overview", args=[world.edition.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-count="funnel-awarded">6<' in html and 'data-count="tiers-3">3<' in html
    assert 'id="awards-overview-data"' in html and reverse("awards:bundle", args=[world.edition.slug]) in html
    body = client.get(f"/api/awards/{world.edition.slug}/overview").json()
    assert [s["n"] for s in body["funnel"]] == [13, 11, 10, 9, 6, 6]
    assert body["list_status"] == "confirmed" and (body["awarded"], body["revoked"]) == (5, 1)
    assert [b["n"] for b in body["review_scores"]["bins"]] == [1, 1, 2]
    assert body["tiers"][1] == {"label": "一等奖", "n": 1, "revoked": 1, "money": 15000}


@pytest.mark.parametrize("role", [Role.DECLARER, Role.RECOMMENDER, Role.EXPERT, "anonymous"])
def test_others_may_not_see_it(client, role):
    world = award_world(finalists=1)
    if role != "anonymous":
        client.force_login(factories.user_with_role(role))
    page = client.get(reverse("awards:overview", args=[world.edition.slug]))
    api = client.get(f"/api/awards/{world.edition.slug}/overview")
    if role == "anonymous":
        assert page.status_code == 302 and "/accounts/login/" in page["Location"] and api.status_code == 401
    else:
        assert page.status_code == 403 and api.status_code == 403
