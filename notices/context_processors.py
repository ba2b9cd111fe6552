from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request):
    """The header's unread notice count: one COUNT on the partial index, only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_unread": SimpleLazyObject(lambda: unread_count(user))}
