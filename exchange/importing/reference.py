"""industries, clusters, majors, districts and priority_majors of a bundle: parse a row, check the file, write."""

from django.utils.translation import gettext as _

from reference import rules as reference_rules
from reference.models import District, Industry, IndustryCluster, Major, PriorityMajor

from ..cells import INVALID, Row
from .context import Context, Parsed, complete


def parse_industry(ctx: Context, row: Row) -> Parsed:
    values = {name: row.field(name, Industry) for name in ("code", "name", "parent_code")}
    if complete(values):
        ctx.clean(row, Industry, values)
    return Parsed(row.number, (values["code"],), values)


def check_industries(ctx: Context, table):
    for p in ctx.parsed["industries"]:
        if p.values["parent_code"]:
            ctx.ref(Row(ctx.log, table.label, p.number, {}), "parent_code", "industry", p.values["parent_code"])


def write_industries(ctx: Context):
    # Industry codes are the foreign keys themselves, so later files can refer to them already.
    ctx.sync("industries", Industry)
    ctx.ids["industry"].update({p.key[0]: p.key[0] for p in ctx.parsed["industries"]})


def parse_cluster(ctx: Context, row: Row) -> Parsed:
    values = {name: row.field(name, IndustryCluster) for name in ("code", "name")}
    values["industry_codes"] = row.list_field("industry_codes", IndustryCluster)
    values |= {name: row.field(name, IndustryCluster) for name in ("is_key", "order")}
    return Parsed(row.number, (values["code"],), values)


def check_clusters(ctx: Context, table):
    """Key clusters may not share an industry: checked on the clusters as they will be after the import."""
    parsed = ctx.parsed["clusters"]
    incoming = {p.key[0] for p in parsed}
    final = [(c.code, c.name, c.industry_codes) for c in ctx.existing["clusters"].values() if c.is_key]
    final = [c for c in final if c[0] not in incoming]
    for p in parsed:
        if not p.values["is_key"]:
            continue
        error = reference_rules.cluster_overlap_error(p.values["industry_codes"], final)
        if error:
            Row(ctx.log, table.label, p.number, {}).error("industry_codes", error)
        final.append((p.key[0], p.values["name"], p.values["industry_codes"]))


def parse_major(ctx: Context, row: Row) -> Parsed:
    values = {name: row.field(name, Major) for name in ("code", "name", "level")}
    values["industry_codes"] = row.list_field("industry_codes", Major)
    return Parsed(row.number, (values["code"],), values)


def parse_district(ctx: Context, row: Row) -> Parsed:
    values = {name: row.field(name, District) for name in ("code", "name", "order")}
    return Parsed(row.number, (values["name"],), values)


def check_districts(ctx: Context, table):
    """A code names one district: checked on the districts as they will be after the import."""
    incoming = {p.key[0] for p in ctx.parsed["districts"]}
    owner = {d.code: name for name, d in ctx.existing["districts"].items() if d.code and name not in incoming}
    for p in ctx.parsed["districts"]:
        code = p.values["code"]
        if code and owner.setdefault(code, p.key[0]) != p.key[0]:
            Row(ctx.log, table.label, p.number, {}).error(
                "code", _("区划代码「%(code)s」已用于区县「%(name)s」。") % {"code": code, "name": owner[code]}
            )


def district(ctx: Context, row: Row, name):
    """A college's or enterprise's district: with districts.csv one of those or the database's (SPEC 7);
    a bundle without it brings the names it uses."""
    if name is INVALID or name in ctx.ids["district"] or "districts" in ctx.tables:
        return ctx.ref(row, "district", "district", name)
    ctx.implied_districts.setdefault(name)
    return name


def imply_districts(ctx: Context):
    """The districts a bundle without districts.csv brings: after the bureau's, without a code."""
    start = max((d.order for d in ctx.existing["districts"].values()), default=0) + 1
    ctx.parsed["districts"] = [
        Parsed(0, (name,), {"code": "", "name": name, "order": start + i})
        for i, name in enumerate(ctx.implied_districts)
    ]


def parse_priority_major(ctx: Context, row: Row) -> Parsed:
    # Both references are by code (to_field), so the codes themselves are the values.
    major = ctx.ref(row, "major_code", "major")
    cluster = ctx.ref(row, "cluster_code", "cluster", optional=True)
    values = {name: row.field(name, PriorityMajor) for name in ("effective_from", "effective_to")}
    if complete(values):
        ctx.clean(row, PriorityMajor, values)
    return Parsed(row.number, (major, values["effective_from"]), {**values, "major_id": major, "cluster_id": cluster})
