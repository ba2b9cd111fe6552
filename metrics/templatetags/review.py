"""The program review's parts of other apps' pages (SPEC 4.4), so that programs and home (which stand
below or beside) never read alerts themselves: the program page's card and the college home's list."""

from django import template
from django.db.models import Case, IntegerField, Value, When

from metrics.choices import AlertStatus
from metrics.forms import AlertAnswerForm
from metrics.models import Alert
from metrics.review import LEVEL_RANK, trips_with_rules
from portal.roles import Role, college_id_of, role_of

register = template.Library()


@register.inclusion_tag("metrics/includes/program_alerts.html", takes_context=True)
def program_alerts(context, program):
    """The program's card: none / yellow / red (the worst open alert, else the latest), its latest alerts
    with the rules tripped, the college's answer and the decision; its own college answers here."""
    request = context.get("request")
    user = getattr(request, "user", None)
    own = role_of(user) == Role.COLLEGE and college_id_of(user) == program.college_id
    alerts = list(Alert.objects.filter(program=program).order_by("-year")[:3])
    open_levels = [a.level for a in alerts if a.status == AlertStatus.OPEN]
    card = max(open_levels, key=LEVEL_RANK.__getitem__) if open_levels else ""
    items = [
        {
            "alert": alert,
            "trips": trips_with_rules(alert),
            "can_answer": own and not alert.is_decided,
            "answer_form": AlertAnswerForm(
                initial={"answer_plan": alert.answer_plan, "answer_targets": alert.answer_targets}
            ),
        }
        for alert in alerts
    ]
    return {
        "alerts": items,
        "card_level": card,
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.inclusion_tag("metrics/includes/college_alerts.html", takes_context=True)
def college_alerts(context, limit: int = 10):
    """A college admin's alerts, open ones first (red before yellow), for the college home."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if role_of(user) != Role.COLLEGE:
        return {"alerts": []}
    open_first = Case(When(status=AlertStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    # Open first, then red before yellow ("red" < "yellow"), newest first.
    alerts = Alert.objects.restrict(user).select_related("program__major").order_by(open_first, "level", "-year")
    return {"alerts": list(alerts[:limit])}
