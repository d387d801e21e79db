"""API: the documents of an entry (the 申报表 of Attachment 2 as PDF and Word), beside the pages' own."""

from django.http import HttpRequest
from ninja import Router

from wuxiao.api_common import Id
from wuxiao.entries.api import ENTRY_RESPONSES, viewable_entry
from wuxiao.entries.models import Entry

from . import content
from .download import download
from .exporters import EntryFormDocx, EntryFormPdf

router = Router(tags=["documents"])


def _form(request: HttpRequest, entry_id: int, exporter_class):
    entry = viewable_entry(request, entry_id)
    return download(exporter_class(content.entries_for_documents(Entry.objects.all()).get(pk=entry.pk)))


@router.get("/entries/{entry_id}/documents/form.pdf", response={200: None, **ENTRY_RESPONSES},
            summary="The entry form (Attachment 2) as PDF", url_name="entry_form_pdf")
def entry_form_pdf(request: HttpRequest, entry_id: Id):
    return _form(request, entry_id, EntryFormPdf)


@router.get("/entries/{entry_id}/documents/form.docx", response={200: None, **ENTRY_RESPONSES},
            summary="The entry form (Attachment 2) as Word document", url_name="entry_form_docx")
def entry_form_docx(request: HttpRequest, entry_id: Id):
    return _form(request, entry_id, EntryFormDocx)
