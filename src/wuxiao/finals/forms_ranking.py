"""Forms of the final ranking (R10): a row moved with its reason, the approval."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MoveRowForm(forms.Form):
    entry = forms.IntegerField(label=_("Entry number"), min_value=1, max_value=2**63 - 1,
                               error_messages={"required": _("Please give the entry's number."),
                                               "invalid": _("The entry's number is a whole number.")})
    position = forms.IntegerField(label=_("New place"), min_value=1, max_value=100000,
                                  error_messages={"required": _("Please give the new place."),
                                                  "invalid": _("The place is a whole number.")})
    reason = forms.CharField(label=_("Reason (recorded with the ranking)"), max_length=500,
                             error_messages={"required": _("Please give the reason for the change (it is "
                                                           "recorded).")})


class ApproveRankingForm(forms.Form):
    note = forms.CharField(label=_("Note with the approval (e.g. the meeting that decided it, how ties were "
                                   "decided)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("I confirm the final ranking; after approval it can no longer be changed."),
                                 error_messages={"required": _("Please confirm the approval.")})
