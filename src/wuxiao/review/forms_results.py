"""Forms of the results part: a change to the proposed finalist list, the approval."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ChangeRowForm(forms.Form):
    entry = forms.IntegerField(label=_("Entry number"), min_value=1, max_value=2**63 - 1,
                               error_messages={"required": _("Please give the entry's number."),
                                               "invalid": _("The entry's number is a whole number.")})
    selected = forms.TypedChoiceField(label=_("Change"), coerce=lambda v: v == "1",
                                      choices=[("1", _("put on the finalist list")),
                                               ("0", _("take off the finalist list"))])
    reason = forms.CharField(label=_("Reason (recorded with the list)"), max_length=300, required=False,
                             widget=forms.TextInput)


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note with the approval (e.g. the meeting that decided it)"), max_length=2000,
                           required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("I confirm: every entry of the second round is moved to finalist or not "
                                         "finalist as this list says, and the units are notified."),
                                 error_messages={"required": _("Please confirm the approval.")})
