"""Forms of the announcement (公示): the office's settings, calendar, answers and confirmation, and the public's
named objection."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wuxiao.common.validators import normalize_mobile, validate_mobile
from wuxiao.documents.forms import check_scan

from .models import AwardSettings, DayKind, ObjectionOutcome, ObjectorKind
from .services_announce import MAX_WORKING_DAYS

SCAN_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class AnnouncementSettingsForm(forms.ModelForm):
    announcement_working_days = forms.IntegerField(
        label=AwardSettings._meta.get_field("announcement_working_days").verbose_name,
        help_text=AwardSettings._meta.get_field("announcement_working_days").help_text,
        min_value=1, max_value=MAX_WORKING_DAYS)

    class Meta:
        model = AwardSettings
        fields = ["announcement_working_days", "objection_contact"]
        widgets = {"objection_contact": forms.Textarea(attrs={"rows": 3})}


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind of day"), choices=DayKind.choices)
    note = forms.CharField(label=_("Note (e.g. National Day)"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "day_%s")  # the page's confirmation form has a note too
        super().__init__(*args, **kwargs)


class UnmarkDayForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)


class AnswerObjectionForm(forms.Form):
    finding = forms.CharField(label=_("Finding of the investigation"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    answer = forms.CharField(label=_("Answer to the objector"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect)


class ConfirmListForm(forms.Form):
    note = forms.CharField(label=_("Note on the confirmation (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(
        label=_("I confirm the list: the entries with a tier are awarded, the others not awarded; this is final."),
        error_messages={"required": _("Please tick the box to confirm the list.")})


class ObjectionForm(forms.Form):
    """A named objection. The fields of the kind not chosen are ignored; those of the chosen kind are required."""

    entry = forms.TypedChoiceField(label=_("Entry objected to"), coerce=int)
    kind = forms.ChoiceField(label=_("I object as"), choices=ObjectorKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Please say whether you object as an individual or as a "
                                                           "unit.")})
    person_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    employer = forms.CharField(label=_("Your employer"), max_length=200, required=False)
    unit_name = forms.CharField(label=_("Name of the unit"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person of the unit"), max_length=50, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    letter = forms.FileField(label=_("The unit's letter with its official stamp"), required=False,
                             help_text=_("PDF, JPEG or PNG, at most 20 MB."),
                             widget=forms.ClearableFileInput(attrs={"accept": SCAN_ACCEPT}))
    grounds = forms.CharField(label=_("Grounds of the objection"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              error_messages={"required": _("Please state the grounds of the objection.")})
    evidence = forms.CharField(label=_("Evidence"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("Documents, facts or witnesses that support the objection."),
                               error_messages={"required": _("Please describe the evidence for the objection "
                                                             "(documents, facts, witnesses).")})
    evidence_file = forms.FileField(label=_("Evidence file (optional)"), required=False,
                                    help_text=_("PDF, JPEG or PNG, at most 20 MB."),
                                    widget=forms.ClearableFileInput(attrs={"accept": SCAN_ACCEPT}))

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "—")] + [
            (r.entry_id, f"{r.tier.name} · {r.entry.title}（{r.entry.declaring_unit.name}）") for r in rows]

    def _check_file(self, name):
        upload = self.cleaned_data.get(name)
        if upload:
            check_scan(upload)
        return upload

    def clean_letter(self):
        return self._check_file("letter")

    def clean_evidence_file(self):
        return self._check_file("evidence_file")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        for name in ("person_name", "employer", "unit_name", "contact_name"):
            data[name] = " ".join((data.get(name) or "").split())
        if kind == ObjectorKind.PERSON:
            required = {"person_name": _("Please give your name: anonymous objections are not accepted."),
                        "employer": _("Please give your employer.")}
        elif kind == ObjectorKind.UNIT:
            required = {"unit_name": _("Please give the name of the unit: anonymous objections are not accepted."),
                        "contact_name": _("Please give the unit's contact person.")}
            if not data.get("letter") and "letter" not in self.errors:
                self.add_error("letter", _("Please upload the unit's letter with its official stamp (PDF or "
                                           "picture)."))
        else:
            required = {}
        for name, message in required.items():
            if not data.get(name):
                self.add_error(name, message)
        if kind:
            mobile = (data.get("mobile") or "").strip()
            if not mobile:
                self.add_error("mobile", _("Please give a mobile number at which the office can reach you."))
            else:
                try:
                    validate_mobile(mobile)
                except ValidationError as error:
                    self.add_error("mobile", error)
                else:
                    data["mobile"] = normalize_mobile(mobile)
        return data
