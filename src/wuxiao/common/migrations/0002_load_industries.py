from django.db import migrations


def forwards(apps, schema_editor):
    from wuxiao.common.refdata import load_industries

    load_industries(apps.get_model("common", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
