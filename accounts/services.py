"""Every write about accounts: bureau users, bulk accounts with one-time passwords, password changes."""

import os
import secrets
import string
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from exchange.errors import BundleInvalid, ErrorLog
from portal.models import UserProfile
from portal.roles import Role

from . import rules
from .models import OneTimePassword

# Session flag set at sign-in for a user who still has a one-time password (read by the middleware).
SESSION_FLAG = "accounts_password_change_required"
# No 0/O, 1/l/I: one-time passwords are read off a printout and typed in.
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
PASSWORD_LENGTH = 14


def one_time_password() -> str:
    """A random password of letters and digits with at least one of each kind (~80 bits)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


@transaction.atomic
def bureau_user_create(*, username: str, password: str, email: str = "", name: str = "", superuser: bool = False):
    """A bureau staff account (with Django admin access when `superuser`). Raises ValidationError."""
    User = get_user_model()
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("用户名不能为空。")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名「%(name)s」已存在。") % {"name": username}})
    user = User(username=username, email=email.strip(), first_name=name.strip(), is_staff=superuser)
    user.is_superuser = superuser
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages})
    user.set_password(password)
    user.save()
    UserProfile.objects.create(user=user, role=Role.BUREAU)
    return user


@dataclass(frozen=True)
class IssuedAccount:
    """An account created in bulk and its one-time password (shown once, never stored in clear)."""

    row: int
    username: str
    password: str
    role: str
    owner_code: str
    owner_name: str
    name: str
    email: str


def accounts_bulk_create(*, source, by=None, progress: Callable[[int], None] | None = None) -> list[IssuedAccount]:
    """Create one enterprise-clerk or college-admin account per row of `source` (a path or an uploaded file).

    All or nothing: any bad row raises BundleInvalid with every error by row and creates no account.
    Each account gets a one-time password that its owner must change at first sign-in.
    `progress(n)` is called as passwords are hashed (the slow part: ~0.2 s each, by design).
    """
    log = ErrorLog()
    label, rows = rules.read_rows(source, log)
    accounts = rules.check_rows(rows, label, log) if not log else []
    log.raise_if_any()

    passwords = [one_time_password() for _account in accounts]
    hashes = []
    # PBKDF2 runs in C without the GIL: hashing on every core makes 500 accounts ~10× faster on a
    # 12-core server. The hash strength stays the configured one (no cheaper hasher for bulk accounts).
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        for hashed in pool.map(make_password, passwords):
            hashes.append(hashed)
            if progress:
                progress(1)

    User = get_user_model()
    try:
        with transaction.atomic():
            for account, hashed in zip(accounts, hashes, strict=True):
                user = User.objects.create(
                    username=account.username, first_name=account.name, email=account.email, password=hashed
                )
                UserProfile.objects.create(
                    user=user, role=account.role, enterprise=account.enterprise, college=account.college
                )
                OneTimePassword.objects.create(user=user, issued_by=by)
    except IntegrityError:
        # Another upload took one of the usernames between the check and now.
        log.add(label, 0, "username", _("有用户名刚被占用，请重新上传。"))
        log.raise_if_any()
    return [
        IssuedAccount(a.row, a.username, p, a.role, a.owner_code, a.owner_name, a.name, a.email)
        for a, p in zip(accounts, passwords, strict=True)
    ]


def password_changed(*, user, session=None) -> None:
    """The user chose their own password (change or reset): the one-time password is gone."""
    OneTimePassword.objects.filter(user=user).delete()
    if session is not None:
        session.pop(SESSION_FLAG, None)


def remember_password_change_required(sender, request, user, **kwargs) -> None:
    """On sign-in (user_logged_in): flag the session of a user who still has a one-time password,
    so the middleware needs no query per request."""
    if request is not None and hasattr(request, "session"):
        if OneTimePassword.objects.filter(user=user).exists():
            request.session[SESSION_FLAG] = True
        else:
            request.session.pop(SESSION_FLAG, None)


__all__ = ["BundleInvalid", "IssuedAccount", "accounts_bulk_create", "bureau_user_create", "password_changed"]
