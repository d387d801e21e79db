"""Forms of the assignment pages (issue 10 items 4–6): start a run, edit a pair, pin or forbid, second pass."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import PairRuleKind
from .services_assign import SEED_MAX


def _expert_choices(experts, empty):
    return [("", empty)] + [(x.pk, f"{x.name}（{x.organisation_name}）") for x in experts]


class StartForm(forms.Form):
    seed = forms.IntegerField(label=_("Seed of the random draw"), required=False, min_value=0,
                              max_value=SEED_MAX - 1,
                              help_text=_("Leave empty for the edition's seed or, when it has none, a new random one. "
                                          "The same seed on the same data gives the same assignment."))


class EditForm(forms.Form):
    entry = forms.IntegerField(label=_("Entry number"), min_value=1, max_value=2**63 - 1)
    remove_expert = forms.TypedChoiceField(label=_("Remove this expert"), required=False, coerce=int,
                                           empty_value=None)
    add_expert = forms.TypedChoiceField(label=_("Add this expert"), required=False, coerce=int, empty_value=None)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300,
                             help_text=_("Needed when a published pair is removed."))

    def __init__(self, *args, experts, removable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_expert"].choices = _expert_choices(removable, _("— none —"))
        self.fields["add_expert"].choices = _expert_choices(experts, _("— none —"))


class PairRuleForm(forms.Form):
    entry = forms.IntegerField(label=_("Entry number"), min_value=1, max_value=2**63 - 1)
    expert = forms.TypedChoiceField(label=_("Expert"), coerce=int)
    kind = forms.ChoiceField(label=_("Rule"), choices=PairRuleKind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = _expert_choices(experts, _("— choose —"))


class SecondPassForm(forms.Form):
    entries = forms.CharField(label=_("Entry numbers"), max_length=2000,
                              help_text=_("The entries to review again, separated by commas or spaces."))
    extra = forms.IntegerField(label=_("Extra reviews per entry"), min_value=1, max_value=10, initial=2)

    def clean_entries(self):
        text = self.cleaned_data["entries"]
        parts = [p for p in re.split(r"[\s,，、;；]+", text) if p]
        if not parts or not all(p.isdigit() and len(p) < 18 for p in parts):
            raise ValidationError(_("Write the entry numbers separated by commas, e.g. 12, 31, 77."))
        return [int(p) for p in parts]
