from django.db import migrations


def forwards(apps, schema_editor):
    from wuxiao.orgs.refdata import load_zhengzhou_units

    load_zhengzhou_units(apps.get_model("orgs", "Organisation"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
