"""Every write to majors, programs, their annual figures and order classes."""

from django.db import transaction

from colleges.services import require_college_owner
from portal.services import save_as

from .models import OrderClass, Program, ProgramYear


@transaction.atomic
def program_save(*, instance: Program, by) -> Program:
    """Create or update a 专业点 of the college (its admin or the bureau)."""
    require_college_owner(by, instance.college_id)
    return save_as(instance, by)


@transaction.atomic
def program_year_save(*, instance: ProgramYear, by) -> ProgramYear:
    """Create or update a program's annual figures (employed ≤ graduates, in-field and local ≤ employed)."""
    program = instance.program if instance.program_id else None
    require_college_owner(by, program.college_id if program else None)
    return save_as(instance, by)


@transaction.atomic
def order_class_save(*, instance: OrderClass, by) -> OrderClass:
    """Create or update an order / named class of one of the college's programs."""
    program = instance.program if instance.program_id else None
    require_college_owner(by, program.college_id if program else None)
    return save_as(instance, by)
