"""What each printed form shows, as plain data shared by the PDF, DOCX and XLSX renderers."""

import datetime as dt

from django.db.models import Prefetch, QuerySet

from wuxiao.competitions.models import Edition
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Completer, Entry, EntryTransition
from wuxiao.entries.queries import recommendation_opinion
from wuxiao.orgs.models import Organisation

from . import texts

BLANK_COMPLETER_ROWS = 5
BLANK_TITLE_SUFFIX = {"entry_form": "申报表", "summary": "申报汇总表", "commitment": "申报单位主动公示型信用承诺书"}
SUMMARY_COLUMNS = ("序号", "名称", "申报单位", "所属工会", "申报类别", "路演形式", "联系人", "联系方式")  # R26
SUMMARY_BLANK_ROWS = 7


def form_title(edition: Edition, document: str) -> str:
    """The form's title as the notice words it: the edition's title and the form's name."""
    return f"{edition.title}{BLANK_TITLE_SUFFIX[document]}"


def chinese_date(day: dt.date | None) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日" if day else ""


def entries_for_documents(qs: QuerySet) -> QuerySet:
    """Entries with everything their 申报表 shows, in a fixed number of queries."""
    return qs.select_related(
        "edition", "category", "declaring_unit", "recommending_unit", "industry__parent__parent__parent",
    ).prefetch_related(
        Prefetch("completers", queryset=Completer.objects.order_by("position", "id")),
        "presentation_forms",
        "edition__presentation_forms",
        # the history gives the recommending unit's opinion (R23)
        Prefetch("transitions", queryset=EntryTransition.objects.select_related("actor")),
    )


def industry_path(industry) -> str:
    """'C 制造业 › 37 … › 374 … › 3741 飞机制造': the code with its section, division, group and class."""
    chain = []
    node = industry
    while node is not None:
        chain.append(f"{node.code} {node.name}")
        node = node.parent
    return " › ".join(reversed(chain))


def entry_form_context(entry: Entry) -> dict:
    """The filled 申报表 (Attachment 2, R17–R23) of one entry."""
    edition = entry.edition
    chosen = {f.pk for f in entry.presentation_forms.all()}
    opinion = recommendation_opinion(entry)
    return {
        "blank": False,
        "draft": entry.status == EntryStatus.DRAFT,
        "form_title": form_title(edition, "entry_form"),
        "declaring_unit": entry.declaring_unit.name,
        "title": entry.title,
        "category": entry.category.name if entry.category else "",
        "affiliation": entry.affiliation,
        "contact_name": entry.contact_name,
        "contact_mobile": entry.contact_mobile,
        "completer_rows": [
            {"name": c.name, "age": c.age, "post": c.post, "workplace": c.workplace, "phone": c.phone}
            for c in entry.completers.all()
        ] or [{}],
        "awards": entry.awards,
        "summary": entry.summary,
        "description": list(zip(texts.DESCRIPTION_HEADINGS, (
            industry_path(entry.industry) if entry.industry else "",
            entry.background, entry.goals, entry.innovation_points, entry.benefits,
        ))),
        "presentation_forms": [(f.name, f.pk in chosen) for f in edition.presentation_forms.all()],
        "union_opinion": entry.union_opinion,
        "union_opinion_by": entry.union_opinion_by,
        "union_opinion_on": chinese_date(entry.union_opinion_on),
        # R23: the recommending unit's box, once it has recommended the entry
        "recommending_opinion": opinion.text if opinion else "",
        "recommending_unit": opinion.unit if opinion else "",
        "recommending_opinion_on": chinese_date(opinion.given_on) if opinion else "",
        "notes_title": texts.FORM_NOTES_TITLE,
        "notes": texts.FORM_NOTES,
    }


def blank_entry_form_context(edition: Edition) -> dict:
    """Attachment 2 as the notice prints it, with the guidance in the boxes."""
    return {
        "blank": True,
        "draft": False,
        "form_title": form_title(edition, "entry_form"),
        "completer_rows": [{}] * BLANK_COMPLETER_ROWS,
        "presentation_forms": [(f.name, False) for f in edition.presentation_forms.all()],
        "guidance": {
            "awards": texts.AWARDS_GUIDANCE, "summary": texts.SUMMARY_GUIDANCE,
            "description": texts.DESCRIPTION_GUIDANCE, "forms": texts.FORMS_GUIDANCE,
        },
        "notes_title": texts.FORM_NOTES_TITLE,
        "notes": texts.FORM_NOTES,
    }


def commitment_context(edition: Edition, unit: Organisation | None, legal_representative: str = "") -> dict:
    """Attachment 4 (R27) for a unit, or blank when `unit` is None."""
    return {
        "form_title": form_title(edition, "commitment"),
        "unit_name": unit.name if unit else "",
        "credit_code": unit.credit_code if unit else "",
        "legal_representative": legal_representative,
        "paragraphs": texts.commitment_paragraphs(
            name=unit.name if unit else "", code=unit.credit_code if unit else "", edition_title=edition.title),
        "sub_paragraphs": set(texts.COMMITMENT_EXCLUSIONS),
    }


def summary_row(entry: Entry, number: int) -> dict:
    """One row of a unit's summary sheet (R26): the cells of SUMMARY_COLUMNS as printed, with the entry and
    its merit rank (the entry loaded with declaring_unit, category and presentation_forms).

    Plain data, so that the sheet handed to the committee is stored as printed (screening.models.SummarySheet).
    """
    forms = "、".join(f.name for f in sorted(entry.presentation_forms.all(), key=lambda f: (f.position, f.pk)))
    return {"number": number, "entry": entry.pk, "rank": entry.recommendation_rank,
            "cells": [number, entry.title, entry.declaring_unit.name, entry.declaring_unit.union_name,
                      entry.category.name if entry.category else "", forms, entry.contact_name, entry.contact_mobile]}


def summary_context(edition: Edition) -> dict:
    """Attachment 3 (R26), blank."""
    return {
        "form_title": form_title(edition, "summary"),
        "columns": SUMMARY_COLUMNS,
        "rows": range(1, SUMMARY_BLANK_ROWS + 1),
    }
