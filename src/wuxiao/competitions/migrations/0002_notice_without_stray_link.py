"""The notice's text as first loaded ended with a search engine's redirect link, copied from the page
the PDF was found on; it is no part of the notice (郑工发〔2025〕2号). Editions made from it lose it."""

from django.db import migrations

STRAY = "https://www.baidu.com/link?url=zDP2FBUS9U26rwMtV2NhUeNTZZGTkEbvcBmQg97StqzDQhI89KtosbMAhogfiNmgJt2PjWMctlTXSY1Tn1Hr1dCgR6t6BnrFQl-boeg75344mRPugoZbJlmZIJcUndGE&wd=&eqid=c0f600f5000075020000000360501b4d"  # noqa: E501


def without_stray_link(text: str) -> str:
    lines = text.split("\n")
    kept = [line for i, line in enumerate(lines)
            if line.strip() != STRAY and not (i > 0 and lines[i - 1].strip() == STRAY and not line.strip())]
    return "\n".join(kept)


def forwards(apps, schema_editor):
    Edition = apps.get_model("competitions", "Edition")
    for edition in Edition.objects.filter(notice_text__contains=STRAY):
        edition.notice_text = without_stray_link(edition.notice_text)
        edition.save(update_fields=["notice_text"])


class Migration(migrations.Migration):
    dependencies = [("competitions", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
