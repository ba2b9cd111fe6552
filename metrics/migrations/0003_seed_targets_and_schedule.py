"""Seed the ten targets of SPEC 4 with their policy clauses, and install the beat schedule."""

from django.db import migrations

HUAIAN = "淮安市教育系统助力重大项目攻坚暨优化营商环境实施意见"
SPEECH = "2025年教育工作会议讲话"
PANJIN = "盘锦市关于深化产教融合的实施意见"

# metric, threshold, deadline_year, annual, source
TARGETS = [
    ("alignment_rate", 0.80, None, False, f"{HUAIAN}，第三条"),
    ("local_retention_rate", 0.85, None, False, f"{HUAIAN}，第三条（五年制高职留淮率）"),
    ("order_classes", 20, None, True, f"{HUAIAN}，第四条（每年）"),
    ("training_headcount", 20000, None, True, f"{HUAIAN}，第四条（每年）"),
    ("industry_colleges", 10, None, False, f"{HUAIAN}，第五条"),
    ("cluster_coverage", 0.85, None, False, f"{SPEECH}，产教融合提质仗"),
    ("industry_college_compliance", 1.0, None, False, f"{SPEECH}（每个学院至少对接3家链主企业）"),
    ("training_bases", 30, 2025, False, f"{PANJIN}，工作目标"),
    ("integration_enterprises", 30, 2025, False, f"{PANJIN}，工作目标"),
    ("cooperation_projects", 30, 2025, False, f"{PANJIN}，工作目标"),
]


def seed_targets(apps, schema_editor):
    Target = apps.get_model("metrics", "Target")
    for order, (metric, threshold, deadline, annual, source) in enumerate(TARGETS, start=1):
        Target.objects.update_or_create(
            metric=metric,
            scope_type="city",
            scope_id="",
            defaults={
                "comparator": ">=",
                "threshold": threshold,
                "deadline_year": deadline,
                "annual": annual,
                "source": source,
                "order": order,
            },
        )


def install_schedule(apps, schema_editor):
    from metrics.schedule import install_schedule

    install_schedule(apps.get_model("django_celery_beat", "CrontabSchedule"), apps.get_model("django_celery_beat", "PeriodicTask"))


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0002_run_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(seed_targets, migrations.RunPython.noop),
        migrations.RunPython(install_schedule, migrations.RunPython.noop),
    ]
