"""Who sees and changes what in this app (SPEC 1). The only place these rules live."""

from django.db.models import Q

from portal.roles import Role, college_id_of
from portal.scoping import EVERYTHING, NOTHING, ScopedQuerySet


def _scope_figures_q(user, role):
    """City figures are for everyone; a college admin also sees its own college's; bureau and agency all."""
    if role in (Role.BUREAU, Role.AGENCY):
        return EVERYTHING
    if role == Role.COLLEGE:
        from colleges.models import College

        code = College.objects.filter(pk=college_id_of(user)).values("code")
        return Q(scope_type="city") | Q(scope_type="college", scope_id__in=code)
    return Q(scope_type="city")


class SnapshotQuerySet(ScopedQuerySet):
    """City figures are for everyone; a college admin also sees its own college; snapshots are written by runs only."""

    def _view_q(self, user, role):
        return _scope_figures_q(user, role)

    def _change_q(self, user, role):
        return NOTHING


class TargetQuerySet(ScopedQuerySet):
    """Targets are public commitments, set by the bureau."""


class MetricRunQuerySet(ScopedQuerySet):
    def _view_q(self, user, role):
        return EVERYTHING if role in (Role.BUREAU, Role.AGENCY) else NOTHING


class ReviewRuleQuerySet(ScopedQuerySet):
    """Review rules are public (SPEC 4.4): everyone signed in reads them, the bureau keeps them."""


class AlertQuerySet(ScopedQuerySet):
    """The bureau and agencies see every alert, a college its own programs'. Nobody changes an alert
    through generic writes: the college answers and the bureau decides through metrics.review."""

    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.COLLEGE:
            return Q(program__college_id=college_id_of(user))
        return NOTHING


class ScenarioQuerySet(ScopedQuerySet):
    """What-if scenarios are the bureau's planning work: the bureau keeps them, agencies and department
    users (who read in pages what agencies read) read them."""

    def _view_q(self, user, role):
        return EVERYTHING if role in (Role.BUREAU, Role.AGENCY, Role.DEPARTMENT) else NOTHING


class SupplyDemandRowQuerySet(ScopedQuerySet):
    """Supply–demand lines (SPEC 4.2) follow the snapshots: the bureau and agencies read every scope;
    a college admin reads the city's lines and its own college's; an enterprise clerk the city's.
    District lines stay with the bureau and agencies, like district snapshots: a district's headcounts
    name no one, but they are the bureau's working figures, not published to colleges and enterprises.
    Written by runs only."""

    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.COLLEGE:
            from colleges.models import College

            code = College.objects.filter(pk=college_id_of(user)).values("code")
            return Q(scope_type="city") | Q(scope_type="college", scope_id__in=code)
        return Q(scope_type="city")

    def _change_q(self, user, role):
        return NOTHING


class SupplyDemandMajorRowQuerySet(ScopedQuerySet):
    """The by-major table is city-wide (SPEC 4.2): every signed-in role reads it; runs write it."""

    def _change_q(self, user, role):
        return NOTHING
