"""Template filters that explain the automatic flags (screening/_flag.html)."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..flags import field_label

register = template.Library()


@register.filter
def similar_fields(matches) -> str:
    """The similar fields of a near-duplicate flag (its details["fields"]) as one phrase, in the active language."""
    phrases = []
    for match in matches or ():
        similarity = floatformat(match.get("similarity"), 2)
        if match.get("field") == match.get("other_field"):
            phrases.append(_("“%(field)s” (%(similarity)s)") % {
                "field": field_label(match.get("field", "")), "similarity": similarity})
        else:
            phrases.append(_("“%(field)s” of this entry and “%(other_field)s” of the other (%(similarity)s)") % {
                "field": field_label(match.get("field", "")), "other_field": field_label(match.get("other_field", "")),
                "similarity": similarity})
    return pgettext("list separator", "; ").join(phrases)
