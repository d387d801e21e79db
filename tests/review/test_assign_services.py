"""The assignment from the database to saved pairs and back (issue 10 items 4–6): the problem built from the
models, the background run, the seed's reproducible draw, hand edits, publishing, re-assignment, second pass."""

from collections import Counter

import pytest
from django.utils import timezone

from wuxiao.common.audit import AuditLog
from wuxiao.common.exceptions import Refused
from wuxiao.notifications.models import Notification
from wuxiao.review import assignment as engine
from wuxiao.review import services_assign as services
from wuxiao.review.models import (
    AssignmentRun,
    AssignmentSource,
    Conflict,
    ConflictSource,
    Expert,
    ExpertStatus,
    PairRule,
    ReviewAssignment,
    RunStatus,
    Score,
    ScoreStatus,
)
from wuxiao.review.queries import review_settings
from wuxiao.review.queries_assign import pairs_needing_reassignment

from .. import factories
from .helpers_assign import immediate, pairs_of, second_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_now(settings):
    immediate(settings)


def run(edition, seed=None, actor=None):
    return AssignmentRun.objects.get(pk=services.start_assignment(actor=actor, edition=edition, seed=seed).pk)


def assert_valid(edition):
    problem = services.build_problem(edition)
    assert engine.validate(problem, services.first_pass_pairs(edition)) == []
    conflicted = set(Conflict.objects.filter(edition=edition, lifted_at__isnull=True)
                     .values_list("entry_id", "expert_id"))
    assert not pairs_of(edition) & conflicted


def test_the_problem_comes_from_the_database(committee):
    edition, entries, experts = second_round(entries=6, experts=5, k=2, conflicts=[(0, 1), (2, 3)])
    Conflict.objects.create(edition=edition, expert=experts[1], entry=entries[0], source=ConflictSource.DECLARED,
                            reason="亲属")
    Conflict.objects.create(edition=edition, expert=experts[4], entry=entries[5], source=ConflictSource.OFFICE,
                            reason="已解除", lifted_at=timezone.now())
    experts[0].load_max, experts[0].organisation_name = 1, "  单位 (甲) "
    experts[0].save()
    declined = Expert.objects.create(edition=edition, name="谢绝", organisation_name="某单位", mobile="13700000000",
                                     status=ExpertStatus.DECLINED)
    PairRule.objects.create(edition=edition, entry=entries[1], expert=experts[2], kind="pin", reason="指定")
    PairRule.objects.create(edition=edition, entry=entries[1], expert=experts[3], kind="forbid", reason="排除")
    PairRule.objects.create(edition=edition, entry=entries[1], expert=declined, kind="pin", reason="已谢绝")
    s = review_settings(edition)
    s.require_senior, s.max_per_organisation = True, 2
    s.save()

    p = services.build_problem(edition, seed=7)

    assert [e.id for e in p.entries] == [e.pk for e in entries]
    assert p.entries[0].industry == entries[0].industry_id and p.entries[0].category == entries[0].category.name
    assert {x.id for x in p.experts} == {x.pk for x in experts}  # the declined expert is not in play
    first = next(x for x in p.experts if x.id == experts[0].pk)
    assert first.load_max == 1 and first.organisation == "单位（甲）" and first.title == "senior"
    assert first.fields == (("34", 1),)
    assert p.conflicts[(entries[0].pk, experts[1].pk)] == "本单位；亲属"
    assert (entries[5].pk, experts[4].pk) not in p.conflicts  # lifted
    assert p.pins == {(entries[1].pk, experts[2].pk)} and p.forbids == {(entries[1].pk, experts[3].pk)}
    assert (p.reviews, p.seed, p.require_senior, p.max_per_org) == (2, 7, True, 2)


def test_a_run_saves_draft_pairs_that_keep_every_rule(committee):
    edition, entries, experts = second_round(entries=12, experts=6, k=3, conflicts=[(0, 0), (1, 1), (5, 2)])
    PairRule.objects.create(edition=edition, entry=entries[3], expert=experts[4], kind="pin", reason="指定")

    found = run(edition, seed=42, actor=committee)

    assert found.status == RunStatus.DONE and found.progress == 100 and found.seed == 42
    assert found.result["pairs"] == 36 and found.result["solver"] == "min_cost_flow"
    assert found.result["worst_load"] <= review_settings(edition).load_max
    assert found.result["greedy"]["total_quality"] <= found.result["total_quality"]
    rows = ReviewAssignment.objects.filter(edition=edition)
    assert rows.count() == 36 and not rows.filter(published_at__isnull=False).exists()
    assert rows.get(entry=entries[3], expert=experts[4]).source == AssignmentSource.PINNED
    assert all(r.run_id == found.pk for r in rows)
    assert_valid(edition)
    assert AuditLog.objects.filter(action="review.assignment_compute", data__seed=42).exists()


def test_a_new_run_replaces_the_drafts(committee):
    edition, *_ = second_round(entries=8, experts=4, k=2)
    first = run(edition, seed=1)
    second = run(edition, seed=2)
    assert ReviewAssignment.objects.filter(edition=edition).count() == 16
    assert set(ReviewAssignment.objects.filter(edition=edition).values_list("run_id", flat=True)) == {second.pk}
    assert first.pk != second.pk


def test_the_same_seed_and_data_give_the_same_draw(committee):
    # Many equal choices: every expert has the same field, so the seed decides (专家随机抽取).
    edition, entries, experts = second_round(entries=10, experts=6, k=2)
    for x in experts:
        x.fields.update(industry_id="C", depth=2)
    draws = {}
    for seed in (20250401, 99, 20250401):
        run(edition, seed=seed)
        draws.setdefault(seed, []).append(pairs_of(edition))
    assert draws[20250401][0] == draws[20250401][1]
    assert draws[99][0] != draws[20250401][0]  # a different seed draws differently among equal experts


def test_the_edition_seed_is_used_and_a_fresh_one_recorded_otherwise(committee):
    edition, *_ = second_round(entries=4, experts=3, k=1)
    s = review_settings(edition)
    s.seed = 12345
    s.save()
    assert run(edition).seed == 12345
    s.seed = None
    s.save()
    fresh = run(edition)
    assert 0 <= fresh.seed < services.SEED_MAX and fresh.seed != 12345


def test_no_run_before_the_conflict_check_covers_the_pool(committee):
    edition, *_ = second_round(entries=4, experts=3, k=1, checked=False)
    with pytest.raises(Refused, match="回避|冲突|conflict"):
        services.start_assignment(actor=committee, edition=edition)
    assert not services.conflict_check_ready(edition)
    edition2, *_ = second_round(entries=4, experts=3, k=1)
    assert services.conflict_check_ready(edition2)
    Expert.objects.create(edition=edition2, name="新专家", organisation_name="甲", mobile="13600000000")
    # Added after the check: it no longer covers the whole pool.
    Expert.objects.filter(name="新专家").update(created_at=timezone.now() + timezone.timedelta(seconds=5))
    assert not services.conflict_check_ready(edition2)
    with pytest.raises(Refused):
        services.start_assignment(actor=committee, edition=edition2)
    assert not AssignmentRun.objects.filter(edition=edition2).exists()


def test_an_impossible_assignment_says_why_in_words(committee):
    # Entries 0–2 (3421) conflict with 3 of the 5 experts: only 2 remain, 3 are needed.
    edition, entries, experts = second_round(entries=3, experts=5, k=3, load_max=10,
                                             conflicts=[(i, j) for i in range(3) for j in range(3)])
    found = run(edition)
    assert found.status == RunStatus.INFEASIBLE
    messages = " ".join(r["message"] for r in found.result["reasons"])
    numbers = "、".join(str(e.pk) for e in entries)
    assert numbers in messages or all(str(e.pk) in messages for e in entries)
    assert "2" in messages and "3" in messages
    assert found.result["reasons"][0]["code"] == "entry_few_experts"
    assert not ReviewAssignment.objects.filter(edition=edition).exists()


def test_hand_edits_are_checked_with_every_rule(committee):
    edition, entries, experts = second_round(entries=6, experts=4, k=2, load_max=3, conflicts=[(0, 3)])
    run(edition, seed=3)
    entry = entries[0]
    present = sorted(pairs_of(edition, entry=entry))
    absent = [x for x in experts if (entry.pk, x.pk) not in present]
    # A conflicted expert is refused, naming the conflict and its reason.
    with pytest.raises(Refused) as refused:
        services.edit_assignment(actor=committee, edition=edition, entry_id=entry.pk, add_expert_id=experts[3].pk,
                                 remove_expert_id=present[0][1])
    assert "本单位" in str(refused.value.message) and refused.value.field == "add_expert"
    # A forbidden pair is refused.
    other = next(x for x in absent if x.pk != experts[3].pk)
    PairRule.objects.create(edition=edition, entry=entry, expert=other, kind="forbid", reason="排除")
    with pytest.raises(Refused):
        services.edit_assignment(actor=committee, edition=edition, entry_id=entry.pk, add_expert_id=other.pk,
                                 remove_expert_id=present[0][1])
    PairRule.objects.all().delete()
    # A swap keeps the counts; the result is valid unless a load goes over the maximum.
    loads = Counter(x for _e, x in pairs_of(edition))
    if loads[other.pk] < 3:
        warnings = services.edit_assignment(actor=committee, edition=edition, entry_id=entry.pk,
                                            add_expert_id=other.pk, remove_expert_id=present[0][1])
        assert warnings == []
        assert (entry.pk, other.pk) in pairs_of(edition) and (entry.pk, present[0][1]) not in pairs_of(edition)
        assert ReviewAssignment.objects.get(entry=entry, expert=other).source == AssignmentSource.MANUAL
    # Removing alone leaves the entry short: allowed, with a warning; publishing is then refused.
    victim = sorted(pairs_of(edition, entry=entry))[0][1]
    warnings = services.edit_assignment(actor=committee, edition=edition, entry_id=entry.pk,
                                        remove_expert_id=victim)
    assert [w.code for w in warnings] == ["entry_count"] or "entry_count" in [w.code for w in warnings]
    with pytest.raises(Refused, match=str(entry.pk)):
        services.publish_assignment(actor=committee, edition=edition)


def test_an_edit_over_the_maximum_load_is_refused(committee):
    edition, entries, experts = second_round(entries=4, experts=4, k=1, load_max=1)
    run(edition)
    entry = entries[0]
    (mine,) = pairs_of(edition, entry=entry)
    busy = next(x for x in experts if x.pk != mine[1])
    with pytest.raises(Refused) as refused:
        services.edit_assignment(actor=committee, edition=edition, entry_id=entry.pk, add_expert_id=busy.pk,
                                 remove_expert_id=mine[1])
    assert refused.value.field == "add_expert"
    assert pairs_of(edition, entry=entry) == {mine}


def test_publishing_notifies_each_expert_with_their_count(committee):
    edition, entries, experts = second_round(entries=6, experts=3, k=2, with_users=True)
    found = run(edition, seed=5)
    assert services.publish_assignment(actor=committee, edition=edition) == 12
    assert not ReviewAssignment.objects.filter(edition=edition, published_at__isnull=True).exists()
    loads = Counter(x for _e, x in pairs_of(edition))
    for x in experts:
        note = Notification.objects.get(user=x.user, event="review.assignment_published")
        assert str(loads[x.pk]) in note.title and note.url == "/review/expert/"
    log = AuditLog.objects.get(action="review.assignment_publish")
    assert log.actor == committee and log.data["seed"] == 5 and log.data["run"] == found.pk
    with pytest.raises(Refused):
        services.publish_assignment(actor=committee, edition=edition)  # nothing left
    with pytest.raises(Refused):
        services.start_assignment(actor=committee, edition=edition)  # published: re-assign instead


def test_reassignment_after_a_decline_changes_few_other_pairs(committee):
    edition, entries, experts = second_round(entries=30, experts=10, k=3, load_max=12)
    run(edition, seed=8)
    services.publish_assignment(actor=committee, edition=edition)
    before = pairs_of(edition)
    leaving = experts[2]
    # One of their pairs is already scored: it is work done, the score stays for the record.
    scored = ReviewAssignment.objects.filter(expert=experts[5]).first()
    Score.objects.create(assignment=scored, edition=edition, entry=scored.entry, expert=experts[5],
                         status=ScoreStatus.SUBMITTED, total=80)
    Expert.objects.filter(pk=leaving.pk).update(status=ExpertStatus.DECLINED, decline_reason="出差")
    needing = pairs_needing_reassignment(edition)
    theirs = {p for p in before if p[1] == leaving.pk}
    assert {(p.entry_id, p.expert_id) for p in needing} == theirs
    assert all("出差" in p.why for p in needing)

    result = services.reassign_and_publish(actor=committee, edition=edition)

    after = pairs_of(edition)
    assert not {p for p in after if p[1] == leaving.pk}
    assert (scored.entry_id, scored.expert_id) in after
    assert len(before - after) == len(theirs) == len(after - before)  # only their pairs moved
    assert result.result["removed"] == len(theirs)
    removed = ReviewAssignment.objects.filter(expert=leaving)
    assert all(r.removed_at and r.removed_by == committee and "出差" in r.remove_reason for r in removed)
    assert not ReviewAssignment.objects.filter(edition=edition, published_at__isnull=True,
                                               removed_at__isnull=True).exists()
    assert set(ReviewAssignment.objects.filter(edition=edition, removed_at__isnull=True).exclude(
        pk__in=ReviewAssignment.objects.filter(source=AssignmentSource.SOLVER)).values_list(
        "source", flat=True)) == {AssignmentSource.REASSIGNED}
    assert_valid(edition)
    assert pairs_needing_reassignment(edition) == []


def test_reassignment_after_a_new_conflict(committee):
    edition, entries, experts = second_round(entries=12, experts=6, k=2, load_max=6)
    run(edition, seed=9)
    services.publish_assignment(actor=committee, edition=edition)
    entry_id, expert_id = sorted(pairs_of(edition))[0]
    Conflict.objects.create(edition=edition, expert_id=expert_id, entry_id=entry_id, source=ConflictSource.DECLARED,
                            reason="曾参与该项目")
    (needing,) = pairs_needing_reassignment(edition)
    assert "曾参与该项目" in needing.why
    before = pairs_of(edition)
    services.reassign_and_publish(actor=committee, edition=edition)
    after = pairs_of(edition)
    assert (entry_id, expert_id) not in after
    assert len(before ^ after) == 2
    assert_valid(edition)


def test_second_pass_adds_experts_who_do_not_have_the_entry(committee):
    edition, entries, experts = second_round(entries=6, experts=6, k=2, load_max=4, with_users=True,
                                             conflicts=[(0, 5)])
    run(edition, seed=11)
    services.publish_assignment(actor=committee, edition=edition)
    before = pairs_of(edition)
    chosen = [entries[0].pk, entries[1].pk]

    result = services.assign_second_pass(actor=committee, edition=edition, entry_ids=chosen, extra=2)

    added = ReviewAssignment.objects.filter(edition=edition, review_pass=2)
    assert added.count() == 4 and result.second_pass and result.result["pairs"] == 4
    assert all(a.source == AssignmentSource.SECOND_PASS and a.published_at is None for a in added)
    for a in added:
        assert (a.entry_id, a.expert_id) not in before
        assert a.entry_id in chosen
    assert not added.filter(entry=entries[0], expert=experts[5]).exists()  # conflict
    loads = Counter(x for _e, x in pairs_of(edition))
    assert max(loads.values()) <= 4
    assert services.publish_assignment(actor=committee, edition=edition) == 4
    with pytest.raises(Refused) as refused:
        services.assign_second_pass(actor=committee, edition=edition, entry_ids=[entries[0].pk], extra=10)
    assert refused.value.field == "entries"


def test_pins_are_refused_on_a_conflict(committee):
    edition, entries, experts = second_round(entries=3, experts=3, k=1, conflicts=[(0, 0)])
    with pytest.raises(Refused) as refused:
        services.set_pair_rule(actor=committee, edition=edition, entry_id=entries[0].pk, expert_id=experts[0].pk,
                               kind="pin", reason="指定")
    assert refused.value.field == "expert" and "本单位" in str(refused.value.message)
    with pytest.raises(Refused) as refused:
        services.set_pair_rule(actor=committee, edition=edition, entry_id=entries[0].pk, expert_id=experts[1].pk,
                               kind="pin", reason=" ")
    assert refused.value.field == "reason"
    rule = services.set_pair_rule(actor=committee, edition=edition, entry_id=entries[0].pk,
                                  expert_id=experts[1].pk, kind="pin", reason="领域专家")
    found = run(edition)
    assert (entries[0].pk, experts[1].pk) in pairs_of(edition) and found.status == RunStatus.DONE
    services.delete_pair_rule(actor=committee, edition=edition, rule_id=rule.pk)
    assert not PairRule.objects.exists()
    other = factories.EditionFactory()
    with pytest.raises(Refused) as refused:
        services.set_pair_rule(actor=committee, edition=other, entry_id=entries[0].pk, expert_id=experts[1].pk,
                               kind="forbid", reason="x")
    assert refused.value.field == "entry"


def test_the_greedy_baseline_costs_at_least_the_optimum(committee):
    edition, *_ = second_round(entries=20, experts=6, k=3)
    found = run(edition, seed=2)
    greedy = found.result["greedy"]
    assert greedy["cost"] >= found.result["cost"] and greedy["total_quality"] <= found.result["total_quality"]


def test_a_run_that_breaks_ends_failed_and_drafts_stay(committee, monkeypatch):
    edition, *_ = second_round(entries=6, experts=3, k=2)
    run(edition, seed=1)
    before = pairs_of(edition)

    def broken(problem):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(engine, "solve", broken)
    found = run(edition, seed=2)
    assert found.status == RunStatus.FAILED and found.finished_at is not None
    assert pairs_of(edition) == before  # the earlier drafts are untouched


def test_an_interrupted_run_is_queued_again_or_failed(committee, settings):
    from wuxiao.review.tasks_assign import _assignment_interrupted

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    edition, *_ = second_round(entries=4, experts=2, k=1)
    queued = services.start_assignment(actor=committee, edition=edition, seed=1)
    AssignmentRun.objects.filter(pk=queued.pk).update(status=RunStatus.RUNNING, progress=40)
    _assignment_interrupted(queued.pk, requeued=True)
    queued.refresh_from_db()
    assert (queued.status, queued.progress) == (RunStatus.QUEUED, 0)
    # Run again by the next worker: it starts over and finishes.
    assert services.run_assignment(queued.pk).status == RunStatus.DONE
    _assignment_interrupted(queued.pk, requeued=False)  # a finished run is left alone
    queued.refresh_from_db()
    assert queued.status == RunStatus.DONE


def test_expert_loads_count_only_active_first_pass_pairs(committee):
    from wuxiao.review.queries_assign import decorate_experts, expert_loads

    edition, entries, experts = second_round(entries=10, experts=5, k=2, load_max=6)
    run(edition, seed=3)
    services.publish_assignment(actor=committee, edition=edition)
    entry_id, expert_id = sorted(pairs_of(edition))[0]
    services.edit_assignment(actor=committee, edition=edition, entry_id=entry_id, remove_expert_id=expert_id,
                             reason="调整")
    services.assign_second_pass(actor=committee, edition=edition, entry_ids=[entries[1].pk], extra=1)
    rows = decorate_experts(edition, list(expert_loads(edition)))
    for x in rows:
        active = ReviewAssignment.objects.filter(expert=x, removed_at__isnull=True)
        assert x.load == active.filter(review_pass=1).count()
        assert x.second == active.filter(review_pass=2).count()
        assert x.drafts == active.filter(published_at__isnull=True).count()
        assert len(x.active_pairs) == active.count()
        assert (x.low, x.high) == (0, 6)
    assert sorted(x.pk for x in rows) == sorted(x.pk for x in experts)


def test_a_second_pass_review_of_a_declining_expert_goes_to_another(committee):
    edition, entries, experts = second_round(entries=6, experts=6, k=2, load_max=4)
    run(edition, seed=12)
    services.publish_assignment(actor=committee, edition=edition)
    services.assign_second_pass(actor=committee, edition=edition, entry_ids=[entries[2].pk], extra=1)
    services.publish_assignment(actor=committee, edition=edition)
    extra = ReviewAssignment.objects.get(review_pass=2)
    first = pairs_of(edition, review_pass=1)
    Expert.objects.filter(pk=extra.expert_id).update(status=ExpertStatus.DECLINED, decline_reason="出国")
    leaving_first = {p for p in first if p[1] == extra.expert_id}

    result = services.reassign_and_publish(actor=committee, edition=edition)

    extra.refresh_from_db()
    assert extra.removed_at and "出国" in extra.remove_reason
    (replacement,) = ReviewAssignment.objects.filter(review_pass=2, removed_at__isnull=True)
    assert replacement.entry_id == entries[2].pk and replacement.expert_id != extra.expert_id
    assert replacement.published_at is not None and replacement.source == AssignmentSource.REASSIGNED
    assert (entries[2].pk, replacement.expert_id) not in first  # not an expert who already has the entry
    assert result.result["removed"] == len(leaving_first) + 1
    assert_valid(edition)


def test_no_hand_edit_while_a_run_is_under_way(committee, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    edition, entries, experts = second_round(entries=4, experts=2, k=1)
    services.start_assignment(actor=committee, edition=edition, seed=1)
    with pytest.raises(Refused, match="等待"):
        services.edit_assignment(actor=committee, edition=edition, entry_id=entries[0].pk,
                                 add_expert_id=experts[0].pk)
    with pytest.raises(Refused, match="等待"):
        services.start_assignment(actor=committee, edition=edition, seed=2)
    assert AssignmentRun.objects.count() == 1 and not ReviewAssignment.objects.exists()
