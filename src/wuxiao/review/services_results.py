"""The finalist list (决赛入围建议名单, R7; issue 10, item 11): proposed from the edition's rule, edited by the
committee office with a recorded reason per change, approved once. Approval moves every entry of the second
round through the one transition function (entries.services.transition_entry), which notifies the units.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxiao.common import audit
from wuxiao.common.exceptions import Refused
from wuxiao.common.permissions import allowed
from wuxiao.entries.enums import Action, EntryStatus
from wuxiao.entries.models import Entry

from . import queries_results as rq
from .models import FinalistList, FinalistListStatus, FinalistRow

NOT_OFFICE = _("Only the committee office may decide the finalist list.")


def _check_office(actor) -> None:
    if not allowed(actor, "review.manage"):
        raise Refused(NOT_OFFICE)


def flag_records(flags) -> list[dict]:
    """Flags as stored on a row (kind and numbers; the words are formatted when shown, in the reader's language)."""
    return [{"kind": str(f.kind), "expert": f.expert_id, "value": f.value, "params": dict(f.params)} for f in flags]


def propose_finalist_list(*, actor, edition) -> FinalistList:
    """Store the list proposed by the edition's rule (top N or cut-off, by category or not) as a draft, one row
    per entry of the second round with its official and calibrated scores, ranks and flags."""
    _check_office(actor)
    with transaction.atomic():
        # Entries an approved list has decided have left the second round; a later list is a supplementary
        # one (补充名单) for those accepted since.
        waiting = set(rq.queries.round_entries(edition).values_list("pk", flat=True))
        if not waiting:
            raise Refused(_("No entry of the second round is waiting for a decision: every entry accepted into it "
                            "has been decided by an approved finalist list."))
        settings = rq.queries.review_settings(edition)
        if settings.finalist_count is None and settings.finalist_cutoff is None:
            raise Refused(_("The second-round settings give neither the number of finalists nor a cut-off score; "
                            "set one of them first."))
        results = rq.edition_results(edition)
        if results.proposal is None:
            raise Refused(_("No entry of the second round has a submitted score yet; the list cannot be proposed."))
        result = results.aggregation
        rows = [row for row in results.proposal.rows if row.entry_id in waiting]
        if not rows:
            raise Refused(_("No entry of the second round waiting for a decision has a submitted score yet; the "
                            "list cannot be proposed."))
        finalist_list = FinalistList.objects.create(edition=edition, created_by=actor, parameters={
            "rule": str(settings.aggregation_rule), "top": settings.finalist_count,
            "cutoff": str(settings.finalist_cutoff) if settings.finalist_cutoff is not None else None,
            "by_category": settings.finalists_by_category,
            "places": {str(k): v for k, v in (results.places or {}).items()},
            "alpha": None if result.alpha != result.alpha else round(result.alpha, 4),
            "entries": len(rows), "proposed": sum(1 for row in rows if row.proposed),
            "supplementary": rq.approved_finalist_list(edition) is not None,
            **rq.scores_fingerprint(edition),
        })
        FinalistRow.objects.bulk_create([
            FinalistRow(finalist_list=finalist_list, entry_id=row.entry_id, official_score=row.official,
                        calibrated_score=row.calibrated, official_rank=row.official_rank,
                        calibrated_rank=row.calibrated_rank, flags=flag_records(row.flags), proposed=row.proposed,
                        selected=row.proposed)
            for row in rows], batch_size=500)
        audit.record(actor=actor, action="review.finalists_propose", obj=finalist_list, edition=edition,
                     data={"entries": len(rows), "proposed": sum(1 for row in rows if row.proposed),
                           "top": settings.finalist_count, "by_category": settings.finalists_by_category})
    return finalist_list


def change_finalist_row(*, actor, finalist_list: FinalistList, entry_id, selected: bool, reason: str) -> FinalistRow:
    """Put an entry on the proposed list or take it off, with the reason (who and when are recorded)."""
    _check_office(actor)
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = FinalistList.objects.select_for_update().get(pk=finalist_list.pk)
        if locked.status != FinalistListStatus.DRAFT:
            raise Refused(_("The finalist list has been approved; it can no longer be changed."))
        entry = Entry.objects.filter(pk=entry_id).only("pk", "edition_id", "title").first()
        if entry is None or entry.edition_id != locked.edition_id:
            raise Refused(_("This entry is not in this edition's second round; only this edition's entries can be "
                            "put on its finalist list."), field="entry")
        row = FinalistRow.objects.filter(finalist_list=locked, entry=entry).first()
        if row is None:
            raise Refused(_("This entry is not on the proposed list (it was accepted into the second round after "
                            "the list was proposed); propose the list again."), field="entry")
        if row.selected == selected:
            raise Refused(_("This entry is already on the finalist list.") if selected else
                          _("This entry is already off the finalist list."), field="entry")
        if not reason:
            raise Refused(_("Please give the reason for this change; it is recorded with the list."), field="reason")
        row.selected = selected
        row.change_reason = reason[:300]
        row.changed_by = actor
        row.changed_at = timezone.now()
        row.save(update_fields=["selected", "change_reason", "changed_by", "changed_at"])
        audit.record(actor=actor, action="review.finalist_change", obj=locked, reason=reason,
                     edition=locked.edition,
                     data={"entry": entry.pk, "selected": selected, "proposed": row.proposed,
                           "official_rank": row.official_rank})
    return row


MOVE_CHUNK = 100  # entries moved per transaction: progress shows between chunks


def approve_finalist_list(*, actor, finalist_list: FinalistList, note: str = "") -> FinalistList:
    """Approve the list and queue the move of every entry still in the second round to
    finalist or not finalist through the one transition function, which records it in each entry's history
    and notifies the units (R7). The checks and the approval are one transaction; a refusal changes nothing."""
    _check_office(actor)
    note = (note or "").strip()
    with transaction.atomic(durable=True):
        locked = FinalistList.objects.select_for_update().select_related("edition").get(pk=finalist_list.pk)
        edition = locked.edition
        if locked.status == FinalistListStatus.APPROVED:
            raise Refused(_("This finalist list has already been approved."))
        missing = rq.missing_from_list(locked)
        if missing:
            raise Refused(_("%(count)d entries of the second round are not on this list (accepted after it was "
                            "proposed): %(numbers)s. Propose the list again.")
                          % {"count": len(missing), "numbers": "、".join(map(str, missing[:20]))})
        outstanding = rq.outstanding_scores(edition)
        if outstanding["scores"]:
            raise Refused(_("%(scores)d assigned scores of %(entries)d entries have not been submitted yet; the list "
                            "is approved once every score is in (or the assignment has been changed).")
                          % outstanding)
        if rq.scores_fingerprint(edition) != {k: locked.parameters.get(k) for k in ("scores", "last_saved")}:
            raise Refused(_("Scores have been submitted or changed since this list was proposed; propose it again "
                            "so that it rests on every score."))
        counts = rq.finalist_counts(locked)
        if not counts["selected"]:
            raise Refused(_("No entry is selected as finalist on this list."))
        waiting = FinalistRow.objects.filter(finalist_list=locked, entry__status=EntryStatus.IN_REVIEW).count()
        locked.status = FinalistListStatus.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.approval_note = note
        locked.parameters = {**locked.parameters, "approval": {"state": "queued", "total": waiting, "done": 0}}
        locked.save(update_fields=["status", "approved_by", "approved_at", "approval_note", "parameters"])
        audit.record(actor=actor, action="review.finalists_approve", obj=locked, reason=note, edition=edition,
                     data={"finalist": counts["selected"], "not_finalist": counts["total"] - counts["selected"]})
        from .tasks_results import move_finalist_entries

        # With the database backend the task row commits with the approval: a worker never sees one without the other.
        result = move_finalist_entries.enqueue(locked.pk, getattr(actor, "pk", None))
        _set_approval(locked.pk, task_id=str(result.id)[:64])
    locked.refresh_from_db()
    return locked


def _set_approval(list_id: int, **values) -> None:
    """Update the approval's progress record (kept in the list's parameters; only the move writes it)."""
    found = FinalistList.objects.filter(pk=list_id).values_list("parameters", flat=True).first() or {}
    approval = {**found.get("approval", {}), **values}
    FinalistList.objects.filter(pk=list_id).update(parameters={**found, "approval": approval})


def move_entries_by_list(*, finalist_list_id: int, actor) -> dict:
    """Move each entry of the approved list still in the second round (in chunks, one transaction each, so the
    page shows progress); running it again after a worker died moves only those left."""
    from wuxiao.entries.services import transition_entry

    finalist_list = FinalistList.objects.get(pk=finalist_list_id)
    if finalist_list.status != FinalistListStatus.APPROVED:
        return {"moved": 0}
    rows = list(FinalistRow.objects.filter(finalist_list=finalist_list, entry__status=EntryStatus.IN_REVIEW)
                .select_related("entry").order_by("entry_id"))
    total = finalist_list.parameters.get("approval", {}).get("total", len(rows))
    done = max(total - len(rows), 0)
    _set_approval(finalist_list.pk, state="running", done=done, error="")
    # A person acts for the office; without one (the account was removed meanwhile) the system applies the list.
    check = actor is not None and allowed(actor, "review.manage")
    try:
        for start in range(0, len(rows), MOVE_CHUNK):
            with transaction.atomic():
                for row in rows[start:start + MOVE_CHUNK]:
                    action = Action.SELECT_FINALIST if row.selected else Action.NOT_SELECT
                    transition_entry(entry=row.entry, action=action, actor=actor if check else None,
                                     data={"finalist_list": finalist_list.pk}, check_permission=check)
                done += len(rows[start:start + MOVE_CHUNK])
                _set_approval(finalist_list.pk, done=done)
    except Exception as error:
        _set_approval(finalist_list.pk, state="failed", error=str(getattr(error, "message", error))[:500])
        raise
    _set_approval(finalist_list.pk, state="done", done=done, finished_at=timezone.now().isoformat())
    return {"moved": len(rows)}


def resume_finalist_moves(*, actor, finalist_list: FinalistList) -> None:
    """Queue the move again after it failed or its worker stopped: only the entries left are moved."""
    _check_office(actor)
    if finalist_list.status != FinalistListStatus.APPROVED:
        raise Refused(_("This finalist list has not been approved."))
    if not rq.entries_waiting(finalist_list):
        raise Refused(_("Every entry of this list has already been moved."))
    from .tasks_results import move_finalist_entries

    with transaction.atomic():
        _set_approval(finalist_list.pk, state="queued", error="")
        audit.record(actor=actor, action="review.finalists_resume", obj=finalist_list, edition=finalist_list.edition)
        result = move_finalist_entries.enqueue(finalist_list.pk, getattr(actor, "pk", None))
        _set_approval(finalist_list.pk, task_id=str(result.id)[:64])
