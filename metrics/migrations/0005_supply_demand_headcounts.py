import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """SPEC 4.2: the supply–demand rows carry headcounts with a forecast; runs get a by-major table.

    Existing rows keep their figures (supply becomes graduates, the new columns 0) until the period is
    computed again."""

    dependencies = [
        ("metrics", "0004_supply_demand_rows"),
    ]

    operations = [
        migrations.RenameField(model_name="supplydemandrow", old_name="supply", new_name="graduates"),
        migrations.AlterField(
            model_name="supplydemandrow", name="graduates", field=models.FloatField(verbose_name="毕业生数")
        ),
        migrations.AlterField(
            model_name="supplydemandrow", name="gap", field=models.FloatField(verbose_name="缺口（需求−本地就业）")
        ),
        migrations.AddField(
            model_name="supplydemandrow",
            name="scope_name",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="范围名称"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="supplydemandrow",
            name="local_graduates",
            field=models.FloatField(default=0.0, verbose_name="本地就业毕业生数"),
        ),
        migrations.AddField(
            model_name="supplydemandrow",
            name="forecast_1",
            field=models.FloatField(default=0.0, verbose_name="预计毕业生（Y+1）"),
        ),
        migrations.AddField(
            model_name="supplydemandrow",
            name="forecast_2",
            field=models.FloatField(default=0.0, verbose_name="预计毕业生（Y+2）"),
        ),
        migrations.AddField(
            model_name="supplydemandrow",
            name="forecast_3",
            field=models.FloatField(default=0.0, verbose_name="预计毕业生（Y+3）"),
        ),
        migrations.AddField(
            model_name="metricrun",
            name="items_without_major",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="未填专业的人才需求条数"),
        ),
        migrations.CreateModel(
            name="SupplyDemandMajorRow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("major_code", models.CharField(max_length=6, verbose_name="专业代码")),
                ("major_name", models.CharField(max_length=100, verbose_name="专业名称")),
                (
                    "level",
                    models.CharField(
                        blank=True,
                        choices=[("secondary", "中职"), ("higher", "高职专科"), ("bachelor", "职业本科")],
                        max_length=10,
                        verbose_name="层次",
                    ),
                ),
                ("demand", models.FloatField(verbose_name="需求人数")),
                ("graduates", models.FloatField(verbose_name="毕业生数")),
                ("local_graduates", models.FloatField(verbose_name="本地就业毕业生数")),
                ("gap", models.FloatField(verbose_name="缺口（需求−本地就业）")),
                ("forecast_1", models.FloatField(verbose_name="预计毕业生（Y+1）")),
                ("forecast_2", models.FloatField(verbose_name="预计毕业生（Y+2）")),
                ("forecast_3", models.FloatField(verbose_name="预计毕业生（Y+3）")),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="supply_demand_majors",
                        to="metrics.metricrun",
                        verbose_name="计算任务",
                    ),
                ),
            ],
            options={
                "verbose_name": "供需对照（按专业）",
                "verbose_name_plural": "供需对照（按专业）",
                "ordering": ["run", "major_code"],
                "constraints": [models.UniqueConstraint(fields=("run", "major_code"), name="one_major_row_per_run")],
            },
        ),
    ]
