"""Who sees and changes what in this app (SPEC 1, 4.5). The only place these rules live.

The bureau keeps units and tasks and reviews reports; agencies read everything. A department user
(责任单位) sees the tasks its unit leads or shares and every report on those tasks (a lead unit
follows its co-units), and changes only its own unit's reports. Anything else is absent (404).
"""

from django.db.models import Q

from portal.roles import Role, unit_id_of
from portal.scoping import EVERYTHING, NOTHING, ScopedQuerySet


def unit_task_ids(task_model, unit_id):
    """Ids of the tasks `unit_id` leads or shares, as a subquery (no join, so no duplicate rows)."""
    lead = task_model.lead_units.through.objects.filter(unit_id=unit_id).values("task_id")
    co = task_model.co_units.through.objects.filter(unit_id=unit_id).values("task_id")
    return lead.union(co)


class UnitQuerySet(ScopedQuerySet):
    """Reference data: everyone signed in reads the list, the bureau keeps it."""


class TaskQuerySet(ScopedQuerySet):
    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.DEPARTMENT:
            return Q(pk__in=unit_task_ids(self.model, unit_id_of(user)))
        return NOTHING


class TaskReportQuerySet(ScopedQuerySet):
    def _view_q(self, user, role):
        if role in (Role.BUREAU, Role.AGENCY):
            return EVERYTHING
        if role == Role.DEPARTMENT:
            task_model = self.model._meta.get_field("task").related_model
            return Q(task_id__in=unit_task_ids(task_model, unit_id_of(user)))
        return NOTHING

    def _change_q(self, user, role):
        # The unit files and resubmits its own; the bureau reviews every report.
        if role == Role.BUREAU:
            return EVERYTHING
        if role == Role.DEPARTMENT:
            task_model = self.model._meta.get_field("task").related_model
            return Q(unit_id=unit_id_of(user), task_id__in=unit_task_ids(task_model, unit_id_of(user)))
        return NOTHING
