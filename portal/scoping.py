"""The one mechanism every app uses to answer "which rows may this user see or change".

Each app's scoping.py subclasses ScopedQuerySet per model and implements
`_view_q` / `_change_q`; models use it as their manager. Pages, API, exports and
imports all call `Model.objects.restrict(user, action)`, so denied rows are simply
absent (a 404), never a 403 that confirms they exist.
"""

from django.db import models

from .roles import Action, Role, role_of

NOTHING = models.Q(pk__in=[])
EVERYTHING = models.Q()


class ScopedQuerySet(models.QuerySet):
    # Field-level write rules: role → the only fields that role may set on the rows it may change.
    # A role not named here may set every field of those rows. Services enforce it (portal.services.save_as),
    # page forms leave the other fields out, the API answers 400 naming the field.
    writable_by_role: dict[str, frozenset[str]] = {}

    def writable_fields(self, user) -> frozenset[str] | None:
        """The fields `user` may set, or None for all of them."""
        return self.writable_by_role.get(role_of(user))

    def restrict(self, user, action: str = Action.VIEW):
        role = role_of(user)
        if role is None:
            return self.none()
        q = self._view_q(user, role) if action == Action.VIEW else self._change_q(user, role)
        if q is NOTHING:
            return self.none()
        return self.filter(q)

    # Defaults: reference data. Everyone signed in reads it, only the bureau writes it.
    def _view_q(self, user, role):
        return EVERYTHING

    def _change_q(self, user, role):
        return EVERYTHING if role == Role.BUREAU else NOTHING
