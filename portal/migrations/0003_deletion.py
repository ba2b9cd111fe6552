# Issue 16: the deletions feed (GET /api/v1/deletions/).

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0002_profile_unit'),
    ]

    operations = [
        migrations.CreateModel(
            name='Deletion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('resource', models.CharField(max_length=40, verbose_name='资源')),
                ('object_id', models.BigIntegerField(verbose_name='编号')),
                ('deleted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='删除时间')),
            ],
            options={
                'verbose_name': '删除记录',
                'verbose_name_plural': '删除记录',
                'ordering': ['id'],
                'indexes': [models.Index(fields=['resource', 'deleted_at'], name='portal_dele_resourc_34de34_idx'), models.Index(fields=['deleted_at'], name='portal_dele_deleted_4df844_idx')],
            },
        ),
    ]
