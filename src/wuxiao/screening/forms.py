from django import forms
from django.utils.translation import gettext_lazy as _

from wuxiao.competitions.forms import DATETIME_INPUT, DateTimeLocalInput
from wuxiao.documents.forms import check_scan
from wuxiao.entries.enums import Action
from wuxiao.entries.transitions import TRANSITIONS
from wuxiao.orgs.models import Organisation

from .services import STALE_MESSAGE


def _reason_field(action: str, label) -> forms.CharField:
    return forms.CharField(label=label, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": TRANSITIONS[action].reason_missing})


class ReturnForm(forms.Form):
    reason = _reason_field(Action.RETURN, _("What must be revised"))


class NotRecommendForm(forms.Form):
    reason = _reason_field(Action.NOT_RECOMMEND, _("Reason for not recommending"))


class UnrecommendForm(forms.Form):
    reason = _reason_field(Action.UNRECOMMEND, _("Reason for taking back the recommendation"))


class RecommendForm(forms.Form):
    opinion = forms.CharField(
        label=_("Opinion of the recommending unit (推荐单位意见)"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give the recommending unit's opinion (the entry form, Attachment 2 of "
                                      "the notice).")})
    rank = forms.IntegerField(label=_("Merit rank"), required=False, min_value=1,
                              help_text=_("Optional: the next free rank is given when left empty."))


# The form of each action on the entry's screening page, in the order they are shown.
ACTION_FORMS = {
    Action.RECOMMEND: RecommendForm,
    Action.RETURN: ReturnForm,
    Action.NOT_RECOMMEND: NotRecommendForm,
    Action.UNRECOMMEND: UnrecommendForm,
}


class VersionForm(forms.Form):
    """Carries Batch.version: a form sent from an out-of-date page is refused (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self):
        cleaned = super().clean()
        if "version" in self._errors:  # a hidden field: say it where it is seen
            del self._errors["version"]
            self.add_error(None, STALE_MESSAGE)
        return cleaned


class SubmitBatchForm(VersionForm):
    """The hand-over. With entries still undecided, the unit may mark them all as not recommended in the same
    step, with a reason; `undecided` carries the ids the page listed, so that only those are marked."""

    undecided = forms.CharField(widget=forms.HiddenInput, required=False)
    not_recommend = forms.BooleanField(
        label=_("Mark all the undecided entries listed above as not recommended"), required=False,
        help_text=_("Their declaring units are told, with the reason."))
    reason = forms.CharField(label=_("Reason for not recommending them"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, undecided=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["undecided"].initial = ",".join(str(e.pk) for e in undecided)
        if not undecided and not self.is_bound:  # nothing to decide: the button alone
            del self.fields["not_recommend"], self.fields["reason"]

    def clean_undecided(self) -> list[int]:
        raw = self.cleaned_data["undecided"]
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(STALE_MESSAGE) from None

    def clean(self):
        cleaned = super().clean()
        if "undecided" in self._errors:  # a hidden field: say it where it is seen
            del self._errors["undecided"]
            self.add_error(None, STALE_MESSAGE)
        return cleaned

    def not_recommended_ids(self) -> list[int]:
        """The entries to mark as not recommended: those listed, when the box is ticked."""
        return self.cleaned_data["undecided"] if self.cleaned_data.get("not_recommend") else []

    def show_undecided(self, entries) -> None:
        """After a refusal, list the entries undecided now (the page shows them again, beside the box)."""
        self.data = self.data.copy()
        self.data[self.add_prefix("undecided")] = ",".join(str(e.pk) for e in entries)


class SheetForm(VersionForm):
    scan = forms.FileField(
        label=_("Stamped summary sheet (scan)"),
        help_text=_("PDF, JPEG or PNG, at most 20 MB. A new upload replaces the earlier one."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))

    def clean_scan(self):
        upload = self.cleaned_data["scan"]
        check_scan(upload)
        return upload


class ReopenForm(VersionForm):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Please give the reason for reopening the batch.")})


class RanksForm(VersionForm):
    """One rank field per recommended entry, named rank_<entry id>."""

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for entry in self.entries:
            self.fields[f"rank_{entry.pk}"] = forms.IntegerField(
                label=entry.title, min_value=1, initial=entry.recommendation_rank,
                error_messages={"required": _("Please give a merit rank.")})

    def ranks(self) -> dict[int, int]:
        return {entry.pk: self.cleaned_data[f"rank_{entry.pk}"] for entry in self.entries}


class QuotaExceptionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Recommending unit"), queryset=Organisation.objects.none())
    extra = forms.IntegerField(label=_("Additional entries"), min_value=1, max_value=100)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Please give the reason for the exception.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organisation.objects.recommending().order_by("name")


class DeadlineExtensionForm(forms.Form):
    """The committee office extends a recommending unit's recommendation deadline (R6); prefixed on its page."""

    unit = forms.ModelChoiceField(label=_("Recommending unit"), queryset=Organisation.objects.none(),
                                  error_messages={"required": _("Please choose the recommending unit.")})
    until = forms.DateTimeField(
        label=_("New deadline (Beijing time)"), widget=DateTimeLocalInput(),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"required": _("Please give the new deadline."),
                        "invalid": _("Enter a date and time such as 2025-04-10 17:30.")})
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Please give the reason for the extension.")})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "deadline")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organisation.objects.recommending().order_by("name")
