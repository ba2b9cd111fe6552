"""Who sees and changes demand lists, items, assignments, fulfilment proposals and claims (SPEC 1).
The only place these rules live.

A college sees the items assigned to it (their enterprise named, as it works with them) and, apart
from those, only what an item open for claims (公开揭榜) shows in `CLAIMABLE_FIELDS`: no enterprise
name, list or other item. Its own proposals and claims are its own; the bureau sees and decides all.
"""

from django.db.models import Exists, OuterRef, Q

from portal.roles import Role, college_id_of, enterprise_id_of, role_of
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
        Role.ENTERPRISE: frozenset(
            {"demand_list", "kind", "title", "industry", "major_code", "headcount", "due_on", "claims_open"}
        )
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

    def claimable(self, user):
        """The items open for claims that `user` may see and claim: colleges and the bureau; nobody else."""
        if role_of(user) not in (Role.BUREAU, Role.COLLEGE):
            return self.none()
        return self.open_for_claims()

    def open_for_claims(self):
        """Open for claims, unfinished, in a submitted or accepted list and not yet assigned to any college
        (an approved claim or the bureau's own assignment takes the item off the list)."""
        from .choices import COUNTED_LIST_STATUSES, UNFINISHED_ITEM_STATUSES
        from .models import DemandAssignment

        return self.filter(
            ~Exists(DemandAssignment.objects.filter(item_id=OuterRef("pk"))),
            claims_open=True,
            status__in=UNFINISHED_ITEM_STATUSES,
            list_status__in=COUNTED_LIST_STATUSES,
        )


# What a college reads of an item open for claims: not the enterprise, its lists or its other items.
CLAIMABLE_FIELDS = ("pk", "title", "kind", "industry__name", "headcount", "due_on", "demand_list__enterprise__district")


class _CollegeOwnQuerySet(ScopedQuerySet):
    """Rows a college files about an item (proposals, claims): the bureau sees and decides all, a college its own."""

    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.COLLEGE:
            return Q(college_id=college_id_of(user))
        return NOTHING

    def _change_q(self, user, role):
        return EVERYTHING if role == Role.BUREAU else NOTHING


class FulfilmentProposalQuerySet(_CollegeOwnQuerySet):
    pass


class DemandClaimQuerySet(_CollegeOwnQuerySet):
    pass


class DemandAssignmentQuerySet(ScopedQuerySet):
    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.COLLEGE:
            return Q(college_id=college_id_of(user))
        if role == Role.ENTERPRISE:
            return Q(item__demand_list__enterprise_id=enterprise_id_of(user))
        return NOTHING
