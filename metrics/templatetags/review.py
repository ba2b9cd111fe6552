"""The program review's part of the program page, so that programs (a floor below) never reads alerts."""

from django import template

from metrics.models import Alert

register = template.Library()


@register.inclusion_tag("metrics/includes/program_alerts.html")
def program_alerts(program):
    """The program's latest alerts (限制招生预警), newest first."""
    return {"alerts": Alert.objects.filter(program=program).order_by("-year")[:3]}
