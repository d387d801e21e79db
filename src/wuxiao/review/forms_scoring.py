"""Forms of the scoring part: the rubric, the score, a declared conflict, a reason to reopen."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .services_scoring import BandInput, CriterionInput

# One band per line: "21-25 text", "21–25：text", "21~25 text".
BAND_LINE = re.compile(r"^\s*(\d+(?:\.\d)?)\s*[-–—~～至]\s*(\d+(?:\.\d)?)\s*[:：、,，.\s]\s*(.+?)\s*$")


def bands_text(criterion) -> str:
    """A criterion's bands as the rubric form edits them, one per line."""
    return "\n".join(f"{_fmt(b.low)}-{_fmt(b.high)} {b.text}" for b in criterion.bands.all())


def _fmt(value: Decimal) -> str:
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def parse_bands(text: str) -> tuple[list[BandInput], list[str]]:
    """The bands written one per line, and the lines that could not be read."""
    bands, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = BAND_LINE.match(line)
        if not match:
            problems.append(_("Line %(n)d is not “from-to guidance” (for example “21-25 widely applied …”).") % {
                "n": number})
            continue
        try:
            low, high = Decimal(match.group(1)), Decimal(match.group(2))
        except InvalidOperation:
            problems.append(_("Line %(n)d: the points are not numbers.") % {"n": number})
            continue
        bands.append(BandInput(low=low, high=high, text=match.group(3)))
    return bands, problems


class RubricForm(forms.Form):
    """Each criterion's name, points, description and guidance bands, and whether a comment is required."""

    comment_required = forms.BooleanField(label=gettext_lazy("Experts must write a comment with every score"),
                                          required=False)

    def __init__(self, *args, criteria, settings, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["comment_required"].initial = settings.comment_required
        for c in criteria:
            prefix = f"c{c.pk}"
            self.fields[f"{prefix}-name"] = forms.CharField(label=_("Criterion"), max_length=50, initial=c.name)
            self.fields[f"{prefix}-max_points"] = forms.IntegerField(
                label=_("Points"), min_value=1, max_value=100, initial=c.max_points,
                error_messages={"invalid": _("Enter a whole number of points.")})
            self.fields[f"{prefix}-description"] = forms.CharField(
                label=_("What it measures"), required=False, initial=c.description,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{prefix}-bands"] = forms.CharField(
                label=_("Scoring guidance (评分要点), one band per line: from-to guidance"), required=False,
                initial=bands_text(c), widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_("For example: 21-25 widely applied in production, with clear results."))

    def groups(self):
        """The fields of each criterion together, for the template."""
        for c in self.criteria:
            prefix = f"c{c.pk}"
            yield c, [self[f"{prefix}-{n}"] for n in ("name", "max_points", "description", "bands")]

    def clean(self):
        cleaned = super().clean()
        self.parsed = []
        for c in self.criteria:
            prefix = f"c{c.pk}"
            bands, problems = parse_bands(cleaned.get(f"{prefix}-bands", ""))
            for problem in problems:
                self.add_error(f"{prefix}-bands", problem)
            if f"{prefix}-name" in cleaned and f"{prefix}-max_points" in cleaned:
                self.parsed.append(CriterionInput(
                    criterion_id=c.pk, name=cleaned[f"{prefix}-name"], max_points=cleaned[f"{prefix}-max_points"],
                    description=cleaned.get(f"{prefix}-description", ""), bands=bands))
        return cleaned


class ScoreForm(forms.Form):
    """One field per criterion (0 to its points, in half points), the comment, the no-conflict confirmation."""

    comment = forms.CharField(label=gettext_lazy("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    confirm_no_conflict = forms.BooleanField(
        label=gettext_lazy("I confirm: 本人与该作品无利害关系 (I have no conflict of interest with this entry)"),
        required=False)

    def __init__(self, *args, criteria, comment_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"points_{c.pk}"] = forms.CharField(
                label=c.name, required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                              "placeholder": f"0–{c.max_points}", "class": "points-input"}))
        if comment_required:
            self.fields["comment"].label = _("Comment (required)")

    # The services check the values (range, steps, what submitting needs): the form passes them on as typed.
    def points(self) -> dict[int, str]:
        return {c.pk: str(self.data.get(f"points_{c.pk}", ""))[:20] for c in self.criteria}

    def typed_comment(self) -> str:
        return str(self.data.get("comment", ""))

    def typed_confirmation(self) -> bool:
        return str(self.data.get("confirm_no_conflict", "")).lower() in ("on", "true", "1", "yes")

    def rows(self):
        """(criterion, its field) in the rubric's order."""
        for c in self.criteria:
            yield c, self[f"points_{c.pk}"]


class ConflictForm(forms.Form):
    SCOPES = [("entry", gettext_lazy("this entry")),
              ("unit", gettext_lazy("every entry of its declaring unit in this competition"))]
    scope = forms.ChoiceField(label=gettext_lazy("Conflict of interest with"), choices=SCOPES,
                              widget=forms.RadioSelect, initial="entry")
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": gettext_lazy("Give the reason for the conflict of interest.")})


