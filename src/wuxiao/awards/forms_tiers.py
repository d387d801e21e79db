"""Forms of the prize tiers (R11, R12): an entry's tier changed with its reason, a tie decided, a tier left
partly vacant, an award revoked, the return of its prize money."""

from django import forms
from django.utils.translation import gettext_lazy as _

_REASON_REQUIRED = {"required": _("Please give the reason for the change (it is recorded).")}


def _entry_choices(rows, *, only_ties=False):
    return [("", "—")] + [(str(r.entry_id), f"{r.position}. {r.entry.title}") for r in rows
                          if not only_ties or r.tie]


class SetTierForm(forms.Form):
    entry = forms.TypedChoiceField(label=_("Entry"), coerce=int,
                                   error_messages={"required": _("Please choose the entry."),
                                                   "invalid_choice": _("Please choose an entry of the list.")})
    tier = forms.ModelChoiceField(label=_("New prize tier"), queryset=None, required=False,
                                  empty_label=_("not awarded"),
                                  error_messages={"invalid_choice": _("Please choose a prize tier of the list.")})
    reason = forms.CharField(label=_("Reason for the change of tier (recorded)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}), error_messages=_REASON_REQUIRED)
    objection = forms.ModelChoiceField(label=_("Objection that led to the change (if any)"), queryset=None,
                                       required=False, empty_label="—",
                                       error_messages={"invalid_choice": _("Please choose an objection of the "
                                                                           "list.")})
    exceed = forms.BooleanField(label=_("Award beyond the tier's number by decision"), required=False)

    def __init__(self, *args, rows=(), tiers=None, objections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = _entry_choices(rows)
        self.fields["tier"].queryset = tiers
        self.fields["objection"].queryset = objections


class ResolveTieForm(forms.Form):
    entry = forms.TypedChoiceField(label=_("Tied entry"), coerce=int,
                                   error_messages={"required": _("Please choose the entry."),
                                                   "invalid_choice": _("Please choose a tied entry of the list.")})
    reason = forms.CharField(label=_("Decision on the tie (recorded)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Please say how the tie was decided (it is recorded).")})

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = _entry_choices(rows, only_ties=True)


class VacancyForm(forms.Form):
    tier = forms.ModelChoiceField(label=_("Prize tier"), queryset=None,
                                  error_messages={"required": _("Please choose the prize tier."),
                                                  "invalid_choice": _("Please choose a prize tier of the list.")})
    vacant = forms.IntegerField(label=_("Prizes left vacant (0 lifts the decision)"), min_value=0, max_value=10000,
                                error_messages={"required": _("Please give the number of prizes left vacant."),
                                                "invalid": _("The number of prizes is a whole number."),
                                                "min_value": _("The number of prizes cannot be negative.")})
    reason = forms.CharField(label=_("Reason for leaving prizes vacant (recorded)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}), error_messages=_REASON_REQUIRED)

    def __init__(self, *args, tiers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = tiers


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking the award (recorded and shown)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Please give the reason for revoking the award (it is "
                                                           "recorded and shown).")})
    decided_on = forms.DateField(label=_("Date of the revocation decision"),
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"required": _("Please give the date of the revocation decision."),
                                                 "invalid": _("This is not a valid date.")})


class MoneyReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Prize money returned on"), widget=forms.DateInput(attrs={"type": "date"}),
                                  error_messages={"required": _("Please give the date the money was returned."),
                                                  "invalid": _("This is not a valid date.")})
    amount_yuan = forms.IntegerField(label=_("Amount returned (yuan)"), min_value=1, max_value=10**9,
                                     error_messages={"required": _("Please give the amount returned in whole yuan."),
                                                     "invalid": _("Please give the amount returned in whole yuan."),
                                                     "min_value": _("Please give the amount returned in whole "
                                                                    "yuan.")})
    note = forms.CharField(label=_("Note on the return"), max_length=300, required=False)
