"""Who sees and changes what in this app (SPEC 1). The only place these rules live."""

from django.db.models import Q

from portal.roles import Role, college_id_of, enterprise_id_of
from portal.scoping import EVERYTHING, NOTHING, ScopedQuerySet


class CollegeQuerySet(ScopedQuerySet):
    """The college directory is public; a college admin edits only their own college, and only its name:
    the code is the natural key of bundles and snapshots, kind and district are the bureau's register."""

    writable_by_role = {Role.COLLEGE: frozenset({"name"})}

    def _change_q(self, user, role):
        if role == Role.BUREAU:
            return EVERYTHING
        if role == Role.COLLEGE:
            return Q(pk=college_id_of(user))
        return NOTHING


class CollegeOwnedQuerySet(ScopedQuerySet):
    """Rows owned by a college: industry colleges, projects, training sessions.

    The enterprise named on a row reads it (its own cooperation), never writes it.
    """

    college_path = "college_id"
    enterprise_path = "enterprise_id"

    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.COLLEGE:
            return Q(**{self.college_path: college_id_of(user)})
        if role == Role.ENTERPRISE and self.enterprise_path:
            return Q(**{self.enterprise_path: enterprise_id_of(user)})
        return NOTHING

    def _change_q(self, user, role):
        if role == Role.BUREAU:
            return EVERYTHING
        if role == Role.COLLEGE:
            return Q(**{self.college_path: college_id_of(user)})
        return NOTHING


class IndustryCollegeQuerySet(CollegeOwnedQuerySet):
    """A partner enterprise reads the industry colleges it takes part in."""

    def _view_q(self, user, role):
        if role == Role.ENTERPRISE:
            from .models import IndustryCollegePartner

            # A subquery, not a join, so a row is never repeated.
            partner_of = IndustryCollegePartner.objects.filter(enterprise_id=enterprise_id_of(user))
            return Q(pk__in=partner_of.values("industry_college_id"))
        return super()._view_q(user, role)


class TrainingBaseQuerySet(CollegeOwnedQuerySet):
    """Bases are kept by their college and the bureau (a base of an enterprise alone, by the bureau);
    the enterprise named on a base reads it. Pages and API alike."""
