import datetime as dt
import json

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxiao.common.permissions import require

from .audit_words import Names, action_label, describe, describe_text, object_name, object_names
from .models import AuditLog
from .spreadsheet import XLSX_CONTENT_TYPE, XlsxSheet, csv_lines

PAGE_SIZE = 50
ALL = pgettext_lazy("audit log", "all")
EXPORT_LIMIT = 100_000

def object_type_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=pgettext_lazy("audit log", "Action"), required=False)
    actor = forms.CharField(label=pgettext_lazy("audit log", "Actor"), required=False, max_length=100,
                            widget=forms.TextInput(attrs={"placeholder": _("name, user name or mobile")}))
    object_type = forms.ChoiceField(label=pgettext_lazy("audit log", "Object type"), required=False)
    object_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    edition = forms.ModelChoiceField(label=pgettext_lazy("audit log", "Edition"), required=False, queryset=None,
                                     empty_label=ALL)
    date_from = forms.DateField(label=_("From (date)"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until (date)"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("Text in object or reason"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        from wuxiao.competitions.models import Edition

        super().__init__(*args, **kwargs)
        actions = AuditLog.objects.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", ALL)] + sorted(((a, action_label(a)) for a in actions),
                                                             key=lambda choice: choice[1])
        types = AuditLog.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
        self.fields["object_type"].choices = [("", ALL)] + [(t, object_type_label(t)) for t in types]
        self.fields["edition"].queryset = Edition.objects.order_by("-year", "-id")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filter(self, qs):
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["action"]:
            qs = qs.filter(action=data["action"])
        if data["actor"]:
            text = data["actor"].strip()
            qs = qs.filter(Q(actor__display_name__icontains=text) | Q(actor__username__icontains=text)
                           | Q(actor__first_name__icontains=text) | Q(actor__last_name__icontains=text)
                           | Q(actor__mobile=text))
        if data["object_type"]:
            qs = qs.filter(object_type=data["object_type"])
        if data["object_id"]:
            qs = qs.filter(object_id=data["object_id"])
        if data["edition"]:
            qs = qs.filter(edition=data["edition"])
        # Dates are Beijing dates (the TIME_ZONE): a whole local day, from its midnight.
        if data["date_from"]:
            qs = qs.filter(at__gte=_local_midnight(data["date_from"]))
        if data["date_to"]:
            qs = qs.filter(at__lt=_local_midnight(data["date_to"] + dt.timedelta(days=1)))
        if data["q"]:
            text = data["q"].strip()
            qs = qs.filter(Q(object_repr__icontains=text) | Q(reason__icontains=text) | Q(object_id=text))
        return qs


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _raw(data) -> str:
    if not data:
        return ""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def _rows_for_export(qs):
    header = [_("Time (Beijing)"), pgettext_lazy("audit log", "Actor"), pgettext_lazy("audit log", "Action"),
              _("Action code"), pgettext_lazy("audit log", "Object type"), pgettext_lazy("audit log", "Object"),
              _("Object id"), pgettext_lazy("audit log", "Edition"), pgettext_lazy("audit log", "Reason"),
              pgettext_lazy("audit log", "Details"), _("IP address"), _("Recorded data")]
    yield [str(h) for h in header]
    chunk = []
    for row in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
        chunk.append(row)
        if len(chunk) == 2000:
            yield from _export_rows(chunk)
            chunk = []
    yield from _export_rows(chunk)


def _export_rows(rows):
    """Rows of the export, their names read for the whole chunk at once."""
    names, better = Names(rows), object_names(rows)
    for row in rows:
        yield [
            timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
            row.actor.name if row.actor else "",
            action_label(row.action), row.action, object_type_label(row.object_type), object_name(row, better),
            row.object_id, str(row.edition) if row.edition else "", row.reason, describe_text(row, names),
            row.ip or "", _raw(row.data),
        ]


def _export(qs, fmt: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        book = XlsxSheet(str(_("Audit log"))[:31], streaming=True)
        for values in _rows_for_export(qs):
            book.append(values)
        response = HttpResponse(book.to_bytes(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.xlsx"'
        return response
    response = HttpResponse(csv_lines(_rows_for_export(qs)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response


@login_required
def audit_log(request):
    require(request.user, "accounts.view_audit_log")
    form = AuditFilterForm(request.GET or None)
    qs = AuditLog.objects.select_related("actor", "edition").order_by("-at", "-id")
    if form.is_bound:
        qs = form.filter(qs)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return _export(qs, fmt)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    names, better = Names(page.object_list), object_names(page.object_list)
    for row in page.object_list:
        row.action_label = action_label(row.action)
        row.object_type_label = object_type_label(row.object_type)
        row.object_name = object_name(row, better)
        row.details = describe(row, names)
    return render(request, "common/audit_log.html", {"form": form, "page": page})
