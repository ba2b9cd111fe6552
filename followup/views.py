"""The bureau's chase lists (督办催报): a quarter's 应报未报, unacknowledged cards and unanswered feedback,
filtered by district and tag, exported to Excel, and a reminder to those listed in one click."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pages import paginate, role_required
from portal.roles import Role

from . import exports, selectors, services
from .forms import ChaseFilterForm

bureau_only = role_required(Role.BUREAU)


def _chase(key: str) -> selectors.Chase:
    if key not in selectors.CHASES:
        raise Http404
    return selectors.CHASES[key]


@bureau_only
def chase_list(request, chase=selectors.FILING.key):
    chase = _chase(chase)
    form = ChaseFilterForm(request.GET or None)
    chosen = form.chosen()
    rows = selectors.chase_rows(chase.key, **chosen)
    days_left = selectors.days_left(chosen["period"])
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(exports.chase_xlsx(chase, rows, days_left=days_left), content_type=exports.XLSX)
        response["Content-Disposition"] = f'attachment; filename="chase-{chase.key}-{chosen["period"].key}.xlsx"'
        return response
    page = paginate(request, rows)
    for row in page:
        enterprise = row.enterprise if chase.key == selectors.FEEDBACK.key else row
        enterprise.tag_labels = exports.tag_labels(enterprise.tags)
    return render(
        request,
        "followup/chase_list.html",
        {
            "chase": chase,
            "chases": selectors.CHASES.values(),
            "form": form,
            "period": chosen["period"],
            "district": chosen["district"],
            "tag": chosen["tag"],
            "days_left": days_left,
            "page_obj": page,
        },
    )


@require_POST
@bureau_only
def remind(request, chase):
    """Remind every enterprise on the list under its filters (scope=all) or the ticked rows."""
    chase = _chase(chase)
    chosen = ChaseFilterForm(request.POST).chosen()
    selected = None
    if request.POST.get("scope") != "all":
        selected = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
    if selected == []:
        messages.error(request, _("请先勾选要提醒的企业，或选择“全部提醒”。"))
    else:
        result = services.chase_remind(
            chase=chase.key,
            period=chosen["period"],
            district=chosen["district"],
            tag=chosen["tag"],
            selected=selected,
            by=request.user,
        )
        messages.success(
            request,
            _(
                "已向 %(enterprises)s 家企业发送提醒：新发送 %(sent)s 条，今日已提醒过而跳过 %(skipped)s 条，"
                "%(without)s 家企业没有可提醒的用户账号。"
            )
            % {
                "enterprises": result.enterprises,
                "sent": result.sent,
                "skipped": result.skipped,
                "without": result.without_users,
            },
        )
    query = urlencode({"period": chosen["period"].key, "district": chosen["district"], "tag": chosen["tag"]})
    return redirect(f"{reverse('followup:chase_list', args=[chase.key])}?{query}")
