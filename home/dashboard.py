"""What the home pages show, assembled from the metric snapshots and the domain tables.

Roof floor: reads every app. Each function costs a fixed number of queries whatever the
size of the city (the bureau home stays within 15, see tests/test_pages_portal_home.py).
"""

import operator
from functools import reduce
from urllib.parse import quote

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS, urlencode
from django.utils.translation import gettext_lazy as _

from colleges.models import College
from demand.choices import UNFINISHED_ITEM_STATUSES, ItemStatus
from demand.models import DemandAssignment, DemandItem, DemandList
from demand.selectors import college_items, overdue_items, overdue_q, responsiveness
from metrics.choices import AlertStatus, Metric, ScopeType, TargetStatus
from metrics.models import Alert, Snapshot, Target
from metrics.registry import RATIO_METRICS
from metrics.review import with_rates
from metrics.selectors import latest_run, targets_progress
from metrics.supply_demand import cluster_table, scope_key
from policies.models import PolicyDelivery, PolicyFeedback
from portal.periods import Period, choose_period, quarter_label
from portal.roles import Role, role_of
from portal.templatetags.portal_ui import format_figure
from programs.models import Program

TOP_N = 10
# The assigned items a college's home lists, most urgent first.
URGENT_N = 5


def url_or_none(name: str, *args) -> str | None:
    """reverse() that answers None for a page that does not exist (yet), so a link is simply left out."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def format_value(metric: str, value) -> str:
    """A snapshot or threshold as people read it: ratios in per cent, counts as whole numbers."""
    return format_figure(value, metric in RATIO_METRICS)


def snapshot_periods(user=None) -> list[Period]:
    """Every quarter with snapshots (visible to `user` when given), newest first. One query."""
    snapshots = Snapshot.objects.restrict(user) if user is not None else Snapshot.objects.all()
    rows = snapshots.values_list("year", "quarter").distinct().order_by("-year", "-quarter")
    return [Period(year, quarter) for year, quarter in rows]


def _up_to(period: Period) -> Q:
    return Q(year__lt=period.year) | Q(year=period.year, quarter__lte=period.quarter)


def trend_series(snapshots, period: Period) -> dict:
    """Chart data for json_script: the quarters up to `period` and one series per metric.

    `snapshots` are one scope's rows; values of ratio metrics are sent in per cent.
    """
    rows = list(snapshots.filter(_up_to(period)).values_list("metric", "year", "quarter", "value"))
    return _series_from_rows(rows, target_lines(ScopeType.CITY, ""))


def target_lines(scope_type: str, scope_id: str) -> dict[str, float]:
    """metric → the threshold of its target for the scope, drawn on the trend chart as a line. One query.

    Where a metric has several targets for the scope (different deadlines), the latest deadline's."""
    targets = Target.objects.filter(scope_type=scope_type, scope_id=scope_id).order_by(
        F("deadline_year").asc(nulls_first=True), "id"
    )
    return {metric: threshold for metric, threshold in targets.values_list("metric", "threshold")}


def _series_from_rows(rows, targets: dict[str, float] | None = None) -> dict:
    periods = sorted({(year, quarter) for _m, year, quarter, _v in rows})
    index = {p: i for i, p in enumerate(periods)}
    values = {}
    for metric, year, quarter, value in rows:
        series = values.setdefault(metric, [None] * len(periods))
        series[index[(year, quarter)]] = _in_chart_units(metric, value)
    return {
        "periods": [quarter_label(year, quarter) for year, quarter in periods],
        "target_label": str(_("目标")),
        "series": [
            {
                "metric": metric,
                "name": str(label),
                "ratio": metric in RATIO_METRICS,
                "values": values[metric],
                "target": _in_chart_units(metric, (targets or {}).get(metric)),
            }
            for metric, label in Metric.choices
            if metric in values
        ],
    }


def _in_chart_units(metric: str, value: float | None) -> float | None:
    """Ratios are charted in per cent."""
    if value is None or metric not in RATIO_METRICS:
        return value
    return round(value * 100, 2)


def supply_demand_table(period: Period, scope_type: str | None = ScopeType.CITY, scope_id: str = "") -> dict | None:
    """The per-cluster headcounts (SPEC 4.2) of the period's latest succeeded run, with totals and the
    forecast chart data (metrics.supply_demand.cluster_table). Two queries.

    Rows of one scope (default the city), or of every scope when `scope_type` is None.
    """
    run = latest_run(period.year, period.quarter)
    if run is None:
        return None
    return cluster_table(run, scope_type, scope_id)


def analysis_url(period: Period, scope_type: str = ScopeType.CITY, scope_id: str = "") -> str | None:
    """The full supply–demand analysis of the period and scope (metrics:supply_demand)."""
    base = url_or_none("metrics:supply_demand")
    if base is None:
        return None
    return f"{base}?{urlencode({'period': period.key, 'scope': scope_key(scope_type, scope_id)})}"


def target_cards(period: Period) -> list[dict]:
    """metrics.selectors.targets_progress with what a card prints: formatted figures, scope and status label."""
    cards = []
    for progress in targets_progress(year=period.year, quarter=period.quarter):
        target = progress["target"]
        cards.append(
            {
                **progress,
                "value_text": format_value(target.metric, progress["value"]),
                "threshold_text": format_value(target.metric, target.threshold),
                "scope_name": scope_label(target.scope_type, target.scope_id),
                "status_label": TargetStatus(progress["status"]).label,
            }
        )
    return cards


def scope_label(scope_type: str, scope_id: str) -> str:
    """全市 for the city, else the scope's id (a district's name, a college's code)."""
    return str(ScopeType.CITY.label) if scope_type == ScopeType.CITY else scope_id


def _item_link(item) -> str | None:
    return url_or_none("demand:item_detail", item.pk)


def bureau_home(user, period_key: str | None = None) -> dict:
    """Everything on the bureau's home page for the chosen (else latest) period."""
    periods = snapshot_periods()
    period = choose_period(periods, period_key)
    context = {"periods": periods, "period": period}
    if period is not None:
        context.update(
            targets=target_cards(period),
            trends=trend_series(Snapshot.objects.filter(scope_type=ScopeType.CITY, scope_id=""), period),
            supply_demand=supply_demand_table(period),
            supply_demand_url=analysis_url(period),
            scopes=drill_down_scopes(period),
        )
    alerts = Alert.objects.restrict(user).filter(status=AlertStatus.OPEN)
    context["open_alerts_count"] = alerts.count()
    context["open_alerts"] = with_rates(
        alerts.select_related("program__college", "program__major").order_by("-year", "id")[:TOP_N]
    )
    overdue = overdue_items(DemandItem.objects.restrict(user), timezone.localdate())
    context["overdue_count"] = overdue.count()
    context["overdue_url"] = overdue_items_url()
    context["overdue_items"] = [
        {"item": item, "url": _item_link(item)} for item in overdue.select_related("demand_list__enterprise")[:TOP_N]
    ]
    context["responsiveness"] = responsiveness_panel()
    return context


# The city's responsiveness reads every assignment (about a second at province scale), so the bureau home
# keeps it this long; the panel says so. A college's page computes its own rows live.
RESPONSIVENESS_CACHE_S = 600
RESPONSIVENESS_CACHE_KEY = "home:responsiveness"


def responsiveness_panel() -> dict:
    """demand.selectors.responsiveness for the whole city, the colleges' rows cut to TOP_N (most assignments
    first) and linked; cached for RESPONSIVENESS_CACHE_S."""
    panel = cache.get(RESPONSIVENESS_CACHE_KEY)
    if panel is not None:
        return panel
    panel = responsiveness()
    panel["colleges_total"] = len(panel["college"])
    panel["college"] = panel["college"][:TOP_N]
    for row in panel["college"]:
        row["url"] = url_or_none("college_detail", row["key"])
    panel["computed_at"] = timezone.now()
    cache.set(RESPONSIVENESS_CACHE_KEY, panel, RESPONSIVENESS_CACHE_S)
    return panel


def drill_down_scopes(period: Period) -> dict:
    """Districts and colleges that have snapshots in the period, for the drill-down links. One query."""
    rows = (
        Snapshot.objects.filter(
            year=period.year, quarter=period.quarter, scope_type__in=[ScopeType.DISTRICT, ScopeType.COLLEGE]
        )
        .values_list("scope_type", "scope_id", "scope_name")
        .distinct()
        # Sorted here, not by the database: a province period has ~5 000 snapshot rows to make distinct,
        # and sorting them by the database's collation cost more than the rest of the query.
        .order_by()
    )
    scopes = {ScopeType.DISTRICT: [], ScopeType.COLLEGE: []}
    for scope_type, scope_id, scope_name in sorted(rows):
        scopes[scope_type].append({"id": scope_id, "name": scope_name})
    for scope_type, found in scopes.items():
        for scope, url in zip(found, scope_urls(scope_type, [s["id"] for s in found]), strict=True):
            scope["url"] = url
    return {"districts": scopes[ScopeType.DISTRICT], "colleges": scopes[ScopeType.COLLEGE]}


# The items the bureau chases as overdue: those of submitted or accepted lists (demand.selectors.overdue_items).
OVERDUE_QUERY = "overdue=true&list_status=submitted&list_status=accepted"


def overdue_items_url(**filters) -> str:
    """The item list filtered to the overdue items the bureau home counts (and to `filters`)."""
    extra = f"&{urlencode(filters)}" if filters else ""
    return f"{reverse('demand:items')}?{OVERDUE_QUERY}{extra}"


def scope_links(user, scope_type: str, scope_id: str, scope_name: str) -> list[dict]:
    """Where the drill-down goes on from a scope page: the filtered list pages of its rows.

    A district (bureau): its colleges, enterprises, demand lists and overdue items. A college: its
    overview, programs and the items assigned to it (a college admin sees only their own college's page).
    """
    bureau = role_of(user) == Role.BUREAU
    if scope_type == ScopeType.DISTRICT and bureau:
        district = urlencode({"district": scope_name})
        return [
            {"label": _("院校"), "url": f"{reverse('colleges:college_list')}?{district}"},
            {"label": _("企业"), "url": f"{reverse('enterprises:enterprise_list')}?{district}"},
            {"label": _("需求清单"), "url": f"{reverse('demand:demand_list_list')}?{district}"},
            {"label": _("逾期需求"), "url": overdue_items_url(district=scope_name)},
        ]
    if scope_type == ScopeType.COLLEGE:
        college = College.objects.restrict(user, "change").filter(code=scope_id).first()
        if college is None:
            return []
        programs = reverse("programs:program_list") + (f"?college={college.pk}" if bureau else "")
        return [
            {"label": _("院校概况"), "url": reverse("college_detail", args=[college.pk])},
            {"label": _("专业点"), "url": programs},
            {"label": _("承接的需求"), "url": reverse("demand:assigned_items", args=[college.pk])},
        ]
    return []


def scope_urls(scope_type: str, scope_ids: list[str]) -> list[str]:
    """The scope_detail URL of each id, as reverse() builds it, with one reverse() per call: a province's
    drill-down links hundreds of colleges, and a reverse() each cost the bureau home ~15 ms."""
    marker = "0"
    prefix = reverse("scope_detail", args=[scope_type, marker]).removesuffix(f"{marker}/")
    return [f"{prefix}{quote(scope_id, safe=RFC3986_SUBDELIMS + '~:@')}/" for scope_id in scope_ids]


def figures_table(snapshots, period: Period, columns: list[tuple[str, str]]) -> list[dict]:
    """Rows of metric × scope columns for one period: [{metric, label, cells: [formatted…]}]. One query.

    `columns` are (scope_type, scope_id) pairs; a metric without a snapshot in any column is left out.
    """
    found = {
        (metric, scope_type, scope_id): value
        for metric, scope_type, scope_id, value in snapshots.filter(year=period.year, quarter=period.quarter)
        .filter(reduce(operator.or_, [Q(scope_type=t, scope_id=i) for t, i in columns]))
        .values_list("metric", "scope_type", "scope_id", "value")
    }
    rows = []
    for metric, label in Metric.choices:
        keys = [(metric, t, i) for t, i in columns]
        if any(key in found for key in keys):
            rows.append(
                {
                    "metric": metric,
                    "label": label,
                    "cells": [format_value(metric, found[key]) if key in found else "—" for key in keys],
                }
            )
    return rows


def college_home(user, college_id: int) -> dict:
    """A college admin's home: their college's figures next to the city's, and their open alerts."""
    college = College.objects.get(pk=college_id)
    periods = snapshot_periods(user)
    period = periods[0] if periods else None
    context = {"college": college, "period": period}
    if period is not None:
        context["figures"] = figures_table(
            Snapshot.objects.restrict(user),
            period,
            [(ScopeType.COLLEGE, college.code), (ScopeType.CITY, "")],
        )
    context["open_alerts_count"] = Alert.objects.restrict(user).filter(status=AlertStatus.OPEN).count()
    context["programs_url"] = url_or_none("programs:program_list")
    unfinished = college_items(DemandItem.objects.restrict(user), college_id).filter(
        status__in=UNFINISHED_ITEM_STATUSES
    )
    context["items_count"] = unfinished.count()
    context["urgent_items"] = list(unfinished[:URGENT_N])
    context["items_url"] = url_or_none("demand:my_items")
    context["claimable_count"] = DemandItem.objects.claimable(user).count()
    context["claimable_url"] = url_or_none("demand:claimable_items")
    return context


def enterprise_home(user, enterprise_id: int) -> dict:
    """An enterprise clerk's home: their latest demand lists with item counts, and the policy inbox."""
    lists = (
        DemandList.objects.restrict(user)
        .filter(enterprise_id=enterprise_id)
        .annotate(
            items_total=Count("items"),
            items_fulfilled=Count("items", filter=Q(items__status=ItemStatus.FULFILLED)),
            items_overdue=Count("items", filter=overdue_q(prefix="items__")),
        )
        .order_by("-year", "-quarter")[:4]
    )
    deliveries = PolicyDelivery.objects.restrict(user).filter(enterprise_id=enterprise_id)
    feedback = PolicyFeedback.objects.restrict(user).filter(enterprise_id=enterprise_id, answered_at__isnull=True)
    return {
        "lists": [{"list": row, "url": url_or_none("demand:list_detail", row.pk)} for row in lists],
        "policy_unread": deliveries.filter(acknowledged_at__isnull=True).count(),
        "policy_total": deliveries.count(),
        "feedback_pending": feedback.count(),
        "lists_url": url_or_none("demand:demand_list_list"),
        "policies_url": url_or_none("policies:inbox") or url_or_none("policies:card_list"),
    }


def scope_history(user, scope_type: str, scope_id: str, max_periods: int = 8) -> dict | None:
    """One district's, college's or the city's snapshots over time (None if the user sees none). Two queries.

    Returns the scope's name, trend chart data over every period, and a metric × period table of
    the latest `max_periods` quarters (newest first).
    """
    rows = list(
        Snapshot.objects.restrict(user)
        .filter(scope_type=scope_type, scope_id=scope_id)
        .order_by("year", "quarter")
        .values_list("metric", "year", "quarter", "value", "numerator", "denominator", "scope_name")
    )
    if not rows:
        return None
    periods = sorted({Period(year, quarter) for _m, year, quarter, *_rest in rows}, key=lambda p: (p.year, p.quarter))
    latest = periods[-1]
    shown = list(reversed(periods[-max_periods:]))
    cells = {(metric, year, quarter): (value, num, den) for metric, year, quarter, value, num, den, _n in rows}
    table = []
    for metric, label in Metric.choices:
        if not any((metric, p.year, p.quarter) in cells for p in periods):
            continue
        table.append(
            {
                "label": label,
                "cells": [_history_cell(metric, cells.get((metric, p.year, p.quarter))) for p in shown],
            }
        )
    return {
        "scope_type": scope_type,
        "scope_type_label": ScopeType(scope_type).label,
        "scope_id": scope_id,
        "scope_name": rows[-1][-1],
        "periods": shown,
        "table": table,
        "trends": _series_from_rows([(m, y, q, v) for m, y, q, v, *_r in rows], target_lines(scope_type, scope_id)),
        "supply_demand": supply_demand_table(latest, scope_type, scope_id),
        "supply_demand_url": analysis_url(latest, scope_type, scope_id),
        "latest": latest,
    }


def _history_cell(metric: str, found) -> dict:
    if found is None:
        return {"text": "—", "detail": ""}
    value, numerator, denominator = found
    detail = ""
    if metric in RATIO_METRICS and denominator is not None:
        detail = f"{format_figure(numerator, False)} / {format_figure(denominator, False)}"
    return {"text": format_value(metric, value), "detail": detail}


def college_counts(college: College) -> dict[str, int]:
    """How many rows of each kind a college keeps. A count per table (six small queries) rather than
    one join that multiplies them all."""
    return {
        "programs": Program.objects.filter(college=college).count(),
        "industry_colleges": college.industry_colleges.count(),
        "training_bases": college.training_bases.count(),
        "projects": college.projects.count(),
        "training_sessions": college.training_sessions.count(),
        "assignments": DemandAssignment.objects.filter(college=college).count(),
    }
