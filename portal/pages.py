"""Small helpers every domain page uses: role gates, pagination, filters and service errors at their fields.

Ground floor: knows no domain app. Row permissions stay in each model's `restrict()`.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from .roles import role_of

PAGE_SIZE = 30
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def role_required(*roles):
    """Signed-in users of one of `roles`; for anyone else the page does not exist (404, like a foreign row)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if role_of(request.user) not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The requested page of `queryset` (out-of-range or junk page numbers give the nearest page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def filtered(request, filterset_class, queryset):
    """Bind a FilterSet to the query string; an invalid filter shows its error and lists nothing extra."""
    return filterset_class(request.GET or None, queryset=queryset, request=request)


def show_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: at its field when the form has it, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_messages in error.message_dict.items():
        # Services word their messages as whole sentences, so one about a field the form does not
        # show still reads well above the form.
        form.add_error(field if field in form.fields else None, field_messages)


def perform(request, action, success) -> bool:
    """Call a service: show its refusal (each ValidationError message) or the success message.

    `success` is a message, or a function of the service's result that returns one.
    """
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def filter_fields(filterset, names, widgets=None, labels=None):
    """The bound fields of a FilterSet's form to show in a page's filter bar, with page-friendly widgets
    (a select of names where the API takes an id) and labels."""
    form = filterset.form
    for name, label in (labels or {}).items():
        form.fields[name].label = label
    for name, widget in (widgets or {}).items():
        widget.choices = widget.choices or form.fields[name].choices
        form.fields[name].widget = widget
    return [form[name] for name in names]


def with_all(choices) -> list:
    """A filter's choices behind an empty "all" option."""
    return [("", _("全部")), *choices]


def search(queryset, text: str, *paths):
    """Rows where any of `paths` contains `text` (case-insensitive): the pages' one search box."""
    query = Q()
    for path in paths:
        query |= Q(**{f"{path}__icontains": text})
    return queryset.filter(query)


def drop_unwritable_fields(form, user) -> None:
    """Leave out of a model form the fields `user` may not set (decided in the model's scoping.py)."""
    writable = form._meta.model.objects.writable_fields(user)
    if writable is not None:
        for name in [name for name in form.fields if name not in writable]:
            del form.fields[name]
