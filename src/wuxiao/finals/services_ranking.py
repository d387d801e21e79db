"""The final ranking (R10): computed from the locked roadshow and site-visit scores with the edition's weights
and rule for entries without a visit, rows moved by the office with a recorded reason, approved once. A new
computation is a new draft; earlier rankings stay as they were."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import allowed

from . import queries, scoring
from . import queries_ranking as rq
from .models import FinalRanking, RankingRow, RankingStatus, UnvisitedRule

NOT_OFFICE = _("Only the committee office may compute, change and approve the final ranking.")
APPROVED_READ_ONLY = _("This ranking is approved and can no longer be changed; compute a new one if needed.")


def _check_office(actor) -> None:
    if not allowed(actor, "finals.manage"):
        raise Refused(NOT_OFFICE)


def compute_ranking(*, actor, edition) -> FinalRanking:
    """Compute a new draft ranking of every finalist (R10): final = roadshow × weight + site × weight; entries
    without a visit after the visited ones by roadshow score, or among them, as the edition's rule says."""
    _check_office(actor)
    settings = queries.final_settings(edition)
    inputs = rq.ranking_inputs(edition)
    if not any(r is not None for _i, r, _s in inputs):
        raise Refused(_("No finalist has a locked roadshow score yet: the ranking cannot be computed."))
    after = settings.unvisited_rule == UnvisitedRule.AFTER
    ranked = scoring.final_ranking(inputs, roadshow_weight=settings.roadshow_weight,
                                   site_weight=settings.site_weight, unvisited_after=after)
    opened = rq.open_items(edition)
    with transaction.atomic():
        ranking = FinalRanking.objects.create(edition=edition, created_by=actor, parameters={
            "roadshow_weight": str(settings.roadshow_weight), "site_weight": str(settings.site_weight),
            "unvisited_rule": settings.unvisited_rule, "entries": len(ranked),
            "visited": sum(1 for r in ranked if r.visited), "ties": sum(1 for r in ranked if r.tie),
            "visits_unlocked": opened.visits_unlocked, "roadshow_missing": opened.roadshow_missing,
            "inputs": rq.fingerprint(inputs)})
        RankingRow.objects.bulk_create([
            RankingRow(ranking=ranking, entry_id=r.entry_id, roadshow=r.roadshow, site=r.site, final=r.final,
                       visited=r.visited, computed_position=r.position, position=r.position, tie=r.tie)
            for r in ranked], batch_size=500)
        audit.record(actor=actor, action="finals.ranking_compute", obj=ranking, edition=edition,
                     data={k: v for k, v in ranking.parameters.items() if k != "inputs"})
    return ranking


def move_row(*, actor, ranking: FinalRanking, entry_id: int, position: int, reason: str) -> RankingRow:
    """Move an entry to `position` in a draft ranking with the reason; the rows between shift by one and every
    position stays 1..n."""
    _check_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Please give the reason for the change (it is recorded)."), field="reason")
    with transaction.atomic():
        ranking = FinalRanking.objects.select_for_update().get(pk=ranking.pk)
        if ranking.status != RankingStatus.DRAFT:
            raise Refused(APPROVED_READ_ONLY)
        rows = list(RankingRow.objects.filter(ranking=ranking).order_by("position", "id"))
        moved = next((r for r in rows if r.entry_id == entry_id), None)
        if moved is None:
            raise Refused(_("This entry is not in the ranking."), field="entry")
        if not 1 <= position <= len(rows):
            raise Refused(_("The place must be between 1 and %(n)d.") % {"n": len(rows)}, field="position")
        before = moved.position
        if before == position:
            raise Refused(_("The entry is already at this place."), field="position")
        rows.remove(moved)
        rows.insert(position - 1, moved)
        now = timezone.now()
        for n, row in enumerate(rows, start=1):
            if row is moved:
                row.position, row.change_reason, row.changed_by, row.changed_at = n, reason, actor, now
                row.save(update_fields=["position", "change_reason", "changed_by", "changed_at"])
            elif row.position != n:
                row.position = n
                row.save(update_fields=["position"])
        audit.record(actor=actor, action="finals.ranking_move", obj=ranking, edition=ranking.edition, reason=reason,
                     data={"entry": entry_id, "from": before, "to": position})
    return moved


def approve_ranking(*, actor, ranking: FinalRanking, note: str = "") -> FinalRanking:
    """Approve a draft ranking (then it is read-only). Refused while a visit's scores are unlocked or the scores
    changed since it was computed; with ties left as the rule ordered them, a note must say how they were decided."""
    _check_office(actor)
    note = (note or "").strip()
    with transaction.atomic():
        ranking = FinalRanking.objects.select_for_update().get(pk=ranking.pk)
        if ranking.status != RankingStatus.DRAFT:
            raise Refused(_("This ranking is already approved."))
        newest = rq.current_ranking(ranking.edition)
        if newest is not None and newest.pk != ranking.pk:
            raise Refused(_("A newer ranking has been computed since: approve that one."))
        opened = rq.open_items(ranking.edition)
        if opened.visits_unlocked:
            raise Refused(_("%(n)d site visits still have unlocked scores: lock them (or withdraw the visits) and "
                            "compute the ranking again.") % {"n": opened.visits_unlocked})
        if rq.is_stale(ranking):
            raise Refused(_("Scores have been locked or visits changed since this ranking was computed: compute it "
                            "again before approving it."))
        rows = list(RankingRow.objects.filter(ranking=ranking))
        undecided = [r for r in rows if r.tie and not r.change_reason]
        if undecided and not note:
            raise Refused(_("%(n)d entries are tied and their order was not changed by the office: say in the note how "
                            "the ties were decided (e.g. the meeting's decision).") % {"n": len(undecided)},
                          field="note")
        ranking.status, ranking.approved_by, ranking.approved_at = RankingStatus.APPROVED, actor, timezone.now()
        ranking.approval_note = note
        ranking.save(update_fields=["status", "approved_by", "approved_at", "approval_note"])
        audit.record(actor=actor, action="finals.ranking_approve", obj=ranking, edition=ranking.edition, reason=note,
                     data={"entries": len(rows), "ties_undecided": len(undecided),
                           "changed": sum(1 for r in rows if r.change_reason)})
    return ranking
