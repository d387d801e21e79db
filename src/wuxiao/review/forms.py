"""Forms the parts of the second round share."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    """The reason for a decision (lift a conflict, decline, withdraw, reopen a score or the rubric): required,
    stripped, at most 300 characters."""

    reason = forms.CharField(label=_("reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason."), code="required")
        return reason
