"""Who sees and changes what in this app (SPEC 1). The only place these rules live."""

from django.db.models import Q

from portal.roles import Role, college_id_of, enterprise_id_of
from portal.scoping import EVERYTHING, NOTHING, ScopedQuerySet


class ReferenceQuerySet(ScopedQuerySet):
    """Industries and clusters: read by every signed-in user, written by the bureau."""


class EnterpriseQuerySet(ScopedQuerySet):
    # The enterprise directory (name, USCC, industry, district) is public registry data that
    # colleges need to name partners; an enterprise clerk sees only their own enterprise.
    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY, Role.COLLEGE):
            return EVERYTHING
        return Q(pk=enterprise_id_of(user))

    def _change_q(self, user, role):
        if role == Role.BUREAU:
            return EVERYTHING
        if role == Role.ENTERPRISE:
            return Q(pk=enterprise_id_of(user))
        return NOTHING


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
    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.ENTERPRISE:
            return Q(demand_list__enterprise_id=enterprise_id_of(user))
        if role == Role.COLLEGE:
            # A college sees the items the bureau assigned to it (colleges.DemandAssignment).
            return Q(pk__in=_assigned_item_ids(college_id_of(user)))
        return NOTHING

    def _change_q(self, user, role):
        if role == Role.BUREAU:
            return EVERYTHING
        if role == Role.ENTERPRISE:
            return Q(demand_list__enterprise_id=enterprise_id_of(user))
        return NOTHING


def _assigned_item_ids(college_id):
    from django.apps import apps

    # Looked up by name: assignments live a floor above, in colleges.
    assignment = apps.get_model("colleges", "DemandAssignment")
    return assignment.objects.filter(college_id=college_id).values("item_id")
