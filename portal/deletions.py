"""The deletions feed (issue 16): every deleted row of an API resource leaves a `Deletion`.

A post_delete receiver is connected for the model of every resource on the /api/v1/ router, so
services, the import, the admin and cascades all leave one without knowing of it. Rows deleted
in bulk without signals (`delete_rows`) record theirs set-based. Not tracked: the supply–demand
tables, whose rows leave the resource when a newer run of their period succeeds (a mirror
replaces a period's rows when it sees newer ones), and resources without rows of their own.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.utils import timezone

from .models import Deletion

UNTRACKED = frozenset({"supply-demand", "supply-demand-majors", "deletions"})

_resource_of: dict[type, str] = {}


def track(router) -> None:
    """Record deletions of every model the router's resources list (called once, from PortalConfig.ready)."""
    for prefix, viewset, _basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        if queryset is None or prefix in UNTRACKED:
            continue
        _resource_of[queryset.model] = prefix
        post_delete.connect(_record, sender=queryset.model, dispatch_uid=f"deletions:{prefix}")


def resources() -> list[str]:
    """The resource names whose deletions the feed reports."""
    return sorted(_resource_of.values())


def _record(sender, instance, **kwargs):
    Deletion.objects.create(resource=_resource_of[sender], object_id=instance.pk)


@transaction.atomic
def delete_rows(queryset) -> int:
    """Delete the rows of `queryset` with one DELETE and one INSERT of their deletions, no signals.

    For big sets of rows that nothing references and that keep no history (a period's ~10 000
    snapshots on a rerun), where Django would otherwise load them to send post_delete one by one.
    """
    resource = _resource_of.get(queryset.model)
    if resource is not None:
        now = timezone.now()
        Deletion.objects.bulk_create(
            [Deletion(resource=resource, object_id=pk, deleted_at=now) for pk in queryset.values_list("pk", flat=True)],
            batch_size=5000,
        )
    return queryset._raw_delete(queryset.db)
