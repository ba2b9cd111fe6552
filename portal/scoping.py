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
