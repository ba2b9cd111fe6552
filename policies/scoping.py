"""Who sees and changes what in this app (SPEC 1). The only place these rules live."""

from django.db.models import Q

from portal.roles import Role, enterprise_id_of
from portal.scoping import EVERYTHING, NOTHING, ScopedQuerySet


class PolicyCardQuerySet(ScopedQuerySet):
    """Drafts are the bureau's; published and archived cards are public to every role."""

    def _view_q(self, user, role):
        if role == Role.BUREAU:
            return EVERYTHING
        return Q(status__in=["published", "archived"])


class _EnterpriseRows(ScopedQuerySet):
    def _view_q(self, user, role):
        if role == Role.BUREAU:
            return EVERYTHING
        if role == Role.ENTERPRISE:
            return Q(enterprise_id=enterprise_id_of(user))
        return NOTHING

    def _change_q(self, user, role):
        # The enterprise acknowledges / answers its own; the bureau manages all.
        return self._view_q(user, role)


class DeliveryQuerySet(_EnterpriseRows):
    pass


class FeedbackQuerySet(_EnterpriseRows):
    pass
