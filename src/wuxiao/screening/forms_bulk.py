"""The queues' search and bulk-action forms (issue 9 items 13, 14), and the report a bulk action leaves
for the page it returns to.

The checkboxes of the entries stand in the queue's rows, outside the form (`form="bulk-form"`); what
an action needs (a reason, the opinion, the rule, a date) is given once. Whether that is enough is
the service's answer (services.check_bulk_input), shown beside the field it names.
"""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from wuxiao.api_common import ID_MAX
from wuxiao.common.exceptions import InvalidInput
from wuxiao.competitions import citations
from wuxiao.entries.enums import Action
from wuxiao.entries.transitions import TRANSITIONS

from .queries import SEARCH_MAX, UNIT_QUEUE_STATES
from .services import BULK_MAX, REVIEW_BULK_ACTIONS, TEXT_MAX, UNIT_BULK_ACTIONS, BulkResult

SELECTION_UNREADABLE = _("The selection could not be read; please reload the page and select again.")
CHOOSE_ACTION = _("Please choose what to do with the selected entries.")


def search_field() -> forms.CharField:
    return forms.CharField(
        label=_("Search"), required=False, max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, unit, completer or number")}))


class UnitSearchForm(forms.Form):
    """The recommending unit's queue: a search and a status."""

    q = search_field()
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("all"))]
                               + [(s.value, s.label) for s in UNIT_QUEUE_STATES])

    def filters(self) -> dict:
        """The valid filters given ({} when none is, or the input is wrong: the errors are shown)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v.strip() for k, v in self.cleaned_data.items() if v and v.strip()}


class EntryIdsField(forms.Field):
    """The ticked entries, by id, in the order of the page, each once (the checkboxes are the page's rows)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        ids = []
        for raw in value or []:
            try:
                pk = int(str(raw).strip())
            except ValueError:
                raise forms.ValidationError(SELECTION_UNREADABLE) from None
            if not 1 <= pk <= ID_MAX:
                raise forms.ValidationError(SELECTION_UNREADABLE)
            if pk not in ids:
                ids.append(pk)
        if len(ids) > BULK_MAX:  # said here too: the list is not read further
            raise forms.ValidationError(_("At most %(max)d entries can be handled in one step; please select fewer.")
                                        % {"max": BULK_MAX})
        return ids


def _action_choices(actions) -> list:
    return [("", _("— choose —"))] + [(a.value, TRANSITIONS[a].label) for a in actions]


def _text(label, help_text="") -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=TEXT_MAX, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 2}))


class BulkForm(forms.Form):
    """What both queues' bulk forms share: the selection, the action and the page to go back to."""

    # Which fields each action needs: the page shows only those (bulk.js); the service checks them.
    FIELDS_OF: dict[str, tuple[str, ...]] = {}

    entry_ids = EntryIdsField(required=False)
    action = forms.ChoiceField(label=_("Action to apply"), error_messages={"required": CHOOSE_ACTION,
                                                                  "invalid_choice": CHOOSE_ACTION})
    back = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        # Its own ids: the page has other forms with a reason field (the hand-over, a decision).
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)

    def selected(self) -> set[int]:
        """The ids ticked, to tick them again when the page is shown with an error."""
        try:
            return set(self.fields["entry_ids"].to_python(self.data.getlist("entry_ids")))
        except (forms.ValidationError, AttributeError):
            return set()

    def show_invalid(self, invalid: InvalidInput) -> None:
        """The service's refusal of the input, each message beside its field (or above the form)."""
        for name, messages in invalid.errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)

    def field_groups(self):
        """(field, the actions it belongs to) for the page, in the form's order."""
        for field in self.visible_fields():
            if field.name == "action":
                continue
            owners = [action for action, names in self.FIELDS_OF.items() if field.name in names]
            yield field, " ".join(owners)


class UnitBulkForm(BulkForm):
    FIELDS_OF = {Action.RETURN: ("reason",), Action.NOT_RECOMMEND: ("reason",), Action.RECOMMEND: ("opinion",)}

    reason = _text(_("Reason"), _("Returned: what must be revised. Not recommended: why. The same text is recorded "
                                  "for every selected entry and sent to its declaring unit."))
    opinion = _text(_("Opinion of the recommending unit (推荐单位意见)"),
                    _("Printed on each selected entry's form; each takes the next free merit rank, in the order of "
                      "the list, while places remain."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = _action_choices(UNIT_BULK_ACTIONS)

    def transition_input(self) -> tuple[str, dict]:
        """The reason and data of the chosen action."""
        data = self.cleaned_data
        if data["action"] == Action.RECOMMEND:
            return "", {"opinion": data["opinion"]}
        return data["reason"], {}


def rule_choices(edition) -> list:
    """The rules an entry may fail (R1–R4 and each exclusion of R4), in the notice's words, as the
    ineligibility forms offer them (the stored value stays the code, e.g. "R4.3")."""
    return [("", "—"), *citations.rule_choices(edition)]


class ReviewBulkForm(BulkForm):
    FIELDS_OF = {Action.ACCEPT: ("confirm_failed_checks", "reason"),
                 Action.DECLARE_INELIGIBLE: ("rule", "reason"),
                 Action.REQUEST_CORRECTION: ("reason", "due_date")}

    rule = forms.ChoiceField(label=_("Rule not met"), required=False)
    due_date = forms.DateField(label=_("Correct by"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"invalid": _("Enter a date such as 2025-04-10.")})
    confirm_failed_checks = forms.BooleanField(
        label=_("Accept also the selected entries whose checklist fails (I have looked at them)"), required=False)
    reason = _text(_("Reason"), _("Ineligible: why. Correction: what must be corrected. Accepting despite a failed "
                                  "check: why. Recorded for every selected entry and sent to its units."))

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = _action_choices(REVIEW_BULK_ACTIONS)
        self.fields["rule"].choices = rule_choices(edition)

    def transition_input(self) -> tuple[str, dict]:
        data = self.cleaned_data
        action = data["action"]
        if action == Action.ACCEPT:
            return data["reason"], {"confirm_failed_checks": bool(data["confirm_failed_checks"])}
        if action == Action.DECLARE_INELIGIBLE:
            return data["reason"], {"rule": data["rule"]}
        due = data.get("due_date")
        return data["reason"], {"due_date": due.isoformat() if due else ""}


# --- The report a bulk action leaves for the page it returns to -------------------------------------

def back_query(raw: str, allowed: tuple[str, ...]) -> str:
    """The queue's query string to return to, keeping only its own filters (never an address)."""
    given = QueryDict(raw or "")
    kept = QueryDict(mutable=True)
    for name in allowed:
        values = [v[:SEARCH_MAX] for v in given.getlist(name)[:1]]
        if values and values[0]:
            kept.setlist(name, values)
    return kept.urlencode()


def keep_report(request, key: str, action: str, results: list[BulkResult]) -> None:
    """Keep the per-entry results in the session for the next page (shown once)."""
    request.session[key] = {"action": str(TRANSITIONS[action].label),
                            "results": [r.as_dict() | {"title": r.title[:200]} for r in results]}


def take_report(request, key: str) -> dict | None:
    """The results kept by keep_report, with their counts; gone once taken."""
    report = request.session.pop(key, None)
    if not report:
        return None
    moved = sum(1 for r in report["results"] if r["moved"])
    return {**report, "moved": moved, "refused": len(report["results"]) - moved}
