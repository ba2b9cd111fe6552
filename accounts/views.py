"""Account pages: password change and reset for everyone, bulk accounts for the bureau. Thin views."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from exchange.errors import BundleInvalid
from portal.pages import role_required
from portal.roles import Role

from . import rules, services
from .forms import BulkAccountsForm


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user, session=self.request.session)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@role_required(Role.BUREAU)
def bulk_create(request):
    """Upload a file of accounts; on success the one-time passwords are shown once (never cached)."""
    form = BulkAccountsForm(request.POST or None, request.FILES or None)
    errors, issued = [], None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.accounts_bulk_create(source=form.cleaned_data["file"], by=request.user)
        except BundleInvalid as refusal:
            errors = refusal.errors
            form.add_error(
                None, _("%(count)s 处错误，未开通任何账号。") % {"count": len(refusal.errors) + refusal.more}
            )
    status = 400 if form.errors else 200
    response = render(
        request, "accounts/bulk_create.html", {"form": form, "errors": errors, "issued": issued}, status=status
    )
    add_never_cache_headers(response)
    return response


@role_required(Role.BUREAU)
def bulk_template(request):
    """An empty accounts file (UTF-8 with BOM, so Excel opens it correctly)."""
    response = HttpResponse("\ufeff" + ",".join(rules.COLUMNS) + "\r\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename=accounts-template.csv"
    return response
