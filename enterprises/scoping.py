"""Who sees and changes what in this app (SPEC 1). The only place these rules live."""

from django.db.models import Q

from portal.roles import Role, enterprise_id_of
from portal.scoping import EVERYTHING, NOTHING, ScopedQuerySet


class EnterpriseQuerySet(ScopedQuerySet):
    # The enterprise directory (name, USCC, industry, district) is public registry data that
    # colleges need to name partners; an enterprise clerk sees only their own enterprise.
    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY, Role.COLLEGE):
            return EVERYTHING
        return Q(pk=enterprise_id_of(user))

    # A clerk keeps the profile; identity (USCC) and the 产教融合型企业 certification are the bureau's.
    writable_by_role = {Role.ENTERPRISE: frozenset({"name", "industry", "district", "scale", "tags"})}

    def _change_q(self, user, role):
        if role == Role.BUREAU:
            return EVERYTHING
        if role == Role.ENTERPRISE:
            return Q(pk=enterprise_id_of(user))
        return NOTHING
