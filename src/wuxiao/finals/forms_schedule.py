"""Forms of the final round's schedule pages: settings, a criterion, a session, a judge, finalists."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxiao.common.models import Industry
from wuxiao.competitions.models import Category

from .models import FinalCriterion, FinalSettings, RoadshowSession
from .queries import finalists


class BeijingDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class FinalSettingsForm(forms.ModelForm):
    class Meta:
        model = FinalSettings
        fields = ["material_deadline", "qa_minutes", "changeover_minutes", "trim_extremes", "roadshow_weight",
                  "site_weight", "unvisited_rule", "show_running_ranking"]
        widgets = {"material_deadline": BeijingDateTimeInput()}
        error_messages = {"material_deadline": {"invalid": _("Please give a date and time.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material_deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        for name in ("qa_minutes", "changeover_minutes"):
            self.fields[name].max_value = 60
            self.fields[name].widget.attrs["max"] = 60
            self.fields[name].validators.append(_max(60))
        for name in ("roadshow_weight", "site_weight"):
            self.fields[name].min_value = 0
            self.fields[name].widget.attrs.update({"min": 0, "max": 10, "step": "0.01"})
            self.fields[name].validators.append(_max(10))

    def clean(self):
        data = super().clean()
        if data.get("roadshow_weight") == 0 and data.get("site_weight") == 0:
            self.add_error("site_weight", _("At least one weight must be more than zero."))
        return data


def _max(limit):
    from django.core.validators import MaxValueValidator

    return MaxValueValidator(limit, message=_("At most %(limit_value)s.") % {"limit_value": limit})


class CriterionForm(forms.ModelForm):
    class Meta:
        model = FinalCriterion
        fields = ["name", "max_points", "guidance"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["max_points"].min_value = 1
        self.fields["max_points"].widget.attrs.update({"min": 1, "max": 100})
        self.fields["max_points"].validators.append(_max(100))
        from django.core.validators import MinValueValidator

        self.fields["max_points"].validators.append(MinValueValidator(1, message=_("At least 1 point.")))
        self.fields["guidance"].max_length = 2000

    def validate_unique(self):  # the service says it beside the name, with the stage it knows
        pass


class SessionForm(forms.ModelForm):
    class Meta:
        model = RoadshowSession
        fields = ["name", "starts_at", "venue", "group_category", "group_industry", "order_method"]
        widgets = {"starts_at": BeijingDateTimeInput()}

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["group_category"].queryset = Category.objects.filter(edition=edition).order_by("position", "id")
        # The industries the edition's finalists are in: a session groups those of one of them.
        self.fields["group_industry"].queryset = Industry.objects.filter(
            code__in=finalists(edition).values("industry_id")).order_by("code")
        self.fields["group_industry"].label_from_instance = lambda i: f"{i.code} {i.name}"
        self.fields["group_category"].empty_label = _("all categories")
        self.fields["group_industry"].empty_label = _("all industries")


class JudgeForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("expert"), queryset=None,
                                    error_messages={"required": _("Please choose an expert."),
                                                    "invalid_choice": _("Please choose an expert of the list.")})

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts
        self.fields["expert"].label_from_instance = lambda e: f"{e.name}（{e.organisation_name}）"


class FinalistsForm(forms.Form):
    entries = forms.TypedMultipleChoiceField(label=_("finalists"), coerce=int, widget=forms.CheckboxSelectMultiple,
                                             error_messages={"required": _("Please choose at least one finalist."),
                                                             "invalid_choice": _("Please choose finalists of the list.")})

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(e.pk, f"{e.title}（{e.declaring_unit.name}）") for e in candidates]
