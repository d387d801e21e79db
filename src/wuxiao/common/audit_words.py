"""The audit log in words: a label for every action the services record, and their data as labelled values.

The log stores codes (`entry.recommend`, `{"rule": "R4.3", "unit": 12}`): they are stable and
searchable. The page and the exports show `action_label()` and `describe()` instead (作品已推荐;
不符合的参赛条件：不列入竞赛范围的情形第（三）项). tests/common/test_audit_words.py checks that every
action recorded anywhere in the code has a label here.
"""

import re
from collections import defaultdict

from django.apps import apps
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

# Every action recorded with common.audit.record, by the service that records it.
ACTION_LABELS = {
    # competitions
    "edition.create": gettext_lazy("edition created"),
    "edition.copy": gettext_lazy("edition copied"),
    "edition.set_current": gettext_lazy("edition shown on the public page"),
    "edition.update_settings": gettext_lazy("edition settings changed"),
    "edition.update_categories": pgettext_lazy("audit action", "categories changed"),
    "edition.update_presentation_forms": pgettext_lazy("audit action", "presentation forms changed"),
    "edition.update_exclusions": pgettext_lazy("audit action", "cases not included in the competition changed"),
    "edition.update_criteria": pgettext_lazy("audit action", "review criteria changed"),
    "edition.update_prizes": pgettext_lazy("audit action", "prize tiers changed"),
    "edition.update_committee": pgettext_lazy("audit action", "committee members changed"),
    # accounts and units
    "org.register": gettext_lazy("declaring unit registered"),
    "invitation.create": gettext_lazy("invitation created"),
    "invitation.accept": gettext_lazy("invitation accepted"),
    "api_token.create": gettext_lazy("API token created"),
    "api_token.revoke": gettext_lazy("API token revoked"),
    "api_token.revoke_all": pgettext_lazy("audit action", "all API tokens of the user revoked"),
    "registration.accept": gettext_lazy("registration accepted"),
    "registration.reject": gettext_lazy("registration rejected"),
    "registration.resubmit": gettext_lazy("registration resubmitted"),
    "unit.create": gettext_lazy("unit created"),
    "unit.update": gettext_lazy("unit changed"),
    "unit.credit_code_confirm": gettext_lazy("credit code confirmed by hand"),
    "unit.credit_code_wrong": gettext_lazy("credit code marked as wrong"),
    # entries: the declaring unit's own writes
    "entry.create": pgettext_lazy("audit action", "entry created"),
    "entry.delete": pgettext_lazy("audit action", "draft entry deleted"),
    "entry.attachment_add": pgettext_lazy("audit action", "attachment uploaded"),
    "entry.attachment_remove": pgettext_lazy("audit action", "attachment removed"),
    # entries: the transitions (entries.enums.Action), as what happened to the entry
    "entry.submit": pgettext_lazy("audit action", "entry submitted"),
    "entry.withdraw": pgettext_lazy("audit action", "entry withdrawn"),
    "entry.return": pgettext_lazy("audit action", "entry returned for revision"),
    "entry.recommend": pgettext_lazy("audit action", "entry recommended"),
    "entry.not_recommend": pgettext_lazy("audit action", "entry not recommended"),
    "entry.unrecommend": pgettext_lazy("audit action", "recommendation taken back"),
    "entry.accept": pgettext_lazy("audit action", "entry accepted into the second round"),
    "entry.declare_ineligible": pgettext_lazy("audit action", "entry declared ineligible"),
    "entry.request_correction": pgettext_lazy("audit action", "entry sent back for correction"),
    "entry.select_finalist": pgettext_lazy("audit action", "entry selected for the final"),
    "entry.not_select": pgettext_lazy("audit action", "entry not selected for the final"),
    "entry.award": pgettext_lazy("audit action", "entry awarded"),
    "entry.not_award": pgettext_lazy("audit action", "entry not awarded"),
    "entry.revoke": pgettext_lazy("audit action", "award revoked"),
    # review: scoring (issue 10 items 2, 3, 7, 8)
    "review.update_rubric": pgettext_lazy("audit action", "second-round rubric changed"),
    "review.lock_rubric": pgettext_lazy("audit action", "second-round rubric locked by the first score"),
    "review.reopen_rubric": pgettext_lazy("audit action", "second-round rubric reopened"),
    "review.confirm_no_conflict": pgettext_lazy("audit action", "expert confirmed no conflict of interest"),
    "review.submit_score": pgettext_lazy("audit action", "second-round score submitted"),
    "review.reopen_score": pgettext_lazy("audit action", "second-round score reopened"),
    "review.declare_conflict": pgettext_lazy("audit action", "conflict of interest declared by the expert"),
    "review.remind_expert": pgettext_lazy("audit action", "expert reminded of outstanding scores"),
    "review.scheduled_reminders": pgettext_lazy("audit action", "scheduled reminders sent"),
    # review: results (finalist list, R7)
    "review.finalists_propose": pgettext_lazy("audit action", "finalist list proposed"),
    "review.finalist_change": pgettext_lazy("audit action", "finalist list changed"),
    "review.finalists_approve": pgettext_lazy("audit action", "finalist list approved"),
    "review.finalists_resume": pgettext_lazy("audit action", "move of the finalist list's entries started again"),
    # screening
    "screening.compute_flags": pgettext_lazy("audit action", "automatic flags computed"),
    "screening.request_flags": pgettext_lazy("audit action", "automatic flags requested"),
    "screening.reorder_ranks": pgettext_lazy("audit action", "merit ranks changed"),
    "screening.sheet_upload": pgettext_lazy("audit action", "stamped summary sheet uploaded"),
    "screening.batch_submit": pgettext_lazy("audit action", "batch handed to the committee"),
    "screening.batch_reopen": pgettext_lazy("audit action", "batch reopened by the committee"),
    "screening.quota_exception": pgettext_lazy("audit action", "more places agreed by the committee"),
    "screening.deadline_extension": pgettext_lazy("audit action", "recommendation deadline extended"),
    # notifications
    "notifications.template_update": pgettext_lazy("audit action", "message template changed"),
    "notifications.template_reset": pgettext_lazy("audit action", "message template reset to the default"),
    # documents
    "documents.commitment_create": pgettext_lazy("audit action", "credit commitment started"),
    "documents.commitment_scan_upload": pgettext_lazy("audit action", "stamped credit commitment uploaded"),
    "documents.commitment_update": pgettext_lazy("audit action", "credit commitment changed"),
    "documents.export_request": pgettext_lazy("audit action", "export of entry forms requested"),
    # entries: the Excel import of entries collected offline
    "entry_import.upload": pgettext_lazy("audit action", "Excel file of entries uploaded and checked"),
    "entry_import.confirm": pgettext_lazy("audit action", "entries imported from Excel"),
    "entry_import.discard": pgettext_lazy("audit action", "Excel file of entries discarded"),
    # review: the assignment of entries to experts (assign part)
    "review.assignment_start": pgettext_lazy("audit action", "assignment of entries to experts started"),
    "review.assignment_compute": pgettext_lazy("audit action", "assignment of entries to experts computed"),
    "review.assignment_infeasible": pgettext_lazy("audit action", "assignment found impossible"),
    "review.assignment_edit": pgettext_lazy("audit action", "assignment edited by hand"),
    "review.assignment_publish": pgettext_lazy("audit action", "assignment published to the experts"),
    "review.pair_rule_set": pgettext_lazy("audit action", "expert pinned to or excluded from an entry"),
    "review.pair_rule_delete": pgettext_lazy("audit action", "pinned or excluded pair lifted"),
    "review.reassign": pgettext_lazy("audit action", "entries re-assigned to other experts"),
    "review.second_pass": pgettext_lazy("audit action", "second pass of reviews assigned"),
    # review: pool (experts, invitations, conflicts of interest, second-round settings)
    "review.update_settings": pgettext_lazy("audit action", "second-round settings changed"),
    "review.expert_create": pgettext_lazy("audit action", "expert added to the pool"),
    "review.expert_update": pgettext_lazy("audit action", "expert's details changed"),
    "review.expert_import": pgettext_lazy("audit action", "experts imported from Excel"),
    "review.expert_invite": pgettext_lazy("audit action", "expert invited"),
    "review.invitation_accept": pgettext_lazy("audit action", "expert accepted the invitation"),
    "review.invitation_decline": pgettext_lazy("audit action", "expert declined the invitation"),
    "review.expert_withdraw": pgettext_lazy("audit action", "expert withdrew from the second round"),
    "review.group_create": pgettext_lazy("audit action", "group of companies added"),
    "review.group_update": pgettext_lazy("audit action", "group of companies changed"),
    "review.group_delete": pgettext_lazy("audit action", "group of companies deleted"),
    "review.conflict_check_request": pgettext_lazy("audit action", "conflict check requested"),
    "review.conflict_check": pgettext_lazy("audit action", "conflict check run"),
    "review.conflict_set": pgettext_lazy("audit action", "conflict of interest recorded"),
    "review.conflict_lift": pgettext_lazy("audit action", "conflict of interest lifted"),
    # finals (R8–R10)
    "finals.update_settings": pgettext_lazy("audit action", "final-round settings changed"),
    "finals.add_criterion": pgettext_lazy("audit action", "final-round criterion added"),
    "finals.change_criterion": pgettext_lazy("audit action", "final-round criterion changed"),
    "finals.delete_criterion": pgettext_lazy("audit action", "final-round criterion deleted"),
    "finals.reorder_criteria": pgettext_lazy("audit action", "final-round criteria reordered"),
    "finals.default_rubric": pgettext_lazy("audit action", "default final-round rubric used"),
    "finals.create_session": pgettext_lazy("audit action", "roadshow session created"),
    "finals.change_session": pgettext_lazy("audit action", "roadshow session changed"),
    "finals.delete_session": pgettext_lazy("audit action", "roadshow session deleted"),
    "finals.add_judge": pgettext_lazy("audit action", "judge seated on a roadshow panel"),
    "finals.remove_judge": pgettext_lazy("audit action", "judge removed from a roadshow panel"),
    "finals.add_finalists": pgettext_lazy("audit action", "finalists put into a roadshow session"),
    "finals.remove_finalist": pgettext_lazy("audit action", "finalist taken out of a roadshow session"),
    "finals.order_by_group": pgettext_lazy("audit action", "running order set by group"),
    "finals.draw": pgettext_lazy("audit action", "running order drawn"),
    "finals.publish_order": pgettext_lazy("audit action", "running order published"),
    "finals.upload_material": pgettext_lazy("audit action", "roadshow material uploaded"),
    "finals.start_session": pgettext_lazy("audit action", "roadshow session started"),
    "finals.end_session": pgettext_lazy("audit action", "roadshow session ended"),
    "finals.use_join_link": pgettext_lazy("audit action", "judge joined by a one-time link"),
    "finals.renew_join_link": pgettext_lazy("audit action", "judge's one-time link renewed"),
    "finals.lock_scores": pgettext_lazy("audit action", "roadshow scores locked"),
    "finals.reveal_scores": pgettext_lazy("audit action", "roadshow scores revealed"),
    "finals.clear_score": pgettext_lazy("audit action", "judge's roadshow score cleared"),
    "finals.visits_create": pgettext_lazy("audit action", "site visits created for the proposed entries"),
    "finals.visit_select": pgettext_lazy("audit action", "site visit decided by the committee"),
    "finals.visit_withdraw": pgettext_lazy("audit action", "site visit withdrawn"),
    "finals.visit_schedule": pgettext_lazy("audit action", "site visit scheduled"),
    "finals.visit_route": pgettext_lazy("audit action", "site-visit route changed"),
    "finals.site_score": pgettext_lazy("audit action", "site-visit score stored"),
    "finals.site_photo": pgettext_lazy("audit action", "site photo stored"),
    "finals.visit_lock": pgettext_lazy("audit action", "site-visit scores locked"),
    "finals.ranking_compute": pgettext_lazy("audit action", "final ranking computed"),
    "finals.ranking_move": pgettext_lazy("audit action", "final ranking changed"),
    "finals.ranking_approve": pgettext_lazy("audit action", "final ranking approved"),
    # awards (R10–R12): the competition as a whole
    "awards.bundle_request": pgettext_lazy("audit action", "ZIP of the awarded entries' forms and material requested"),
    # awards: tiers, changes, vacancies, revocation (R11, R12)
    "awards.allocate": pgettext_lazy("audit action", "prize tiers allocated from the final ranking"),
    "awards.set_tier": pgettext_lazy("audit action", "entry's prize tier changed"),
    "awards.resolve_tie": pgettext_lazy("audit action", "tie at a prize tier border decided"),
    "awards.set_vacancy": pgettext_lazy("audit action", "prizes of a tier left vacant"),
    "awards.revoke": pgettext_lazy("audit action", "award revoked with its prize money to be reclaimed"),
    "awards.money_return": pgettext_lazy("audit action", "return of revoked prize money recorded"),
    # awards: the announcement (公示), objections, confirmation (issue 12 items 2 and 3)
    "awards.announcement_settings": pgettext_lazy("audit action", "announcement settings changed"),
    "awards.calendar_mark": pgettext_lazy("audit action", "day marked in the announcement calendar"),
    "awards.calendar_unmark": pgettext_lazy("audit action", "mark of a day removed from the announcement calendar"),
    "awards.announce": pgettext_lazy("audit action", "award list published for the announcement period"),
    "awards.objection_receive": pgettext_lazy("audit action", "objection to the award list received"),
    "awards.objection_answer": pgettext_lazy("audit action", "objection to the award list answered"),
    "awards.confirm": pgettext_lazy("audit action", "award list confirmed"),
    "awards.certificates_issue": pgettext_lazy("audit action", "award certificates numbered"),
    "awards.certificate_settings": pgettext_lazy("audit action", "certificate settings changed"),
    "awards.certificates_job": pgettext_lazy("audit action", "award certificates generation requested"),
}


def action_label(action: str) -> str:
    """The action in words; an action without a label (a later stage's) is shown as it was stored."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    prefix, _dot, name = action.partition(".")
    if prefix == "entry" and name:
        from wuxiao.entries.enums import Action

        if name in Action.values:
            return "{}：{}".format(pgettext_lazy("audit", "entry"), Action(name).label)
    return action


# The keys of the recorded data, in words. A key of the object's own model (unit.create records
# the unit's fields) is named by the model's field.
DATA_LABELS = {
    "from": pgettext_lazy("audit data", "before"),
    "to": pgettext_lazy("audit data", "after"),
    "rank": pgettext_lazy("audit data", "merit rank"),
    "opinion": pgettext_lazy("audit data", "opinion of the recommending unit"),
    "rule": pgettext_lazy("audit data", "condition not met"),
    "due_date": pgettext_lazy("audit data", "to be corrected by"),
    "tier": pgettext_lazy("audit data", "prize tier"),
    "amount_yuan": pgettext_lazy("audit data", "prize money (yuan)"),
    "unit": pgettext_lazy("audit data", "unit"),
    "recommending_unit": pgettext_lazy("audit data", "recommending unit"),
    "organisation": pgettext_lazy("audit data", "unit"),
    "user": pgettext_lazy("audit data", "user"),
    "extra": pgettext_lazy("audit data", "more places"),
    "until": pgettext_lazy("audit data", "new deadline"),
    "previous": pgettext_lazy("audit data", "deadline before"),
    "submitted_at": pgettext_lazy("audit data", "handed over on"),
    "entries": pgettext_lazy("audit data", "entries"),
    "sheet": pgettext_lazy("audit data", "stamped summary sheet"),
    "name": pgettext_lazy("audit data", "name"),
    "size": pgettext_lazy("audit data", "size"),
    "replaced": pgettext_lazy("audit data", "replaced"),
    "kind": pgettext_lazy("audit data", "kind"),
    "changed": pgettext_lazy("audit data", "changed"),
    "added": pgettext_lazy("audit data", "added"),
    "removed": pgettext_lazy("audit data", "removed"),
    "source_title": pgettext_lazy("audit data", "copied from"),
    "event": pgettext_lazy("audit data", "event"),
    "subject": pgettext_lazy("audit data", "subject"),
    "send_email": pgettext_lazy("audit data", "also by e-mail"),
    "created": pgettext_lazy("audit data", "new"),
    "credit_code": pgettext_lazy("audit data", "unified social credit code"),
    "credit_code_status": pgettext_lazy("audit data", "credit code check"),
    "role": pgettext_lazy("audit data", "role"),
    "email": pgettext_lazy("audit data", "e-mail"),
    "new_account": pgettext_lazy("audit data", "new account"),
    "expires_at": pgettext_lazy("audit data", "valid until"),
    "count": pgettext_lazy("audit data", "number"),
    "reason": pgettext_lazy("audit data", "reason"),
    "legal_representative": pgettext_lazy("audit data", "legal representative"),
    "scan": pgettext_lazy("audit data", "stamped scan"),
    "status": pgettext_lazy("audit data", "status"),
    "category": pgettext_lazy("audit data", "category"),
    "rows": pgettext_lazy("audit data", "rows"),
    # finals (R8–R10)
    "changes": pgettext_lazy("audit data", "changes"),
    "criteria": pgettext_lazy("audit data", "criteria"),
    "date": pgettext_lazy("audit data", "date"),
    "entry": pgettext_lazy("audit data", "entry"),
    "expert": pgettext_lazy("audit data", "expert (number)"),
    "experts": pgettext_lazy("audit data", "experts (numbers)"),
    "input": pgettext_lazy("audit data", "entries drawn from (numbers)"),
    "key": pgettext_lazy("audit data", "idempotency key"),
    "material": pgettext_lazy("audit data", "material"),
    "missing": pgettext_lazy("audit data", "judges or experts without a score"),
    "missing_roadshow": pgettext_lazy("audit data", "finalists without a roadshow score"),
    "order": pgettext_lazy("audit data", "order"),
    "output": pgettext_lazy("audit data", "order drawn (entry numbers)"),
    "phase": pgettext_lazy("audit data", "phase"),
    "photo": pgettext_lazy("audit data", "photo"),
    "position": pgettext_lazy("audit data", "place"),
    "result": pgettext_lazy("audit data", "result"),
    "seat": pgettext_lazy("audit data", "seat"),
    "seconds": pgettext_lazy("audit data", "seconds"),
    "seed": pgettext_lazy("audit data", "seed of the draw"),
    "slot": pgettext_lazy("audit data", "slot"),
    "stage": pgettext_lazy("audit data", "part"),
    "ties_undecided": pgettext_lazy("audit data", "ties not reordered"),
    "time": pgettext_lazy("audit data", "time"),
    "top": pgettext_lazy("audit data", "top N"),
    "total": pgettext_lazy("audit data", "total"),
    "totals": pgettext_lazy("audit data", "totals"),
    "trim": pgettext_lazy("audit data", "highest and lowest struck out"),
    # awards: tiers and revocation (R11, R12)
    "ranking": pgettext_lazy("audit data", "final ranking (number)"),
    "reset": pgettext_lazy("audit data", "earlier changes reset"),
    "during": pgettext_lazy("audit data", "state of the award list"),
    "objection": pgettext_lazy("audit data", "objection"),
    "exceed": pgettext_lazy("audit data", "beyond the tier's number by decision"),
    "decided_on": pgettext_lazy("audit data", "date of the decision"),
    "returned_on": pgettext_lazy("audit data", "returned on"),
    # awards: announcement
    "working_days": pgettext_lazy("audit data", "announcement period (working days)"),
    "contact_changed": pgettext_lazy("audit data", "how to object changed"),
    "period_start": pgettext_lazy("audit data", "announcement from"),
    "period_end": pgettext_lazy("audit data", "announcement until"),
    "awarded": pgettext_lazy("audit data", "awarded"),
    "not_awarded": pgettext_lazy("audit data", "not awarded"),
    "objections": pgettext_lazy("audit data", "objections"),
    "number": pgettext_lazy("audit data", "receipt number"),
    "outcome": pgettext_lazy("audit data", "outcome"),
    "again": pgettext_lazy("audit data", "answer revised"),
    "day_kind": pgettext_lazy("audit data", "kind of day"),
    "objector": pgettext_lazy("audit data", "objector"),
    "certificates": pgettext_lazy("audit data", "certificates"),
    "first": pgettext_lazy("audit data", "first number"),
    "last": pgettext_lazy("audit data", "last number"),
    "job": pgettext_lazy("audit data", "background job"),
    "certificate_prefix": pgettext_lazy("audit data", "certificate number prefix"),
    "certificate_issuers": pgettext_lazy("audit data", "issuing bodies on the certificate"),
    "certificate_date": pgettext_lazy("audit data", "date on the certificates"),
    "seal": pgettext_lazy("audit data", "seal image"),
}
# Keys that only repeat what another key shows, or are internal.
HIDDEN = {"rule_text", "attachment", "source"}
# Keys holding the id of a unit, a user, a category.
UNIT_KEYS = {"unit", "recommending_unit", "organisation"}
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _choices_for(action: str, key: str):
    """The enum whose labels name the values of `key` in `action`'s data, if any."""
    from wuxiao.accounts.models import Role
    from wuxiao.entries.enums import EntryStatus
    from wuxiao.entries.models import AttachmentKind
    from wuxiao.orgs.models import CreditCodeStatus, RegistrationStatus, UnitKind

    if action.startswith("awards."):
        from wuxiao.awards.models import DayKind, ObjectionOutcome, ObjectorKind

        found = {"day_kind": DayKind, "objector": ObjectorKind, "outcome": ObjectionOutcome}.get(key)
        if found is not None:
            return found
    if key in ("from", "to"):
        if action.startswith("entry."):
            return EntryStatus
        if action.startswith("registration."):
            return RegistrationStatus
        if action.startswith("unit.credit_code"):
            return CreditCodeStatus
    if key == "status":
        return EntryStatus
    if key == "credit_code_status":
        return CreditCodeStatus
    if key == "during":
        from wuxiao.awards.models import ListStatus

        return ListStatus
    if key == "role":
        return Role
    if key == "kind":
        return AttachmentKind if action.startswith("entry.") else UnitKind
    return None


class Names:
    """The names of the units, users, entries and categories that a page of rows refers to, read at once."""

    def __init__(self, rows):
        wanted = defaultdict(set)
        for row in rows:
            data = row.data if isinstance(row.data, dict) else {}
            for key, value in data.items():
                if key in UNIT_KEYS and _is_id(value):
                    wanted["orgs.Organisation"].add(int(value))
                elif key == "user" and _is_id(value):
                    wanted["accounts.User"].add(int(value))
                elif key == "category" and _is_id(value):
                    wanted["competitions.Category"].add(int(value))
                elif row.action == "screening.reorder_ranks" and str(key).isdigit():
                    wanted["entries.Entry"].add(int(key))
        self.names = {label: {pk: str(obj) for pk, obj in apps.get_model(label).objects.in_bulk(ids).items()}
                      for label, ids in wanted.items()}

    def of(self, label: str, value) -> str:
        name = self.names.get(label, {}).get(int(value)) if _is_id(value) else None
        return name or f"#{value}"


def _is_id(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit())


def _when(value: str) -> str:
    if _ISO_DATETIME.match(value):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return value


def _size(value) -> str:
    from wuxiao.entries.attachments.limits import human_size

    return human_size(int(value)) if _is_id(value) else str(value)


def _value(action: str, key: str, value, names: Names, field_names: dict) -> str:
    """One recorded value in words."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None or value == "" or value == []:
        return "—"
    if key in UNIT_KEYS:
        return names.of("orgs.Organisation", value)
    if key == "user":
        return names.of("accounts.User", value)
    if key == "category":
        return names.of("competitions.Category", value)
    if key == "rule":
        return str(value)  # replaced by rule_label in describe(), which knows the rule's text
    if key == "size":
        return _size(value)
    if key == "event":
        from wuxiao.notifications.defaults import label_of

        return label_of(str(value))
    if key == "entries" and isinstance(value, list):
        return _("%(count)d entries") % {"count": len(value)}
    if key == "changed" and isinstance(value, list):
        return "、".join(str(field_names.get(v, v)) for v in value)
    choices = _choices_for(action, key)
    if choices is not None and isinstance(value, str) and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, list):
        if len(value) == 2 and not isinstance(value[0], (list, dict)):  # [before, after]
            return f"{_plain(value[0])} → {_plain(value[1])}"
        return "、".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{_key_label(k, field_names)}：{_value(action, k, v, names, field_names)}"
                        for k, v in value.items() if k not in HIDDEN)
    return _when(value) if isinstance(value, str) else str(value)


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return _when(value) if isinstance(value, str) else str(value)


def _key_label(key: str, field_names: dict) -> str:
    if key in DATA_LABELS:
        return str(DATA_LABELS[key])
    return str(field_names.get(key, key))


def _field_names(row) -> dict:
    """The verbose names of the fields of the row's object (and of an edition list it changed)."""
    models = []
    try:
        models.append(apps.get_model(row.object_type))
    except (LookupError, ValueError):
        pass
    if row.action.startswith("edition.update_") and row.action != "edition.update_settings":
        from wuxiao.competitions.services import LIST_KINDS

        model = LIST_KINDS.get(row.action.removeprefix("edition.update_").replace("_", "-"))
        if model is not None:
            models.insert(0, model)
    names = {"rows": DATA_LABELS["rows"]}
    for model in reversed(models):
        names.update({f.name: f.verbose_name for f in model._meta.get_fields() if hasattr(f, "verbose_name")})
    return names


def describe(row, names: Names) -> list[tuple[str, str]]:
    """The row's recorded data as (label, value) pairs: the known keys in DATA_LABELS' order, then the
    others by name (PostgreSQL's jsonb keeps no insertion order, so "as recorded" would differ by database)."""
    from wuxiao.competitions.citations import rule_label
    from wuxiao.screening.models import FlagKind

    data = row.data if isinstance(row.data, dict) else {}
    if not data:
        return []
    field_names = _field_names(row)
    pairs = []
    order = {key: i for i, key in enumerate(DATA_LABELS)}
    ordered = sorted(data.items(), key=lambda item: (order.get(item[0], len(order)),
                                                      int(item[0]) if str(item[0]).isdigit() else 0, str(item[0])))
    for key, value in ordered:
        if key in HIDDEN:
            continue
        if key == "rule":
            pairs.append((str(DATA_LABELS["rule"]), rule_label(str(value), str(data.get("rule_text") or ""))))
        elif row.action == "screening.compute_flags" and key in FlagKind.values:
            pairs.append((str(FlagKind(key).label), str(value)))
        elif row.action == "screening.reorder_ranks" and str(key).isdigit():
            pairs.append((names.of("entries.Entry", key), _value(row.action, "rank", value, names, field_names)))
        else:
            pairs.append((_key_label(key, field_names), _value(row.action, key, value, names, field_names)))
    return pairs


def describe_text(row, names: Names) -> str:
    """describe() on one line, for the exports."""
    return "；".join(f"{label}：{value}" for label, value in describe(row, names))


_DEFAULT_REPR = re.compile(r"^\w+ object \((\d+)\)$")


def object_names(rows) -> dict[tuple[str, str], str]:
    """Better names for rows recorded before their model had one ("QuotaException object (1)")."""
    wanted = defaultdict(set)
    for row in rows:
        if not row.object_repr or _DEFAULT_REPR.match(row.object_repr):
            wanted[row.object_type].add(row.object_id)
    found = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        pks = [int(i) for i in ids if str(i).isdigit()]
        for pk, obj in model.objects.in_bulk(pks).items():
            found[(object_type, str(pk))] = str(obj)
    return found


def object_name(row, better: dict) -> str:
    """The row's object in words: its stored name, or a better one when only the default was stored."""
    if row.object_repr and not _DEFAULT_REPR.match(row.object_repr):
        return row.object_repr
    return better.get((row.object_type, str(row.object_id))) or row.object_repr or "—"
