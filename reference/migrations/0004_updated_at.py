# SPEC 6 (issue 16): updated_at on every API resource, for incremental sync.
# Existing rows get the migration's time. Django adds the column with that time as a constant
# DEFAULT and drops the default after: on PostgreSQL 11+ a constant default is stored in the
# catalogue, so the table is not rewritten (800 000 rows: instant); only the index build reads it.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reference', '0003_updated_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalindustry',
            name='updated_at',
            field=models.DateTimeField(blank=True, db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='更新时间'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalindustrycluster',
            name='updated_at',
            field=models.DateTimeField(blank=True, db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='更新时间'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalmajor',
            name='updated_at',
            field=models.DateTimeField(blank=True, db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='更新时间'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='industry',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name='更新时间'),
        ),
        migrations.AddField(
            model_name='industrycluster',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name='更新时间'),
        ),
        migrations.AddField(
            model_name='major',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name='更新时间'),
        ),
    ]
