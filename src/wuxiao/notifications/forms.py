from django import forms
from django.template import TemplateSyntaxError
from django.utils.translation import gettext_lazy as _

from .models import MessageTemplate
from .services import check_template_text


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["subject", "body", "send_email"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"body": _("Variables are written as {{ entry_title }}; the list is shown below.")}

    def _checked(self, name: str) -> str:
        text = self.cleaned_data[name]
        try:
            check_template_text(text)
        except TemplateSyntaxError as exc:
            raise forms.ValidationError(_("The text is not a valid template: %(error)s"),
                                        params={"error": exc}) from None
        return text

    def clean_subject(self):
        return self._checked("subject")

    def clean_body(self):
        return self._checked("body")

