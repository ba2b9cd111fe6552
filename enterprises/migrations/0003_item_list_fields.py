"""DemandItem.year, .quarter and .list_status: copies of the list's, for one-index lists and counts."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

LIST_FIELDS = {"year": "year", "quarter": "quarter", "list_status": "status"}


def copy_from_lists(apps, schema_editor):
    DemandItem = apps.get_model("enterprises", "DemandItem")
    DemandList = apps.get_model("enterprises", "DemandList")
    lists = DemandList.objects.filter(pk=OuterRef("demand_list_id"))
    DemandItem.objects.update(
        **{field: Subquery(lists.values(list_field)[:1]) for field, list_field in LIST_FIELDS.items()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_demand_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="demanditem",
            name="year",
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name="年度"),
        ),
        migrations.AddField(
            model_name="demanditem",
            name="quarter",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="季度"),
        ),
        migrations.AddField(
            model_name="demanditem",
            name="list_status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("submitted", "已提交"), ("accepted", "已受理"), ("returned", "已退回")],
                editable=False,
                max_length=10,
                null=True,
                verbose_name="清单状态",
            ),
        ),
        migrations.RunPython(copy_from_lists, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="demanditem",
            name="year",
            field=models.PositiveIntegerField(editable=False, verbose_name="年度"),
        ),
        migrations.AlterField(
            model_name="demanditem",
            name="quarter",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="季度"),
        ),
        migrations.AlterField(
            model_name="demanditem",
            name="list_status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("submitted", "已提交"), ("accepted", "已受理"), ("returned", "已退回")],
                editable=False,
                max_length=10,
                verbose_name="清单状态",
            ),
        ),
        migrations.RemoveIndex(model_name="demanditem", name="item_unfinished_due_idx"),
        migrations.AddIndex(
            model_name="demanditem",
            index=models.Index(fields=["year", "status", "id"], name="item_year_status_idx"),
        ),
        migrations.AddIndex(
            model_name="demanditem",
            index=models.Index(fields=["year", "status"], name="item_year_status_count_idx"),
        ),
        migrations.AddIndex(
            model_name="demanditem",
            index=models.Index(
                condition=models.Q(
                    ("list_status__in", ("submitted", "accepted")), ("status__in", ("open", "matched", "in_progress"))
                ),
                fields=["due_on", "id"],
                name="item_overdue_idx",
            ),
        ),
    ]
