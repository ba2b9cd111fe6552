"""The supply–demand table of a run as rows (SupplyDemandRow) instead of one JSON document per run."""

import django.db.models.deletion
from django.db import migrations, models

FIELDS = ("scope_type", "scope_id", "cluster", "cluster_name", "demand", "supply", "gap")


def rows_from_documents(apps, schema_editor):
    MetricRun = apps.get_model("metrics", "MetricRun")
    SupplyDemandRow = apps.get_model("metrics", "SupplyDemandRow")
    for run in MetricRun.objects.exclude(supply_demand=[]).iterator():
        positions = {}
        rows = []
        for line in run.supply_demand:
            scope = (line["scope_type"], line["scope_id"])
            positions[scope] = positions.get(scope, -1) + 1
            rows.append(SupplyDemandRow(run=run, position=positions[scope], **{f: line[f] for f in FIELDS}))
        SupplyDemandRow.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0003_seed_targets_and_schedule"),
    ]

    operations = [
        migrations.CreateModel(
            name="SupplyDemandRow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "scope_type",
                    models.CharField(
                        choices=[("city", "全市"), ("district", "区县"), ("college", "院校")],
                        max_length=10,
                        verbose_name="范围类型",
                    ),
                ),
                ("scope_id", models.CharField(blank=True, max_length=50, verbose_name="范围标识")),
                ("position", models.PositiveSmallIntegerField(verbose_name="序号")),
                ("cluster", models.CharField(max_length=20, verbose_name="产业集群")),
                ("cluster_name", models.CharField(max_length=100, verbose_name="集群名称")),
                ("demand", models.FloatField(verbose_name="需求人数")),
                ("supply", models.FloatField(verbose_name="供给人数")),
                ("gap", models.FloatField(verbose_name="缺口（需求−供给）")),
                (
                    "run",
                    # No reverse accessor until the JSON field of the same name is gone (below).
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="metrics.metricrun",
                        verbose_name="计算任务",
                    ),
                ),
            ],
            options={
                "verbose_name": "供需对照",
                "verbose_name_plural": "供需对照",
                "ordering": ["run", "scope_type", "scope_id", "position"],
                "indexes": [
                    models.Index(
                        fields=["run", "scope_type", "scope_id", "position"], name="metrics_sup_run_id_1488e0_idx"
                    )
                ],
            },
        ),
        migrations.RunPython(rows_from_documents, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="metricrun", name="supply_demand"),
        migrations.AlterField(
            model_name="supplydemandrow",
            name="run",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="supply_demand",
                to="metrics.metricrun",
                verbose_name="计算任务",
            ),
        ),
    ]
