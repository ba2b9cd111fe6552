"""Roles of SPEC section 1 and the questions every app's scoping asks about a user.

Ground floor: knows no domain app. A user's role lives on portal.UserProfile; a
superuser without a profile is treated as bureau staff.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU = "bureau", _("局端")
    COLLEGE = "college", _("院校管理员")
    ENTERPRISE = "enterprise", _("企业用户")
    AGENCY = "agency", _("其他部门")
    DEPARTMENT = "department", _("责任单位")


class Action(models.TextChoices):
    VIEW = "view", _("查看")
    CHANGE = "change", _("修改")


def profile_of(user):
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.profile
    except Exception:  # RelatedObjectDoesNotExist: a user without a profile
        return None


def role_of(user) -> str | None:
    """The user's role, or None for anonymous users and users with no role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    profile = profile_of(user)
    if profile is not None:
        return profile.role
    return Role.BUREAU if user.is_superuser else None


def is_bureau(user) -> bool:
    return role_of(user) == Role.BUREAU


def college_id_of(user) -> int | None:
    """The college a college admin belongs to (None for every other role)."""
    profile = profile_of(user)
    if profile is None or profile.role != Role.COLLEGE:
        return None
    return profile.college_id


def enterprise_id_of(user) -> int | None:
    """The enterprise an enterprise clerk belongs to (None for every other role)."""
    profile = profile_of(user)
    if profile is None or profile.role != Role.ENTERPRISE:
        return None
    return profile.enterprise_id


def unit_id_of(user) -> int | None:
    """The plan unit (责任单位) a department user works for (None for every other role)."""
    profile = profile_of(user)
    if profile is None or profile.role != Role.DEPARTMENT:
        return None
    return profile.unit_id
