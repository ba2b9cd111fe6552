"""Every write to majors, programs, their annual figures and order classes."""

from django.db import transaction
from django.utils.translation import gettext as _

from colleges.services import require_college_owner
from portal.services import require_bureau, save_validated

from .models import Major, OrderClass, Program, ProgramYear


def _save(instance, by):
    instance._history_user = by
    return save_validated(instance)


@transaction.atomic
def major_save(*, instance: Major, by) -> Major:
    """Create or update a major of the catalogue (bureau)."""
    require_bureau(by, _("只有教育局可以维护专业目录。"))
    return _save(instance, by)


@transaction.atomic
def program_save(*, instance: Program, by) -> Program:
    """Create or update a 专业点 of the college (its admin or the bureau)."""
    require_college_owner(by, instance.college_id)
    return _save(instance, by)


@transaction.atomic
def program_year_save(*, instance: ProgramYear, by) -> ProgramYear:
    """Create or update a program's annual figures (employed ≤ graduates, in-field and local ≤ employed)."""
    program = instance.program if instance.program_id else None
    require_college_owner(by, program.college_id if program else None)
    return _save(instance, by)


@transaction.atomic
def order_class_save(*, instance: OrderClass, by) -> OrderClass:
    """Create or update an order / named class of one of the college's programs."""
    program = instance.program if instance.program_id else None
    require_college_owner(by, program.college_id if program else None)
    return _save(instance, by)
