"""Who sees and changes demand lists, items and assignments (SPEC 1). The only place these rules live."""

from django.db.models import Q

from portal.roles import Role, college_id_of, enterprise_id_of
from portal.scoping import EVERYTHING, NOTHING, ScopedQuerySet


class DemandListQuerySet(ScopedQuerySet):
    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.ENTERPRISE:
            return Q(enterprise_id=enterprise_id_of(user))
        return NOTHING

    def _change_q(self, user, role):
        if role == Role.BUREAU:
            return EVERYTHING
        if role == Role.ENTERPRISE:
            return Q(enterprise_id=enterprise_id_of(user))
        return NOTHING


class DemandItemQuerySet(ScopedQuerySet):
    # An enterprise writes the content of its items; their status moves only by the bureau's review.
    writable_by_role = {
        Role.ENTERPRISE: frozenset({"demand_list", "kind", "title", "industry", "major_code", "headcount", "due_on"})
    }

    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.ENTERPRISE:
            return Q(demand_list__enterprise_id=enterprise_id_of(user))
        if role == Role.COLLEGE:
            # A college sees the items the bureau assigned to it; a subquery so no item repeats.
            from .models import DemandAssignment

            return Q(pk__in=DemandAssignment.objects.filter(college_id=college_id_of(user)).values("item_id"))
        return NOTHING

    def _change_q(self, user, role):
        if role == Role.BUREAU:
            return EVERYTHING
        if role == Role.ENTERPRISE:
            return Q(demand_list__enterprise_id=enterprise_id_of(user))
        return NOTHING


class DemandAssignmentQuerySet(ScopedQuerySet):
    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.COLLEGE:
            return Q(college_id=college_id_of(user))
        if role == Role.ENTERPRISE:
            return Q(item__demand_list__enterprise_id=enterprise_id_of(user))
        return NOTHING
