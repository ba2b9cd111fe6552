"""The supply–demand analysis page (SPEC 4.2, 8) and its Excel export.

The bureau sees every scope; a college admin sees the city and its own college (the rows' scoping).
The by-major table is the city's, which every reader of the page may see.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.pages import paginate, role_required
from portal.periods import choose_period
from portal.roles import Role

from . import selectors
from . import supply_demand as sd

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAJOR_COLUMNS = [
    ("major_code", _("专业代码"), False),
    ("major_name", _("专业名称"), False),
    ("level", _("层次"), False),
    ("demand", _("需求人数"), True),
    ("graduates", _("毕业生"), True),
    ("local_graduates", _("本地就业"), True),
    ("gap", _("供需"), True),
    ("forecast_1", None, True),
    ("forecast_2", None, True),
    ("forecast_3", None, True),
]


def _analysis(request) -> dict | None:
    """The period, scope, both tables and the filters the query string asks for; None before any run."""
    periods = sd.run_periods()
    period = choose_period(periods, request.GET.get("period"))
    if period is None:
        return None
    run = selectors.latest_run(period.year, period.quarter)
    scopes = sd.run_scopes(run, request.user)
    scope_type, scope_id = sd.parse_scope_key(request.GET.get("scope"))
    scope = next((s for s in scopes if (s["scope_type"], s["scope_id"]) == (scope_type, scope_id)), None)
    if scope is None:
        raise Http404  # a scope the user may not see, or that the run does not have
    majors = sd.major_table(
        run,
        level=request.GET.get("level", ""),
        cluster=request.GET.get("cluster", ""),
        sort=request.GET.get("sort") or sd.DEFAULT_MAJOR_SORT,
    )
    return {
        "periods": periods,
        "period": period,
        "run": run,
        "scopes": scopes,
        "scope": scope,
        "clusters": sd.cluster_table(run, scope_type, scope_id),
        "majors": majors,
    }


def _sort_headers(sort: str, years: list[int]) -> list[dict]:
    """The by-major table's header cells: label, whether numeric, the sort a click asks for, the current order."""
    headers = []
    forecast_years = iter(years[1:])
    for field, label, numeric in MAJOR_COLUMNS:
        if label is None:
            label = _("%(year)s年预计") % {"year": next(forecast_years)}
        current = "descending" if sort == f"-{field}" else ("ascending" if sort == field else None)
        # Figures sort largest first on the first click, codes and names A→Z; a second click reverses.
        first = f"-{field}" if numeric else field
        following = field if current == "descending" else f"-{field}"
        headers.append(
            {
                "field": field,
                "label": label,
                "numeric": numeric,
                "current": current,
                "next": following if current else first,
            }
        )
    return headers


@role_required(Role.BUREAU, Role.COLLEGE)
def supply_demand(request):
    """人才供需分析: the per-cluster table of a scope and the city's by-major table, filtered and sorted."""
    context = _analysis(request)
    if context is None:
        return render(request, "metrics/supply_demand.html", {"period": None})
    context["page_obj"] = paginate(request, context["majors"]["rows"])
    context["headers"] = _sort_headers(context["majors"]["sort"], context["clusters"]["years"])
    return render(request, "metrics/supply_demand.html", context)


@role_required(Role.BUREAU, Role.COLLEGE)
def supply_demand_xlsx(request):
    """Both tables, as the page shows them (scope, filters, order; every page of majors), as .xlsx."""
    context = _analysis(request)
    if context is None:
        raise Http404
    run, scope = context["run"], context["scope"]
    content = sd.workbook(run, scope["name"], context["clusters"], context["majors"])
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="supply-demand-{run.year}Q{run.quarter}.xlsx"'
    return response
