"""`{% attachment_sections entry as sections %}`: the attachment panel's data, for any page that includes it."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def attachment_sections(context, entry):
    from wuxiao.entries.views_attachments import attachment_sections as sections

    return sections(entry, context["request"].user, form_kind=context.get("attachment_form_kind"),
                    form=context.get("attachment_form"), notice_kind=context.get("attachment_notice_kind"),
                    notice=context.get("attachment_notice", ""),
                    notice_error=context.get("attachment_notice_error", False))
