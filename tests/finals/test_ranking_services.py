"""The final ranking (R10; issue 11 item 10) on a hand-computed case: visited entries first by roadshow + site
score, the unvisited after by roadshow score, ties flagged; a move recorded with its reason; approval."""

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.finals.helpers import final_world
from tests.finals.test_site_services import lock_roadshow
from wuxiao.common.audit import AuditLog
from wuxiao.common.exceptions import Refused
from wuxiao.finals import queries
from wuxiao.finals import services_ranking as services
from wuxiao.finals.models import FinalRanking, RankingStatus, SiteVisit, Slot, UnvisitedRule

pytestmark = pytest.mark.django_db


def locked_visit(world, entry, result):
    return SiteVisit.objects.create(edition=world.edition, entry=entry, locked_at=timezone.now(),
                                    result=Decimal(str(result)))


@pytest.fixture
def world():
    """Roadshow 90, 85, 80, 78, 78, — ; visited: the first three with site 80, 85, 70."""
    world = final_world(finalists=6, judges=3)
    lock_roadshow(world, [90, 85, 80, 78, 78, None])
    for entry, site in zip(world.finalists, [80, 85, 70]):
        locked_visit(world, entry, site)
    return world


def positions(ranking):
    return [(r.entry_id, r.position, r.final, r.visited, r.tie) for r in ranking.rows.order_by("position")]


def test_hand_computed_ranking(world, committee):
    e = [x.pk for x in world.finalists]
    ranking = services.compute_ranking(actor=committee, edition=world.edition)
    assert ranking.status == RankingStatus.DRAFT
    D = Decimal
    assert positions(ranking) == [
        (e[0], 1, D("170.00"), True, True),   # 90 + 80, tied with the next; ahead by roadshow score
        (e[1], 2, D("170.00"), True, True),   # 85 + 85
        (e[2], 3, D("150.00"), True, False),  # 80 + 70
        (e[3], 4, D("78.00"), False, True),   # unvisited, after the visited ones, by roadshow score: a tie
        (e[4], 5, D("78.00"), False, True),
        (e[5], 6, None, False, False),        # no roadshow score: last
    ]
    assert ranking.parameters["ties"] == 4 and ranking.parameters["visited"] == 3


def test_weights_and_the_mixed_rule(world, committee):
    settings = queries.final_settings(world.edition)
    settings.roadshow_weight, settings.site_weight = Decimal("0.6"), Decimal("0.4")
    settings.unvisited_rule = UnvisitedRule.MIXED
    settings.save()
    e = [x.pk for x in world.finalists]
    ranking = services.compute_ranking(actor=committee, edition=world.edition)
    # 54+32=86, 51+34=85, 48+28=76; unvisited 78×0.6=46.8 among them (below anyway)
    assert [(r[0], r[2]) for r in positions(ranking)][:5] == [
        (e[0], Decimal("86.00")), (e[1], Decimal("85.00")), (e[2], Decimal("76.00")),
        (e[3], Decimal("46.80")), (e[4], Decimal("46.80"))]


def test_a_manual_move_is_recorded_with_its_reason(world, committee):
    e = [x.pk for x in world.finalists]
    ranking = services.compute_ranking(actor=committee, edition=world.edition)
    with pytest.raises(Refused) as refused:
        services.move_row(actor=committee, ranking=ranking, entry_id=e[2], position=1, reason="")
    assert refused.value.field == "reason"
    with pytest.raises(Refused) as refused:
        services.move_row(actor=committee, ranking=ranking, entry_id=e[2], position=7, reason="x")
    assert refused.value.field == "position"
    services.move_row(actor=committee, ranking=ranking, entry_id=e[2], position=1, reason="评审委员会第三次会议决定")
    rows = positions(ranking)
    assert [r[0] for r in rows] == [e[2], e[0], e[1], e[3], e[4], e[5]]
    assert [r[1] for r in rows] == [1, 2, 3, 4, 5, 6]
    moved = ranking.rows.get(entry_id=e[2])
    assert (moved.computed_position, moved.change_reason, moved.changed_by) == (3, "评审委员会第三次会议决定", committee)
    log = AuditLog.objects.get(action="finals.ranking_move")
    assert log.reason == "评审委员会第三次会议决定" and log.data["from"] == 3 and log.data["to"] == 1


def test_approval_refused_while_a_visit_is_unlocked_or_scores_changed_then_read_only(world, committee):
    open_visit = SiteVisit.objects.create(edition=world.edition, entry=world.finalists[3])
    ranking = services.compute_ranking(actor=committee, edition=world.edition)
    with pytest.raises(Refused):
        services.approve_ranking(actor=committee, ranking=ranking, note="会议决定")
    open_visit.cancelled_at = timezone.now()
    open_visit.save()
    # A roadshow score locked after computing: the ranking is stale.
    slot = Slot.objects.get(entry=world.finalists[5])
    slot.result, slot.locked_at = Decimal("60"), timezone.now()
    slot.save()
    with pytest.raises(Refused):
        services.approve_ranking(actor=committee, ranking=ranking, note="会议决定")
    ranking = services.compute_ranking(actor=committee, edition=world.edition)
    # Ties left in the computed order need a note saying how they were decided.
    with pytest.raises(Refused) as refused:
        services.approve_ranking(actor=committee, ranking=ranking, note="")
    assert refused.value.field == "note"
    approved = services.approve_ranking(actor=committee, ranking=ranking, note="并列按路演得分排序，经 2025-11-20 会议确认")
    assert approved.status == RankingStatus.APPROVED and approved.approved_by == committee and approved.approved_at
    with pytest.raises(Refused):
        services.move_row(actor=committee, ranking=approved, entry_id=world.finalists[0].pk, position=2, reason="x")
    with pytest.raises(Refused):
        services.approve_ranking(actor=committee, ranking=approved, note="again")
    # Computing again makes a new draft; the approved one stays in force.
    again = services.compute_ranking(actor=committee, edition=world.edition)
    assert again.status == RankingStatus.DRAFT and FinalRanking.objects.filter(edition=world.edition).count() == 3
    assert queries.approved_ranking(world.edition) == approved


def test_only_the_office(world):
    with pytest.raises(Refused):
        services.compute_ranking(actor=world.experts[0].user, edition=world.edition)
