"""Forms of the site visits (R9): a decision with its reason, the schedule of a visit, the lock."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxiao.common.validators import validate_phone


class SelectForm(forms.Form):
    entry = forms.IntegerField(label=_("Entry number"), min_value=1, max_value=2**63 - 1,
                               error_messages={"required": _("Please give the entry's number."),
                                               "invalid": _("The entry's number is a whole number.")})
    reason = forms.CharField(label=_("Reason (recorded)"), max_length=500,
                             error_messages={"required": _("Please give the reason for this decision (it is "
                                                           "recorded).")})


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing the visit (recorded)"), max_length=500,
                             error_messages={"required": _("Please give the reason for withdrawing the visit (it is "
                                                           "recorded).")})


class LockForm(forms.Form):
    reason = forms.CharField(label=_("Reason (needed when a visiting expert has not scored)"), max_length=500,
                             required=False)


class ScheduleForm(forms.Form):
    visit_date = forms.DateField(label=_("Date of the visit"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 error_messages={"invalid": _("Enter a date such as 2025-11-20.")})
    start_time = forms.TimeField(label=_("Time"), required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                 error_messages={"invalid": _("Enter a time such as 09:30.")})
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False,
                                    validators=[validate_phone],
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    experts = forms.ModelMultipleChoiceField(label=_("Visiting experts"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             error_messages={"invalid_choice": _("Only accepted experts of this "
                                                                                 "edition's pool can visit.")})
    notes = forms.CharField(label=_("Notes for the visit"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, experts_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = experts_queryset
        self.fields["experts"].label_from_instance = lambda e: f"{e.name}（{e.organisation_name}）"
