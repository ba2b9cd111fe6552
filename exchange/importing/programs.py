"""programs, program_years and order_classes of a bundle: parse a row."""

from programs.models import OrderClass, Program, ProgramYear

from ..cells import Row
from .context import Context, Parsed, complete


def parse_program(ctx: Context, row: Row) -> Parsed:
    college = ctx.ref(row, "college_code", "college")
    major = ctx.ref(row, "major_code", "major")
    values = {
        name: row.field(name, Program)
        for name in ("schooling", "established_on", "closed_on", "enrollment_status", "emerging")
    }
    if complete(values):
        ctx.clean(row, Program, values)
    return Parsed(
        row.number,
        (college, major, values["schooling"]),
        values,
        {"college_id": ("college", college), "major_id": ("major", major)},
    )


def parse_program_year(ctx: Context, row: Row) -> Parsed:
    """A cohort's figures; a cohort still in school has enrolled and admitted, and no graduates yet (SPEC 3)."""
    program = ctx.program_key(row)
    numbers = ("year", "enrolled", "admitted", "graduates", "employed", "employed_in_field", "employed_locally")
    values = {name: row.field(name, ProgramYear) for name in numbers}
    if complete(values):
        ctx.clean(row, ProgramYear, values)
    key = (*program, values["year"]) if row.ok else ()
    return Parsed(row.number, key, values, {"program_id": ("program", program)})


def parse_order_class(ctx: Context, row: Row) -> Parsed:
    program = ctx.program_key(row)
    enterprise = ctx.ref(row, "uscc", "enterprise")
    values = {name: row.field(name, OrderClass) for name in ("year", "name", "seats", "kind")}
    key = (*program, enterprise, values["year"], values["name"]) if row.ok else ()
    return Parsed(
        row.number, key, values, {"program_id": ("program", program), "enterprise_id": ("enterprise", enterprise)}
    )
