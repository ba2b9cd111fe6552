"""The notice centre: every signed-in user's own notices, marking them read, the e-mail switch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pages import paginate

from . import selectors, services
from .models import Notice


@login_required
def notice_list(request):
    notices = Notice.objects.restrict(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notices = notices.unread()
    return render(
        request,
        "notices/notice_list.html",
        {
            "page_obj": paginate(request, notices.order_by("-created_at", "-id")),
            "unread_only": unread_only,
            "email_enabled": selectors.email_enabled(request.user),
        },
    )


@login_required
@require_POST
def notice_read(request, pk):
    """Mark a notice read; with `open`, go on to the page it links to."""
    notice = get_object_or_404(Notice.objects.restrict(request.user, "change"), pk=pk)
    services.notice_mark_read(notice=notice, by=request.user)
    target = notice.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notices:list")


@login_required
@require_POST
def notice_read_all(request):
    count = services.notices_mark_all_read(by=request.user)
    messages.success(request, _("已将 %(count)s 条通知标为已读。") % {"count": count})
    return redirect("notices:list")


@login_required
@require_POST
def notice_preference(request):
    enabled = request.POST.get("email_enabled") == "1"
    services.notice_preference_set(user=request.user, email_enabled=enabled)
    messages.success(request, _("已开启邮件通知。") if enabled else _("已关闭邮件通知，站内通知照常显示。"))
    return redirect("notices:list")
