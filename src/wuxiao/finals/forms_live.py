"""Forms of the live roadshow's console (issue 11 item 5): which presentation, and the reason of a decision."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SlotForm(forms.Form):
    slot = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)


class LockForm(SlotForm):
    """Locking the scores: a reason is needed only when a judge has not scored (the service says so)."""

    reason = forms.CharField(label=_("reason for locking with scores missing"), max_length=300, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("a judge absent, say")}))


class ClearForm(forms.Form):
    score = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason for clearing"), max_length=300)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason."), code="required")
        return reason


class JudgeForm(forms.Form):
    judge = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
