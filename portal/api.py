"""The base viewset of every resource.

Every domain viewset subclasses ScopedModelViewSet, which reads its queryset through
`Model.objects.restrict(user, action)`: another enterprise's or college's row is a 404.
"""

from rest_framework import permissions, viewsets

from .roles import Action


class ScopedModelViewSet(viewsets.ModelViewSet):
    """Base of every resource: the queryset is always restricted to what the user may see or change."""

    model = None

    def get_base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        action = Action.VIEW if self.request.method in permissions.SAFE_METHODS else Action.CHANGE
        return self.get_base_queryset().restrict(self.request.user, action)
