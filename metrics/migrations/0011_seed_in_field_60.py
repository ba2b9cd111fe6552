"""Seed the first review rule, in_field_60 (SPEC 4.4: the 60 % rule of SPEC 4), and give the alerts raised
before review rules existed the shape they now have: the rule they tripped and the decision they got."""

from django.db import migrations

IN_FIELD_60 = {
    "name": "对口就业率连续两年低于 60%",
    "figure": "in_field_rate",
    "years": 2,
    "level": "red",
    "active": True,
    "source": "限制招生预警：专业对口就业率连续两年低于 60%（规格书第 4 节）",
    "comparator": "lt",
    "threshold": 0.60,
    "bottom_percent": None,
}
LEGACY_DECISIONS = {"restricted": "restrict", "dismissed": "keep"}


def seed(apps, schema_editor):
    ReviewRule = apps.get_model("metrics", "ReviewRule")
    Alert = apps.get_model("metrics", "Alert")
    ReviewRule.objects.get_or_create(code="in_field_60", defaults=IN_FIELD_60)
    for alert in Alert.objects.filter(trips=[]).iterator():
        alert.trips = [{"rule": "in_field_60", "level": "red", "values": alert.rates}]
        alert.level = "red"
        alert.decision = LEGACY_DECISIONS.get(alert.status, "")
        alert.save(update_fields=["trips", "level", "decision"])


def unseed(apps, schema_editor):
    apps.get_model("metrics", "ReviewRule").objects.filter(code="in_field_60").delete()


class Migration(migrations.Migration):
    dependencies = [("metrics", "0010_review_rules")]

    operations = [migrations.RunPython(seed, unseed)]
