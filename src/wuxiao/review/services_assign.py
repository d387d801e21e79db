"""The assignment of second-round entries to experts (R7, R13; issue 10 items 4–6): the writes.

The engine (`assignment/`) works in plain ids; this module builds its `Problem` from the database,
runs it (in the background worker for a whole run), saves what it returns as draft pairs, checks
every hand edit with the engine's `validate`, publishes, re-assigns with as few changes as possible,
and adds the second pass's extra reviews near the finalist cut-off.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections import Counter, defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuxiao.common.audit import record
from wuxiao.common.exceptions import Refused
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Entry

from . import assignment as engine
from .assignment.baseline import greedy
from .models import (
    AssignmentRun,
    AssignmentSource,
    Expert,
    ExpertField,
    ExpertStatus,
    PairRule,
    PairRuleKind,
    ReviewAssignment,
    ReviewSettings,
    RunStatus,
    Score,
)
from .queries import active_conflicts, review_settings, round_entries

logger = logging.getLogger(__name__)

WORKSPACE_PATH = "/review/expert/"  # the expert's workspace (scoring part); linked by path
# An edit may leave these for a moment (the office removes one expert, then adds another); publishing may not.
TRANSIENT = {"entry_count", "load_low"}
GREEDY_LIMIT = 5_000_000  # entries × experts up to which the greedy baseline is computed beside a run
SEED_MAX = 2**62


# --- Is the conflict check current? -------------------------------------------------------------

def conflict_check_ready(edition) -> bool:
    """Whether a finished conflict check covers the pool as it is now (experts, groups, settings, entries):
    the pool part's record of what changed since (queries_pool.conflict_check_current)."""
    from .queries_pool import conflict_check_current

    return conflict_check_current(edition)


# --- From the database to the engine's problem --------------------------------------------------

def organisation_key(registered: str | None, written: str | None) -> str | None:
    """Experts count as one organisation (max per entry) by the registered organisation's name, else by the
    name as written, without spaces and with full-width brackets."""
    name = registered or written or ""
    name = re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")
    return name or None


def _entries(edition, entry_ids=None):
    qs = round_entries(edition)
    if entry_ids is not None:
        qs = qs.filter(pk__in=list(entry_ids))
    return qs.order_by("pk").values_list("pk", "industry_id", "category__name")


def _experts(edition):
    fields = defaultdict(list)
    for expert_id, code, depth in (ExpertField.objects
                                   .filter(expert__edition=edition, expert__status=ExpertStatus.ACCEPTED)
                                   .order_by("expert_id", "industry_id")
                                   .values_list("expert_id", "industry_id", "depth")):
        fields[expert_id].append((code, depth))
    rows = (Expert.objects.filter(edition=edition, status=ExpertStatus.ACCEPTED).order_by("pk")
            .values_list("pk", "name", "title", "organisation__name", "organisation_name", "load_min", "load_max"))
    return [engine.Expert(pk, organisation=organisation_key(registered, written), title=title,
                          fields=tuple(fields[pk]), load_min=low, load_max=high, label=name)
            for pk, name, title, registered, written, low, high in rows]


def conflict_reasons(edition) -> dict:
    """(entry id, expert id) -> the reasons of the active conflicts, joined (回避)."""
    found = defaultdict(list)
    for entry_id, expert_id, reason in (active_conflicts(edition).order_by("entry_id", "expert_id", "source")
                                        .values_list("entry_id", "expert_id", "reason")):
        found[(entry_id, expert_id)].append(reason)
    return {pair: "；".join(reasons) for pair, reasons in found.items()}


def build_problem(edition, *, seed: int = 0) -> engine.Problem:
    """The first pass as the engine reads it: the edition's entries in the second round (in_review), its
    accepted experts with their fields, the settings' k, loads and side rules, the active conflicts with
    their reasons, the office's pins and forbids (of entries and experts still in play). Six queries."""
    s = review_settings(edition)
    entries = [engine.Entry(pk, industry=code, category=category, label=str(pk))
               for pk, code, category in _entries(edition)]
    experts = _experts(edition)
    entry_ids, expert_ids = {e.id for e in entries}, {x.id for x in experts}
    pins, forbids = [], []
    for entry_id, expert_id, kind in PairRule.objects.filter(edition=edition).values_list("entry_id", "expert_id",
                                                                                          "kind"):
        if entry_id in entry_ids and expert_id in expert_ids:
            (pins if kind == PairRuleKind.PIN else forbids).append((entry_id, expert_id))
    return engine.Problem(entries=entries, experts=experts, reviews=s.reviews_per_entry, load_min=s.load_min,
                          load_max=s.load_max, conflicts=conflict_reasons(edition), pins=pins, forbids=forbids,
                          seed=seed, require_senior=s.require_senior, max_per_org=s.max_per_organisation)


def first_pass_pairs(edition) -> list[tuple[int, int]]:
    """The active (not removed) first-pass pairs, drafts and published."""
    return list(ReviewAssignment.objects.filter(edition=edition, review_pass=1, removed_at__isnull=True)
                .order_by("entry_id", "expert_id").values_list("entry_id", "expert_id"))


def reasons_data(reasons) -> list[dict]:
    return [{"code": r.code, "message": str(r.message), "entries": [str(e) for e in r.entries],
             "experts": [str(x) for x in r.experts]} for r in reasons]


# --- A run in the background --------------------------------------------------------------------

def new_seed() -> int:
    return secrets.randbelow(SEED_MAX)


def start_assignment(*, actor, edition, seed: int | None = None) -> AssignmentRun:
    """Queue a run of the first pass (background worker), with its seed recorded (the edition's, the one given,
    or a fresh random one). Refused while the conflict check is not current, while a run is under way, or once
    pairs are published (re-assignment changes a published assignment)."""
    if not conflict_check_ready(edition):
        raise Refused(_("Run the conflict check for the whole expert pool first: experts were added after the last "
                        "check, or it has never run. No one may be assigned before every conflict of interest is "
                        "known."))
    if ReviewAssignment.objects.filter(edition=edition, review_pass=1, removed_at__isnull=True,
                                       published_at__isnull=False).exists():
        raise Refused(_("The assignment has been published. Change it by hand or by re-assignment, which keeps the "
                        "published pairs; a new run would replace them."))
    if not Expert.objects.filter(edition=edition, status=ExpertStatus.ACCEPTED).exists():
        raise Refused(_("No expert has accepted the invitation yet."))
    if not round_entries(edition).exists():
        raise Refused(_("No entry is in the second round yet."))
    s = review_settings(edition)
    if seed is None:
        seed = s.seed if s.seed is not None else new_seed()
    from .tasks_assign import compute_assignment

    with transaction.atomic():
        # The settings row is the edition's lock: two offices clicking at once queue one run, not two.
        ReviewSettings.objects.select_for_update().filter(pk=s.pk).first()
        if AssignmentRun.objects.filter(edition=edition, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            raise Refused(_("An assignment run is already under way; wait for it to finish."))
        run = AssignmentRun.objects.create(
            edition=edition, seed=seed, created_by=actor, step=_("Waiting for the background worker."),
            parameters={"reviews": s.reviews_per_entry, "load_min": s.load_min, "load_max": s.load_max,
                        "require_senior": s.require_senior, "max_per_organisation": s.max_per_organisation})
        record(actor=actor, action="review.assignment_start", obj=run, edition=edition,
               data={"seed": seed, **run.parameters})
        # With the database backend the task row commits with the run, so a worker never sees one without the other.
        result = compute_assignment.enqueue(run.pk)
        AssignmentRun.objects.filter(pk=run.pk).update(parameters={**run.parameters, "task_id": str(result.id)})
    run.refresh_from_db()
    return run


def insert_pairs(edition_id: int, run_id: int | None, rows, review_pass: int = 1) -> None:
    """Insert draft pairs (entry id, expert id, source, quality) with one prepared statement.

    bulk_create builds a statement per 80 rows on SQLite (its 999-parameter limit) and a model instance per row:
    most of a 25,000-pair job's time. executemany runs one statement for all rows on SQLite and PostgreSQL alike.
    """
    from django.db import connection

    meta = ReviewAssignment._meta
    columns = ["edition_id", "entry_id", "expert_id", "run_id", "source", "review_pass", "quality", "created_at",
               "remove_reason"]
    names = ", ".join(connection.ops.quote_name(meta.get_field(c.removesuffix("_id")).column) for c in columns)
    sql = (f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({names}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(edition_id, entry, expert, run_id, str(source), review_pass, quality, now, "")
                                 for entry, expert, source, quality in rows])


def _progress(run_id: int, percent: int, step: str, **fields) -> None:
    AssignmentRun.objects.filter(pk=run_id).update(progress=percent, step=step, **fields)


def run_assignment(run_id: int) -> AssignmentRun:
    """Compute one run: read the data, solve, save the pairs as drafts replacing the earlier drafts (one
    transaction). Progress is saved as it goes for the polling page. Running it again (its worker died) starts
    over; a finished run is left alone."""
    run = AssignmentRun.objects.select_related("edition").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return run
    edition = run.edition
    with translation.override(settings.LANGUAGE_CODE):
        started = time.perf_counter()
        try:
            _progress(run.pk, 5, _("Reading the entries, experts and conflicts."), status=RunStatus.RUNNING)
            problem = build_problem(edition, seed=run.seed)
            read = time.perf_counter() - started
            _progress(run.pk, 25, _("Computing the optimal assignment."))
            try:
                found = engine.solve(problem)
            except engine.Infeasible as exc:
                result = {"reasons": reasons_data(exc.reasons), "entries": len(problem.entries),
                          "experts": len(problem.experts), "seconds": round(time.perf_counter() - started, 3)}
                AssignmentRun.objects.filter(pk=run.pk).update(
                    status=RunStatus.INFEASIBLE, progress=100, step=_("No assignment exists."), result=result,
                    finished_at=timezone.now())
                run.refresh_from_db()
                record(actor=run.created_by, action="review.assignment_infeasible", obj=run, edition=edition,
                       data={"seed": run.seed, "reasons": [r["code"] for r in result["reasons"]]})
                return run
            _progress(run.pk, 70, _("Comparing with a simple greedy assignment."))
            baseline, greedy_started = None, time.perf_counter()
            if len(problem.entries) * len(problem.experts) <= GREEDY_LIMIT:
                baseline = greedy(problem)
            greedy_seconds = time.perf_counter() - greedy_started
            _progress(run.pk, 80, _("Saving the pairs."))
            saving = time.perf_counter()
            loads = list(found.load.values())
            result = {
                "pairs": len(found.pairs), "entries": len(problem.entries), "experts": len(problem.experts),
                "total_quality": found.total_quality, "cost": found.total_cost,
                "mean_quality": round(found.total_quality / max(1, len(found.pairs)), 1),
                "worst_load": max(loads, default=0), "lowest_load": min(loads, default=0),
                "solver": found.solver, "optimal": found.optimal, "solver_seconds": round(found.seconds, 3),
                "read_seconds": round(read, 3), "greedy_seconds": round(greedy_seconds, 3),
            }
            if baseline is not None:
                result["greedy"] = {"total_quality": baseline.total_quality, "cost": baseline.total_cost,
                                    "worst_load": baseline.worst_load,
                                    "lowest_load": baseline.lowest_load, "complete": baseline.complete,
                                    "mean_quality": round(baseline.total_quality / max(1, len(baseline.pairs)), 1)}
            with transaction.atomic():
                ReviewAssignment.objects.filter(edition=edition, review_pass=1, published_at__isnull=True,
                                                removed_at__isnull=True).delete()
                insert_pairs(edition.pk, run.pk, [
                    (pair.entry, pair.expert,
                     AssignmentSource.PINNED if pair in problem.pins else AssignmentSource.SOLVER,
                     float(found.quality[pair])) for pair in found.pairs])
                result["save_seconds"] = round(time.perf_counter() - saving, 3)
                result["seconds"] = round(time.perf_counter() - started, 3)
                AssignmentRun.objects.filter(pk=run.pk).update(
                    status=RunStatus.DONE, progress=100, step=_("Done."), result=result, finished_at=timezone.now())
                run.refresh_from_db()
                record(actor=run.created_by, action="review.assignment_compute", obj=run, edition=edition,
                       data={"seed": run.seed, "pairs": len(found.pairs), "quality": found.total_quality,
                             "solver": found.solver})
            return run
        except Exception:  # the run must end in a state the page can show, whatever went wrong
            logger.exception("assignment run %s failed", run.pk)
            AssignmentRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, step=_("Failed."),
                                                           finished_at=timezone.now())
            run.refresh_from_db()
            return run


# --- Hand edits --------------------------------------------------------------------------------

def _key(reason) -> tuple:
    return (reason.code, tuple(map(str, reason.entries)), tuple(map(str, reason.experts)))


def _entry_in_review(edition, entry_id) -> Entry:
    entry = Entry.objects.filter(edition=edition, pk=entry_id).first()
    if entry is None:
        raise Refused(_("There is no entry %(entry)s in this competition.") % {"entry": entry_id}, field="entry")
    if entry.status != EntryStatus.IN_REVIEW:
        raise Refused(_("Entry %(entry)s is not in the second round.") % {"entry": entry_id}, field="entry")
    return entry


def _accepted_expert(edition, expert_id, field: str) -> Expert:
    expert = Expert.objects.filter(edition=edition, pk=expert_id).first()
    if expert is None:
        raise Refused(_("There is no such expert in this competition's pool."), field=field)
    if expert.status != ExpertStatus.ACCEPTED:
        raise Refused(_("%(expert)s has not accepted the invitation (%(status)s).")
                      % {"expert": expert.name, "status": expert.get_status_display()}, field=field)
    return expert


def edit_assignment(*, actor, edition, entry_id: int, add_expert_id: int | None = None,
                    remove_expert_id: int | None = None, reason: str = "") -> list:
    """Add and/or remove one expert of one entry's first-pass experts by hand. Every constraint is checked with
    the engine's `validate`: a change that breaks one (a conflict, an exclusion, a pin, a maximum load, a side
    rule) is refused naming it; an entry left short or an expert below the minimum is allowed for now and
    returned as a warning (publishing needs them fixed). A removed published pair keeps who, when and why."""
    reason = (reason or "").strip()
    entry = _entry_in_review(edition, entry_id)
    if not add_expert_id and not remove_expert_id:
        raise Refused(_("Choose an expert to add or to remove."), field="add_expert")
    if add_expert_id and add_expert_id == remove_expert_id:
        raise Refused(_("Choose two different experts to swap."), field="add_expert")
    if AssignmentRun.objects.filter(edition=edition, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        # The run replaces the drafts when it ends: an edit now would be lost.
        raise Refused(_("An assignment run is under way; wait for it to finish."))
    with transaction.atomic():
        active = ReviewAssignment.objects.select_for_update().filter(edition=edition, review_pass=1,
                                                                     removed_at__isnull=True)
        removing = None
        if remove_expert_id:
            removing = active.filter(entry=entry, expert_id=remove_expert_id).select_related("expert").first()
            if removing is None:
                raise Refused(_("This expert is not assigned to entry %(entry)s.") % {"entry": entry.pk},
                              field="remove_expert")
            if removing.published_at is not None and not reason:
                raise Refused(_("Give a reason for removing a published pair; the expert has been told of it."),
                              field="reason")
        if add_expert_id:
            adding = _accepted_expert(edition, add_expert_id, "add_expert")
            if ReviewAssignment.objects.filter(entry=entry, expert=adding, removed_at__isnull=True).exists():
                raise Refused(_("%(expert)s is already assigned to entry %(entry)s.")
                              % {"expert": adding.name, "entry": entry.pk}, field="add_expert")
        problem = build_problem(edition)
        before = first_pass_pairs(edition)
        after = [p for p in before if not (remove_expert_id and p == (entry.pk, remove_expert_id))]
        if add_expert_id:
            after.append((entry.pk, add_expert_id))
        known = {_key(r) for r in engine.validate(problem, before)}
        broken = [r for r in engine.validate(problem, after) if _key(r) not in known]
        refused = [r for r in broken if r.code not in TRANSIENT]
        if refused:
            field = "remove_expert" if refused[0].code == "pin_missing" else "add_expert"
            if not add_expert_id:
                field = "remove_expert"
            raise Refused(" ".join(str(r.message) for r in refused), field=field)
        now = timezone.now()
        if removing is not None:
            if removing.published_at is None:
                removing.delete()
            else:
                removing.removed_at, removing.removed_by, removing.remove_reason = now, actor, reason[:300]
                removing.save(update_fields=["removed_at", "removed_by", "remove_reason"])
        if add_expert_id:
            fields = next((x.fields for x in problem.experts if x.id == add_expert_id), ())
            ReviewAssignment.objects.create(edition=edition, entry=entry, expert_id=add_expert_id,
                                            source=AssignmentSource.MANUAL,
                                            quality=engine.pair_quality(entry.industry_id, fields))
        record(actor=actor, action="review.assignment_edit", obj=entry, edition=edition, reason=reason,
               data={"added": add_expert_id, "removed": remove_expert_id})
    return [r for r in broken if r.code in TRANSIENT]


# --- Pins and forbids --------------------------------------------------------------------------

def set_pair_rule(*, actor, edition, entry_id: int, expert_id: int, kind: str, reason: str) -> PairRule:
    """Pin an expert to an entry (must review) or forbid the pair (must not), with a reason. Both take effect at
    the next run and in every check of the hand edits and the publication."""
    reason = (reason or "").strip()
    entry = _entry_in_review(edition, entry_id)
    expert = Expert.objects.filter(edition=edition, pk=expert_id).first()
    if expert is None:
        raise Refused(_("There is no such expert in this competition's pool."), field="expert")
    if kind not in PairRuleKind.values:
        raise Refused(_("Choose whether the expert must or must not review the entry."), field="kind")
    if not reason:
        raise Refused(_("Give the reason."), field="reason")
    if kind == PairRuleKind.PIN:
        conflict = active_conflicts(edition).filter(entry=entry, expert=expert).first()
        if conflict is not None:
            raise Refused(_("%(expert)s has a conflict of interest with entry %(entry)s (%(reason)s) and may not be "
                            "pinned to it.") % {"expert": expert.name, "entry": entry.pk, "reason": conflict.reason},
                          field="expert")
        if expert.status != ExpertStatus.ACCEPTED:
            raise Refused(_("%(expert)s has not accepted the invitation (%(status)s).")
                          % {"expert": expert.name, "status": expert.get_status_display()}, field="expert")
    with transaction.atomic():
        rule, _created = PairRule.objects.update_or_create(
            entry=entry, expert=expert, defaults={"edition": edition, "kind": kind, "reason": reason[:300],
                                                  "created_by": actor})
        record(actor=actor, action="review.pair_rule_set", obj=entry, edition=edition, reason=reason,
               data={"entry": entry.pk, "expert": expert.pk, "kind": kind})
    return rule


def delete_pair_rule(*, actor, edition, rule_id: int) -> None:
    """Lift a pin or a forbid."""
    rule = PairRule.objects.filter(edition=edition, pk=rule_id).first()
    if rule is None:
        raise Refused(_("There is no such rule."))
    with transaction.atomic():
        record(actor=actor, action="review.pair_rule_delete", obj=rule.entry, edition=edition,
               data={"entry": rule.entry_id, "expert": rule.expert_id, "kind": rule.kind})
        rule.delete()


# --- Publishing --------------------------------------------------------------------------------

def _notify_experts(edition, counts: Counter) -> int:
    from wuxiao.notifications.services import notify_users

    experts = Expert.objects.filter(pk__in=list(counts), user__isnull=False).select_related("user")
    sent = 0
    for expert in experts:
        notify_users(users=[expert.user], event="review.assignment_published", url=WORKSPACE_PATH,
                     context={"edition": str(edition), "count": counts[expert.pk], "expert": expert.name})
        sent += 1
    return sent


def publish_assignment(*, actor, edition, reason: str = "") -> int:
    """Publish every draft pair: the experts see their entries and are told how many (in the app and by e-mail).
    Refused while the first pass breaks a constraint (the engine's `validate`, each reason in words) or a run is
    under way. Audited with who, when and the seed of the draw. Returns the number of pairs published."""
    if AssignmentRun.objects.filter(edition=edition, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise Refused(_("An assignment run is under way; wait for it to finish."))
    with transaction.atomic():
        drafts = ReviewAssignment.objects.select_for_update().filter(edition=edition, removed_at__isnull=True,
                                                                     published_at__isnull=True)
        found = list(drafts.values_list("pk", "expert_id", "review_pass"))
        if not found:
            raise Refused(_("There is nothing to publish."))
        problems = engine.validate(build_problem(edition), first_pass_pairs(edition))
        if problems:
            shown = " ".join(str(r.message) for r in problems[:5])
            if len(problems) > 5:
                shown += " " + _("(and %(count)d more)") % {"count": len(problems) - 5}
            raise Refused(_("The assignment cannot be published yet: %(problems)s") % {"problems": shown})
        now = timezone.now()
        ReviewAssignment.objects.filter(pk__in=[pk for pk, _x, _p in found]).update(published_at=now)
        counts = Counter(expert_id for _pk, expert_id, _p in found)
        run = AssignmentRun.objects.filter(edition=edition, status=RunStatus.DONE, second_pass=False).first()
        seed = run.seed if run else None
        record(actor=actor, action="review.assignment_publish", obj=edition, edition=edition, reason=reason,
               data={"pairs": len(found), "experts": len(counts), "seed": seed, "run": run.pk if run else None,
                     "second_pass": sum(1 for _pk, _x, p in found if p == 2)})
        _notify_experts(edition, counts)
    return len(found)


# --- Re-assignment -----------------------------------------------------------------------------

def reassign_and_publish(*, actor, edition) -> AssignmentRun:
    """Take the published pairs whose expert declined or has a conflict of interest off, give their entries other
    experts with as few other changes as possible (the engine's `reassign` for the first pass, pairs already scored
    staying; a second-pass review goes to another expert under the second pass's rules), and publish the new
    pairs. Removed pairs keep who, when and why."""
    from .queries_assign import pairs_needing_reassignment

    needing = list(pairs_needing_reassignment(edition))
    if not needing:
        raise Refused(_("No published pair needs re-assignment."))
    why = {(p.entry_id, p.expert_id): p.why for p in needing}
    last = AssignmentRun.objects.filter(edition=edition, second_pass=False).exclude(
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).first()
    seed = last.seed if last else (review_settings(edition).seed or new_seed())
    found = None
    if any(p.review_pass == 1 for p in needing):
        problem = build_problem(edition, seed=seed)
        # Work already done is kept: a pair with a score stays wherever the problem still allows it.
        expert_ids = {x.id for x in problem.experts}
        scored = set(Score.objects.filter(edition=edition, assignment__review_pass=1,
                                          assignment__removed_at__isnull=True).values_list("entry_id", "expert_id"))
        problem.pins = problem.pins | {engine.Pair(*p) for p in scored if p[1] in expert_ids
                                       and p not in problem.conflicts and p not in problem.forbids}
        try:
            found = engine.reassign(problem, first_pass_pairs(edition))
        except engine.Infeasible as exc:
            raise Refused(" ".join(str(r.message) for r in exc.reasons)) from exc
    with transaction.atomic():
        run = AssignmentRun.objects.create(
            edition=edition, seed=seed, created_by=actor, status=RunStatus.DONE, progress=100, step=_("Done."),
            parameters={"kind": "reassign", "needing": len(needing)}, finished_at=timezone.now())
        result = {"removed": 0, "added": 0, "kept": len(first_pass_pairs(edition)), "changed": 0}
        now = timezone.now()
        if found is not None:
            rows = {(a.entry_id, a.expert_id): a for a in ReviewAssignment.objects.select_for_update().filter(
                edition=edition, review_pass=1, removed_at__isnull=True)}
            for pair in found.removed:
                row = rows.get(tuple(pair))
                if row is None:
                    continue
                if row.published_at is None:
                    row.delete()
                    continue
                row.removed_at, row.removed_by = now, actor
                row.remove_reason = why.get(tuple(pair)) or _("moved by the re-assignment")
                row.save(update_fields=["removed_at", "removed_by", "remove_reason"])
            ReviewAssignment.objects.bulk_create([
                ReviewAssignment(edition=edition, entry_id=p.entry, expert_id=p.expert, run=run,
                                 source=AssignmentSource.REASSIGNED, quality=found.assignment.quality[p])
                for p in found.added])
            result.update({"solver": found.assignment.solver, "solver_seconds": round(found.assignment.seconds, 3),
                           "kept": len(found.kept), "removed": len(found.removed), "added": len(found.added),
                           "changed": found.changed, "worst_load": found.assignment.worst_load,
                           "total_quality": found.assignment.total_quality})
        # Second-pass reviews: each entry gets as many other experts as it lost, under the second pass's rules.
        lost = Counter()
        for pair in needing:
            if pair.review_pass == 2:
                pair.removed_at, pair.removed_by, pair.remove_reason = now, actor, str(pair.why)[:300]
                pair.save(update_fields=["removed_at", "removed_by", "remove_reason"])
                lost[pair.entry_id] += 1
        by_count = defaultdict(list)
        for entry_id, count in lost.items():
            by_count[count].append(entry_id)
        added_second = []
        for count, entry_ids in sorted(by_count.items()):
            _problem, solved, added = _second_pass_solution(edition, entry_ids, count, seed)
            added_second += [(p, solved.quality[p]) for p in added]
        ReviewAssignment.objects.bulk_create([
            ReviewAssignment(edition=edition, entry_id=p.entry, expert_id=p.expert, run=run, review_pass=2,
                             source=AssignmentSource.REASSIGNED, quality=quality) for p, quality in added_second])
        result["removed"] += sum(lost.values())
        result["added"] += len(added_second)
        result["changed"] += sum(lost.values()) + len(added_second)
        AssignmentRun.objects.filter(pk=run.pk).update(result=result)
        run.result = result
        record(actor=actor, action="review.reassign", obj=run, edition=edition,
               data={"seed": seed, "removed": [[p.entry_id, p.expert_id] for p in needing],
                     "added": [list(p) for p in (found.added if found else ())] + [list(p) for p, _q in added_second]})
        if result["added"]:
            publish_assignment(actor=actor, edition=edition, reason=_("re-assignment"))
    return run


# --- The second pass ---------------------------------------------------------------------------

def _second_pass_solution(edition, entry_ids, extra: int, seed: int):
    """Solve for `extra` more experts of each of `entry_ids` (see assign_second_pass); returns (problem, the
    engine's assignment, the new pairs). Raises Refused with the reasons when it cannot be done."""
    rows = list(_entries(edition, entry_ids))
    missing = sorted(set(entry_ids) - {pk for pk, _c, _n in rows})
    if missing:
        raise Refused(_("Entries %(entries)s are not in the second round.")
                      % {"entries": "、".join(map(str, missing))}, field="entries")
    s = review_settings(edition)
    experts = _experts(edition)
    expert_ids = {x.id for x in experts}
    conflicts = conflict_reasons(edition)
    active = list(ReviewAssignment.objects.filter(edition=edition, removed_at__isnull=True)
                  .values_list("entry_id", "expert_id"))
    chosen = set(entry_ids)
    present = defaultdict(list)
    load_elsewhere = Counter()
    for entry_id, expert_id in active:
        if entry_id in chosen:
            present[entry_id].append(expert_id)
        else:
            load_elsewhere[expert_id] += 1
    pins = {(e, x) for e, xs in present.items() for x in xs if x in expert_ids and (e, x) not in conflicts}
    forbids = {(e, x) for e, x in PairRule.objects.filter(edition=edition, kind=PairRuleKind.FORBID,
                                                          entry_id__in=entry_ids).values_list("entry_id", "expert_id")}
    # An expert who had the entry once (declined pair, conflict) is not asked again either.
    forbids |= {(e, x) for e, x in ReviewAssignment.objects.filter(edition=edition, entry_id__in=entry_ids)
                .values_list("entry_id", "expert_id") if (e, x) not in pins}
    kept = Counter(e for e, _x in pins)
    problem = engine.Problem(
        entries=[engine.Entry(pk, industry=code, category=category, label=str(pk), reviews=kept[pk] + extra)
                 for pk, code, category in rows],
        experts=[engine.Expert(x.id, organisation=x.organisation, title=x.title, fields=x.fields, load_min=0,
                               load_max=max(0, (x.load_max if x.load_max is not None else s.load_max)
                                            - load_elsewhere[x.id]), label=x.label) for x in experts],
        reviews=extra, load_min=0, conflicts=conflicts, pins=pins, forbids=forbids, seed=seed,
        require_senior=s.require_senior, max_per_org=s.max_per_organisation)
    try:
        found = engine.solve(problem)
    except engine.Infeasible as exc:
        raise Refused(" ".join(str(r.message) for r in exc.reasons), field="entries") from exc
    return problem, found, [p for p in found.pairs if p not in problem.pins]


def assign_second_pass(*, actor, edition, entry_ids, extra: int) -> AssignmentRun:
    """Give each of these entries `extra` more experts (second pass, item 6) under the same constraints: no
    conflict or exclusion, not an expert who already has (or had) the entry, each expert's maximum load counting
    all their entries, the side rules counting the entry's present experts. The new pairs are drafts of pass 2,
    published like the first. The seed is recorded on the run."""
    entry_ids = sorted({int(e) for e in entry_ids})
    if not entry_ids:
        raise Refused(_("Choose at least one entry."), field="entries")
    if not 1 <= extra <= 10:
        raise Refused(_("Ask for between 1 and 10 extra reviews per entry."), field="extra")
    seed = new_seed()
    problem, found, added = _second_pass_solution(edition, entry_ids, extra, seed)
    with transaction.atomic():
        run = AssignmentRun.objects.create(
            edition=edition, second_pass=True, seed=seed, created_by=actor, status=RunStatus.DONE,
            progress=100, step=_("Done."), parameters={"entries": entry_ids, "extra": extra},
            result={"pairs": len(added), "solver": found.solver, "solver_seconds": round(found.seconds, 3),
                    "total_quality": int(sum(found.quality[p] for p in added))},
            finished_at=timezone.now())
        ReviewAssignment.objects.bulk_create([
            ReviewAssignment(edition=edition, entry_id=p.entry, expert_id=p.expert, run=run, review_pass=2,
                             source=AssignmentSource.SECOND_PASS, quality=found.quality[p]) for p in added])
        record(actor=actor, action="review.second_pass", obj=run, edition=edition,
               data={"seed": seed, "entries": entry_ids, "extra": extra, "pairs": len(added)})
    return run
