"""The results' database path (issue 10, items 9–11): the engine's numbers from the stored scores, the
finalist list proposed, edited with reasons and approved through the one transition function."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from wuxiao.accounts.models import Role
from wuxiao.common.exceptions import Refused
from wuxiao.common.models import AuditLog
from wuxiao.entries.enums import Action
from wuxiao.entries.models import Entry, EntryTransition
from wuxiao.entries.services import transition_entry
from wuxiao.notifications.models import Notification
from wuxiao.review import queries
from wuxiao.review import queries_results as rq
from wuxiao.review import services_results as services
from wuxiao.review.aggregation import aggregate
from wuxiao.review.models import FinalistList, FinalistRow

from .helpers_results import give_scores, immediate_tasks, scored_round, second_round  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]
D = Decimal


def hand_round(rule=None):
    """Entry 1: five scores 85, 60, 99, 70, 80; entry 2: three scores 80, 85, 91; entry 3: none."""
    r = second_round(entries=3, experts=5, rule=rule, finalist_count=1)
    e1, e2, _e3 = r.entries
    x = r.experts
    give_scores(r, {(e1, x[0]): 85, (e1, x[1]): 60, (e1, x[2]): 99, (e1, x[3]): 70, (e1, x[4]): 80,
                    (e2, x[0]): 80, (e2, x[1]): 85, (e2, x[2]): 91})
    return r


def test_trimmed_mean_from_the_database_is_the_hand_computed_one():
    r = hand_round()
    e1, e2, e3 = r.entries
    results = rq.edition_results(r.edition)
    one = results.aggregation.official[e1.pk]
    assert one.score == D("78.33")  # (70 + 80 + 85) / 3: the highest and the lowest dropped
    assert (one.n_scores, one.n_kept, one.dropped_low, one.dropped_high) == (5, 3, r.experts[1].pk, r.experts[2].pk)
    c = [str(c.pk) for c in r.criteria]
    # 70 = 18+18+17+17, 80 = 20×4, 85 = 22+21+21+21: per criterion the mean of the kept scores
    assert one.criteria == {c[0]: D("20.00"), c[1]: D("19.67"), c[2]: D("19.33"), c[3]: D("19.33")}
    assert results.aggregation.official[e2.pk].score == D("85.33")  # three scores: all kept, (80+85+91)/3
    assert results.aggregation.official[e3.pk].score is None
    # The same numbers as the engine on the same rows, calibrated score included.
    engine = aggregate(queries.score_rows(r.edition), queries.rubric(r.edition), "trimmed_mean",
                       entry_ids=[e.pk for e in r.entries])
    assert results.aggregation.official == engine.official
    assert {k: v.calibrated for k, v in results.aggregation.entries.items()} == {
        k: v.calibrated for k, v in engine.entries.items()}
    assert [row.entry_id for row in results.proposal.rows] == [e2.pk, e1.pk, e3.pk]
    assert results.proposal.proposed == [e2.pk]


def test_mean_rule_from_the_settings():
    r = hand_round(rule="mean")
    results = rq.edition_results(r.edition)
    assert results.aggregation.official[r.entries[0].pk].score == D("78.80")  # 394 / 5
    assert results.aggregation.official[r.entries[1].pk].score == D("85.33")


def test_drafts_and_removed_pairs_do_not_count():
    r = hand_round()
    e3 = r.entries[2]
    give_scores(r, {(e3, r.experts[0]): 99}, submitted=False)
    assert rq.edition_results(r.edition).aggregation.official[e3.pk].score is None


def test_quotas_by_category_share_the_places_in_proportion():
    assert rq.finalist_quotas({1: 300, 2: 150, 3: 40}, 75) == {1: 46, 2: 23, 3: 6}
    assert sum(rq.finalist_quotas({1: 1, 2: 1, 3: 1}, 2).values()) == 2


def approve_ready(committee, **kwargs):
    r = scored_round(entries=6, experts=6, k=5, finalist_count=2, **kwargs)
    finalist_list = services.propose_finalist_list(actor=committee, edition=r.edition)
    return r, finalist_list


def test_propose_edit_approve_moves_every_entry_through_the_transition_function(committee):
    r, finalist_list = approve_ready(committee)
    staff = [factories.user_with_role(Role.DECLARER, unit) for unit in r.units]
    rows = list(rq.finalist_rows(finalist_list))
    assert len(rows) == 6
    proposed = [row.entry_id for row in rows if row.proposed]
    assert len(proposed) >= 2 and all(row.selected == row.proposed for row in rows)
    assert all(row.official_score is not None and row.calibrated_score is not None for row in rows)
    out = next(row for row in rows if not row.proposed)
    with pytest.raises(Refused) as refused:
        services.change_finalist_row(actor=committee, finalist_list=finalist_list, entry_id=out.entry_id,
                                     selected=True, reason="  ")
    assert refused.value.field == "reason"
    services.change_finalist_row(actor=committee, finalist_list=finalist_list, entry_id=out.entry_id,
                                 selected=True, reason="现场复核后认为创新性突出")
    changed = FinalistRow.objects.get(finalist_list=finalist_list, entry_id=out.entry_id)
    assert (changed.selected, changed.proposed, changed.change_reason, changed.changed_by) == (
        True, False, "现场复核后认为创新性突出", committee)
    assert AuditLog.objects.filter(action="review.finalist_change", reason="现场复核后认为创新性突出").count() == 1

    services.approve_finalist_list(actor=committee, finalist_list=finalist_list, note="经组委会会议审定")
    finalist_list.refresh_from_db()
    assert (finalist_list.status, finalist_list.approved_by, finalist_list.approval_note) == (
        "approved", committee, "经组委会会议审定")
    selected = set(proposed) | {out.entry_id}
    for entry in Entry.objects.filter(edition=r.edition):
        step = EntryTransition.objects.get(entry=entry)
        expected = "select_finalist" if entry.pk in selected else "not_select"
        assert (entry.status, step.action, step.from_status, step.actor) == (
            "finalist" if entry.pk in selected else "not_finalist", expected, "in_review", committee)
        assert step.data["finalist_list"] == finalist_list.pk
        assert "official_score" in step.data and "official_rank" in step.data
    assert AuditLog.objects.filter(action="entry.select_finalist").count() == len(selected)
    assert AuditLog.objects.get(action="review.finalists_approve").data == {
        "finalist": len(selected), "not_finalist": 6 - len(selected)}
    # The declaring units hear of it.
    heard = {(n.user_id, n.event) for n in Notification.objects.all()}
    for unit, person in zip(r.units, staff):
        own = Entry.objects.filter(declaring_unit=unit)
        assert {(person.pk, f"entry.{'select_finalist' if e.pk in selected else 'not_select'}") for e in own} <= heard
    assert Notification.objects.filter(user=staff[0]).count() == Entry.objects.filter(declaring_unit=r.units[0]).count()


def test_approval_twice_is_refused(committee):
    r, finalist_list = approve_ready(committee)
    services.approve_finalist_list(actor=committee, finalist_list=finalist_list)
    with pytest.raises(Refused, match="已经批准"):
        services.approve_finalist_list(actor=committee, finalist_list=finalist_list)
    # Every entry has been decided: nothing is left for another list.
    with pytest.raises(Refused, match="没有等待决定的作品|均已由批准的入围名单决定"):
        services.propose_finalist_list(actor=committee, edition=r.edition)
    with pytest.raises(Refused):
        services.change_finalist_row(actor=committee, finalist_list=finalist_list, entry_id=r.entries[0].pk,
                                     selected=False, reason="x")


def test_an_entry_accepted_after_the_approval_is_decided_by_a_supplementary_list(committee):
    r, first = approve_ready(committee)
    services.approve_finalist_list(actor=committee, finalist_list=first)
    decided = {e.pk: e.status for e in Entry.objects.filter(edition=r.edition)}
    assert set(decided.values()) == {"finalist", "not_finalist"}
    # A late entry (after a correction) enters the round, is scored by five experts, and gets its own list.
    late = factories.EntryFactory(edition=r.edition, declaring_unit=r.units[0], status="in_review",
                                  title="补正后进入复赛的作品")
    give_scores(r, {(late, expert): 95 for expert in r.experts[:5]})
    second = services.propose_finalist_list(actor=committee, edition=r.edition)
    assert second.pk != first.pk and second.parameters["supplementary"] is True
    assert [row.entry_id for row in rq.finalist_rows(second)] == [late.pk]
    assert rq.current_finalist_list(r.edition) == second
    services.approve_finalist_list(actor=committee, finalist_list=second)
    late.refresh_from_db()
    assert late.status == "finalist"  # 95 ranks it first among all: proposed
    # The entries the first list decided are untouched; each transition names the list that decided it.
    assert {e.pk: e.status for e in Entry.objects.filter(edition=r.edition).exclude(pk=late.pk)} == decided
    step = EntryTransition.objects.get(entry=late, action=Action.SELECT_FINALIST)
    assert step.data["finalist_list"] == second.pk


def test_a_direct_decision_without_an_approved_list_is_refused(committee):
    r, finalist_list = approve_ready(committee)
    entry = r.entries[0]
    for action in (Action.SELECT_FINALIST, Action.NOT_SELECT):
        with pytest.raises(Refused, match="决赛入围名单"):
            transition_entry(entry=entry, action=action, actor=committee)
    assert Entry.objects.get(pk=entry.pk).status == "in_review"
    assert not EntryTransition.objects.filter(entry=entry).exists()


def test_the_approved_list_decides_each_entry_one_way_only(committee):
    r, finalist_list = approve_ready(committee)
    row = FinalistRow.objects.filter(finalist_list=finalist_list, selected=False).first()
    # Approve, then try the other way round on an entry put back in the second round by hand.
    services.approve_finalist_list(actor=committee, finalist_list=finalist_list)
    Entry.objects.filter(pk=row.entry_id).update(status="in_review")
    with pytest.raises(Refused, match="不入围|未入围|does not select|不选"):
        transition_entry(entry=Entry.objects.get(pk=row.entry_id), action=Action.SELECT_FINALIST, actor=committee)


def test_a_decision_on_another_editions_entry_is_refused(committee):
    r, finalist_list = approve_ready(committee)
    other = second_round(entries=1, experts=1)
    with pytest.raises(Refused) as refused:
        services.change_finalist_row(actor=committee, finalist_list=finalist_list, entry_id=other.entries[0].pk,
                                     selected=True, reason="误操作测试")
    assert refused.value.field == "entry" and "本届" in str(refused.value.message)
    services.approve_finalist_list(actor=committee, finalist_list=finalist_list)
    with pytest.raises(Refused) as refused:
        transition_entry(entry=other.entries[0], action=Action.SELECT_FINALIST, actor=committee,
                         data={"finalist_list": finalist_list.pk})
    assert refused.value.field == "finalist_list"
    assert Entry.objects.get(pk=other.entries[0].pk).status == "in_review"


def test_approval_waits_for_every_score_and_for_a_fresh_list(committee):
    r, finalist_list = approve_ready(committee)
    expert = r.experts[0]
    entry = next(e for e in r.entries if (e.pk, expert.pk) not in r.assignments)
    give_scores(r, {(entry, expert): None})  # published, not scored
    with pytest.raises(Refused, match="尚未提交|未提交"):
        services.approve_finalist_list(actor=committee, finalist_list=finalist_list)
    assert Entry.objects.filter(edition=r.edition, status="in_review").count() == 6


def test_scores_changed_since_the_proposal_refuse_the_approval(committee):
    r, finalist_list = approve_ready(committee)
    entry = r.entries[0]
    expert = next(x for x in r.experts if (entry.pk, x.pk) not in r.assignments)
    give_scores(r, {(entry, expert): 90})
    with pytest.raises(Refused, match="重新生成"):
        services.approve_finalist_list(actor=committee, finalist_list=finalist_list)


def test_only_the_office_decides(declarer, recommender, expert, outsider):
    r = scored_round(entries=3, experts=5, k=3)
    for user in (declarer, recommender, expert, outsider):
        with pytest.raises(Refused):
            services.propose_finalist_list(actor=user, edition=r.edition)
    assert not FinalistList.objects.exists()


def test_the_approval_is_all_or_nothing(committee):
    r, finalist_list = approve_ready(committee)
    FinalistRow.objects.filter(finalist_list=finalist_list).update(selected=False)
    with pytest.raises(Refused, match="没有"):
        services.approve_finalist_list(actor=committee, finalist_list=finalist_list)
    assert not EntryTransition.objects.exists()
    assert FinalistList.objects.get(pk=finalist_list.pk).status == "draft"


def test_the_move_runs_in_the_background_with_progress_and_resumes(committee, settings, client):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # nothing runs it
    r, finalist_list = approve_ready(committee)
    services.approve_finalist_list(actor=committee, finalist_list=finalist_list, note="")
    finalist_list.refresh_from_db()
    assert finalist_list.status == "approved"
    progress = rq.approval_progress(finalist_list)
    assert (progress["state"], progress["done"], progress["total"], progress["finished"]) == ("queued", 0, 6, False)
    assert Entry.objects.filter(edition=r.edition, status="in_review").count() == 6
    client.force_login(committee)
    fragment = client.get(reverse("review:finalists_progress", args=[r.edition.slug])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and '<progress value="0" max="6">' in fragment
    # The worker moves a first entry, then dies; running it again moves only those left.
    first = FinalistRow.objects.filter(finalist_list=finalist_list).order_by("entry_id").first()
    transition_entry(entry=Entry.objects.get(pk=first.entry_id),
                     action=Action.SELECT_FINALIST if first.selected else Action.NOT_SELECT, actor=committee)
    assert services.move_entries_by_list(finalist_list_id=finalist_list.pk, actor=committee) == {"moved": 5}
    finalist_list.refresh_from_db()
    progress = rq.approval_progress(finalist_list)
    assert (progress["state"], progress["done"], progress["percent"], progress["finished"]) == ("done", 6, 100, True)
    assert not Entry.objects.filter(edition=r.edition, status="in_review").exists()
    assert EntryTransition.objects.filter(entry__edition=r.edition).count() == 6
    fragment = client.get(reverse("review:finalists_progress", args=[r.edition.slug])).content.decode()
    assert "hx-trigger" not in fragment and "已确定" in fragment
    with pytest.raises(Refused):
        services.resume_finalist_moves(actor=committee, finalist_list=finalist_list)
