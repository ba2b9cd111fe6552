# SPEC 6: every resource has updated_at so an agency can sync only what changed.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0002_districts_and_priority_majors"),
    ]

    operations = [
        migrations.AddField(
            model_name="district",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, default=django.utils.timezone.now, verbose_name="更新时间"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicaldistrict",
            name="updated_at",
            field=models.DateTimeField(
                blank=True, db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="更新时间"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="prioritymajor",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, default=django.utils.timezone.now, verbose_name="更新时间"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalprioritymajor",
            name="updated_at",
            field=models.DateTimeField(
                blank=True, db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="更新时间"
            ),
            preserve_default=False,
        ),
    ]
