"""enterprises and colleges of a bundle: parse a row, check the file."""

from colleges.models import College
from enterprises import rules as enterprise_rules
from enterprises.models import Enterprise

from ..cells import Row
from .context import Context, Parsed
from .reference import district


def parse_enterprise(ctx: Context, row: Row) -> Parsed:
    values = {
        name: row.field(name, Enterprise) for name in ("uscc", "name", "district", "scale", "integration_certified_on")
    }
    tags = row.items("tags")
    error = enterprise_rules.unknown_tags_error(tags)
    if error:
        row.error("tags", error)
    values["tags"] = tags
    district(ctx, row, values["district"])
    industry = ctx.ref(row, "industry_code", "industry")
    return Parsed(row.number, (values["uscc"],), values, {"industry_id": ("industry", industry)})


def check_enterprises(ctx: Context, table):
    # Demand items of the same bundle default to these industries.
    ctx.new_enterprise_industry = {p.key[0]: p.refs["industry_id"][1] for p in ctx.parsed["enterprises"]}


def parse_college(ctx: Context, row: Row) -> Parsed:
    values = {name: row.field(name, College) for name in ("code", "name", "kind", "district")}
    district(ctx, row, values["district"])
    return Parsed(row.number, (values["code"],), values)
