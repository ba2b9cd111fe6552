"""Reads about notices and their recipients shared by pages, services of other apps and tasks."""

from django.contrib.auth import get_user_model

from .models import Notice


def enterprise_users(enterprise_ids):
    """The active users (clerks) of the given enterprises: whom a notice about an enterprise reaches."""
    return get_user_model().objects.filter(profile__enterprise_id__in=enterprise_ids, is_active=True)


def college_users(college_ids):
    """The active users (admins) of the given colleges."""
    return get_user_model().objects.filter(profile__college_id__in=college_ids, is_active=True)


def unit_users(unit_ids):
    """The active users of the given responsible units (责任单位, department role)."""
    return get_user_model().objects.filter(profile__unit_id__in=unit_ids, is_active=True)


def unread_count(user) -> int:
    return Notice.objects.restrict(user).unread().count()


def email_enabled(user) -> bool:
    preference = getattr(user, "notice_preference", None)
    return preference is None or preference.email_enabled
