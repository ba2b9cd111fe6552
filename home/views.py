"""The roof: each role's home page, the drill-down by scope, a college's overview and the quarterly
report. Thin: the data comes from dashboard.py and report.py."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from colleges.models import College
from demand.selectors import responsiveness
from metrics.choices import ScopeType
from plan import dashboard as plan_dashboard
from portal.pages import role_required
from portal.roles import Role, college_id_of, enterprise_id_of, role_of

from . import dashboard, report


@login_required
def home(request):
    role = role_of(request.user)
    if role == Role.BUREAU:
        context = dashboard.bureau_home(request.user, request.GET.get("period"))
        return render(request, "home/home_bureau.html", context)
    if role == Role.COLLEGE:
        context = dashboard.college_home(request.user, college_id_of(request.user))
        return render(request, "home/home_college.html", context)
    if role == Role.ENTERPRISE:
        context = dashboard.enterprise_home(request.user, enterprise_id_of(request.user))
        return render(request, "home/home_enterprise.html", context)
    if role == Role.AGENCY:
        return render(request, "home/home_agency.html")
    if role == Role.DEPARTMENT:
        return render(request, "home/home_department.html", plan_dashboard.department_home(request.user))
    # Signed in but given no role yet: nothing to show but who to ask.
    return render(request, "home/home_norole.html")


@role_required(Role.BUREAU)
def report_xlsx(request):
    """The period's report as an Excel workbook (bureau only; others get 404)."""
    periods = dashboard.snapshot_periods()
    key = request.GET.get("period")
    if key is not None and key not in {p.key for p in periods}:
        # A download link with a wrong period must not quietly bring another quarter's figures.
        message = _("没有季度“%(key)s”的指标数据。period 写作 年-季度，可选：%(keys)s。") % {
            "key": key,
            "keys": _("、").join(p.key for p in periods) or _("（暂无）"),
        }
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    period = dashboard.choose_period(periods, key)
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
    context["links"] = dashboard.scope_links(request.user, scope_type, scope_id, context["scope_name"])
    return render(request, "home/scope_detail.html", context)


@role_required(Role.BUREAU, Role.COLLEGE)
def college_detail(request, pk):
    """A college's overview: how many rows it keeps in each domain, with links to them."""
    # "change" scope: a college admin's pages show their own college only, never a neighbour's.
    college = get_object_or_404(College.objects.restrict(request.user, "change"), pk=pk)
    context = {
        "college": college,
        "counts": dashboard.college_counts(college),
        "responsiveness": responsiveness(college_ids=[college.pk])["college"],
    }
    return render(request, "colleges/college_detail.html", context)
