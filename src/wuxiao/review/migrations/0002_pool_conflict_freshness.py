from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("review", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewsettings",
            name="conflicts_changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="pool, groups or conflict settings changed"),
        ),
        migrations.AddField(
            model_name="conflictcheck",
            name="progress",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)"),
        ),
    ]
