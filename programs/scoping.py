"""Who sees and changes what in this app (SPEC 1). The only place these rules live."""

from django.db.models import Q

from portal.roles import Role, college_id_of, enterprise_id_of
from portal.scoping import EVERYTHING, NOTHING, ScopedQuerySet


class _CollegeRows(ScopedQuerySet):
    college_path = "college_id"

    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.COLLEGE:
            return Q(**{self.college_path: college_id_of(user)})
        return NOTHING

    def _change_q(self, user, role):
        if role == Role.BUREAU:
            return EVERYTHING
        if role == Role.COLLEGE:
            return Q(**{self.college_path: college_id_of(user)})
        return NOTHING


class ProgramQuerySet(_CollegeRows):
    """Programs belong to their college. (Enterprises see suggested programs through their own items.)
    限制招生/停招 (enrollment_status) is the bureau's decision (SPEC 4.4): a college cannot set or undo it."""

    writable_by_role = {
        Role.COLLEGE: frozenset({"college", "major", "schooling", "established_on", "closed_on", "emerging"})
    }

    def active_on(self, day):
        """Programs active on a day (SPEC 3): established_on ≤ D and (closed_on empty or > D)."""
        return self.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day), established_on__lte=day)


class ProgramYearQuerySet(_CollegeRows):
    college_path = "program__college_id"


class OrderClassQuerySet(_CollegeRows):
    """The partner enterprise reads its own order classes."""

    college_path = "program__college_id"

    def _view_q(self, user, role):
        if role == Role.ENTERPRISE:
            return Q(enterprise_id=enterprise_id_of(user))
        return super()._view_q(user, role)
