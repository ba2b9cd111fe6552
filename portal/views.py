"""Home pages: one per role (SPEC 8). Thin: the data comes from portal.dashboard."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from metrics.choices import ScopeType

from . import dashboard, report
from .pages import role_required
from .roles import Role, college_id_of, enterprise_id_of, role_of


@login_required
def home(request):
    role = role_of(request.user)
    if role == Role.BUREAU:
        context = dashboard.bureau_home(request.user, request.GET.get("period"))
        return render(request, "portal/home_bureau.html", context)
    if role == Role.COLLEGE:
        context = dashboard.college_home(request.user, college_id_of(request.user))
        return render(request, "portal/home_college.html", context)
    if role == Role.ENTERPRISE:
        context = dashboard.enterprise_home(request.user, enterprise_id_of(request.user))
        return render(request, "portal/home_enterprise.html", context)
    if role == Role.AGENCY:
        return render(request, "portal/home_agency.html")
    # Signed in but given no role yet: nothing to show but who to ask.
    return render(request, "portal/home_norole.html")


@role_required(Role.BUREAU)
def report_xlsx(request):
    """The period's report as an Excel workbook (bureau only; others get 404)."""
    periods = dashboard.snapshot_periods()
    period = dashboard.choose_period(periods, request.GET.get("period"))
    if period is None:
        raise Http404(_("还没有任何指标数据。"))
    content = report.period_workbook(period)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="metrics-report-{period.year}Q{period.quarter}.xlsx"'
    return response


@role_required(Role.BUREAU, Role.COLLEGE)
def scope_detail(request, scope_type, scope_id=""):
    """Drill-down: every snapshot of one district, college or the city. Bureau; a college admin sees its own."""
    if scope_type not in ScopeType.values:
        raise Http404
    context = dashboard.scope_history(request.user, scope_type, scope_id)
    if context is None:
        raise Http404
    return render(request, "portal/scope_detail.html", context)


def not_found(request, exception=None):
    """404: JSON under /api/ (integrators parse errors there), the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500: JSON under /api/, the plain server-error page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("服务器内部错误，请稍后重试。")}, status=500)
    return defaults.server_error(request)
