"""Who sees and changes what in this app. The only place these rules live."""

from portal.roles import Role
from portal.scoping import EVERYTHING, NOTHING, ScopedQuerySet


class ImportJobQuerySet(ScopedQuerySet):
    """Bulk import is the bureau's (SPEC 7): only the bureau sees and confirms import jobs."""

    def _view_q(self, user, role):
        return EVERYTHING if role == Role.BUREAU else NOTHING

    def _change_q(self, user, role):
        return EVERYTHING if role == Role.BUREAU else NOTHING
