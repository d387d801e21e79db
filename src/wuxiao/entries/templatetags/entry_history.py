"""`{% history_details step as details %}`: a history step's recorded data in words (label and value)."""

from django import template

from wuxiao.entries.transitions import registry

register = template.Library()


@register.simple_tag
def history_details(step):
    return registry.details_of(step.data)
