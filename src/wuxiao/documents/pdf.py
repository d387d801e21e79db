"""HTML → PDF with WeasyPrint: A4, Noto CJK fonts embedded, CSS from documents/static/documents/print.css."""

from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

# The printed forms are the notice's Chinese forms, whatever language the person reads the site in:
# the committee only accepts them in Chinese.
DOCUMENT_LANGUAGE = "zh-hans"
PRINT_CSS = Path(__file__).resolve().parent / "static" / "documents" / "print.css"


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(PRINT_CSS))


def render_html(template_name: str, context: dict) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    """The PDF of `template_name` rendered with `context`."""
    from weasyprint import HTML  # imported late: it is heavy and only documents need it

    html = render_html(template_name, context)
    return HTML(string=html, base_url=str(PRINT_CSS.parent)).write_pdf(stylesheets=[_stylesheet()])
