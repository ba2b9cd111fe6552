"""API tokens for other agencies' systems (SPEC 1, 6): issue and revoke, from the bureau's page and
from `manage.py issue_token`. One DRF token per user; issuing again replaces the key."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from .models import UserProfile
from .pages import role_required
from .roles import Role, role_of

# Roles whose token reads and writes one enterprise's or college's own rows, rather than the agencies'
# read-only view: issued only when asked for explicitly.
OWNER_ROLES = (Role.ENTERPRISE, Role.COLLEGE)


@transaction.atomic
def token_issue(*, username: str, by, create_agency: bool = False, owner_confirmed: bool = False) -> Token:
    """A fresh token for `username` (any previous key stops working).

    Both choices are explicit (issue 17), so that a typo neither creates an account nor hands an
    enterprise's or college's account a key by accident: with `create_agency`, a missing user is created
    as an agency account (no password: it signs in only with the token); an enterprise or college account
    gets a token only with `owner_confirmed` (its own system may then use the API with that account's
    rights). A user without a role may hold a token but the API refuses it.
    """
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("请填写用户名。")})
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        if not create_agency:
            raise ValidationError({"username": _("用户 %(name)s 不存在。") % {"name": username}})
        user = user_model(username=username)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        profile = UserProfile(user=user, role=Role.AGENCY)
        profile.full_clean()
        profile.save()
    role = role_of(user)
    if role in OWNER_ROLES and not owner_confirmed:
        raise ValidationError(
            {
                "owner_confirmed": _("%(name)s 是%(role)s账号：令牌可读写该单位自己的数据。如确需签发，请勾选确认。")
                % {"name": username, "role": Role(role).label}
            }
        )
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, username: str, by) -> int:
    """Delete the user's token; returns how many were deleted (0 or 1)."""
    deleted, _rows = Token.objects.filter(user__username=username).delete()
    return deleted


class IssueForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150)
    create_agency = forms.BooleanField(label=gettext_lazy("用户不存在时新建为“其他部门”账号"), required=False)
    owner_confirmed = forms.BooleanField(
        label=gettext_lazy("确认向企业或院校账号签发令牌"),
        required=False,
        help_text=gettext_lazy("仅在用户是企业或院校账号时需要；通常令牌只签发给其他部门的系统。"),
    )


def _role_label(user):
    role = role_of(user)
    return Role(role).label if role else None


def _page(request, form, issued=None, status=200):
    tokens = Token.objects.select_related("user__profile").order_by("-created")
    rows = [{"token": t, "role": _role_label(t.user), "masked": f"{t.key[:6]}…"} for t in tokens]
    return render(request, "portal/tokens.html", {"rows": rows, "form": form, "issued": issued}, status=status)


@role_required(Role.BUREAU)
def token_list(request):
    """The bureau's list of API tokens with a form to issue one; a new key is shown once, here."""
    if request.method != "POST":
        return _page(request, IssueForm())
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        token = token_issue(by=request.user, **form.cleaned_data)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else "username", problems)
        return _page(request, form, status=400)
    # Rendered, not redirected: the key is shown this once and never stored in a message or session.
    return _page(request, IssueForm(), issued=token)


@require_POST
@role_required(Role.BUREAU)
def token_revoke_view(request, user_id):
    # Addressed by the user, never by the key: keys stay out of URLs and access logs.
    token = get_object_or_404(Token.objects.select_related("user"), user_id=user_id)
    token_revoke(username=token.user.username, by=request.user)
    messages.success(request, _("已撤销 %(name)s 的 API 令牌。") % {"name": token.user.username})
    return redirect("api_tokens")


urlpatterns = [
    path("", token_list, name="api_tokens"),
    path("<int:user_id>/revoke/", token_revoke_view, name="api_token_revoke"),
]
