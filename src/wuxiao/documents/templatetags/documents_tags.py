from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def vertical(text) -> str:
    """One character per line, as the paper form prints its side labels (获/奖/情/况)."""
    return mark_safe("<br>".join(conditional_escape(ch) for ch in str(text) if not ch.isspace()))


@register.simple_tag
def blank_forms(edition) -> list[dict]:
    """The blank forms of the edition, grouped by document, for the public page's download section."""
    from django.urls import reverse

    from ..exporters import BLANK_DOCUMENTS, BLANK_EXPORTERS, FILE_TYPE_LABELS

    return [{
        "label": label,
        "links": [{"label": FILE_TYPE_LABELS[file_type],
                   "url": reverse("documents:blank", args=[edition.slug, document, file_type])}
                  for (name, file_type) in BLANK_EXPORTERS if name == document],
    } for document, label in BLANK_DOCUMENTS.items()]
