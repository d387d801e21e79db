"""Form helpers every stage's pages share."""

from django import forms

from .exceptions import Refused


def show_refusal(form: forms.BaseForm, refused: Refused) -> bool:
    """Show a service's refusal beside the field it names, or above the form when it names none of
    the form's fields; returns whether it went beside a field."""
    beside = bool(refused.field) and refused.field in form.fields
    form.add_error(refused.field if beside else None, str(refused.message))
    return beside
