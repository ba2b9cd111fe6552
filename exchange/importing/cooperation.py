"""industry_colleges, training_bases, cooperation_projects and training_sessions of a bundle."""

from collections import defaultdict

from colleges import rules as college_rules
from colleges.models import CooperationProject, IndustryCollege, IndustryCollegePartner, TrainingBase, TrainingSession

from ..cells import Row
from .context import Context, Parsed, complete


def parse_industry_college(ctx: Context, row: Row) -> Parsed:
    values = {name: row.field(name, IndustryCollege) for name in ("code", "name", "established_on")}
    college = ctx.ref(row, "college_code", "college")
    cluster = ctx.ref(row, "cluster_code", "cluster")
    partners = row.items("partner_usccs")
    leaders = row.items("chain_leader_usccs")
    for column, usccs in (("partner_usccs", partners), ("chain_leader_usccs", leaders)):
        for uscc in usccs:
            ctx.ref(row, column, "enterprise", uscc)
    return Parsed(
        row.number,
        (values["code"],),
        values,
        {"college_id": ("college", college), "cluster_id": ("cluster", cluster)},
        {"partners": college_rules.partner_flags(partners, leaders)},
    )


def write_industry_colleges(ctx: Context):
    """The colleges by code, and their partners as the file lists them (a changed partner set is an update)."""
    existing = ctx.existing["industry_colleges"]
    rows = {p.key[0]: p.extra["partners"] for p in ctx.parsed["industry_colleges"]}
    current = defaultdict(dict)
    ids = [existing[code].pk for code in rows if code in existing]
    for partner in IndustryCollegePartner.objects.filter(industry_college_id__in=ids):
        current[partner.industry_college_id][partner.enterprise_id] = partner
    creates, updates, deletes, touched = [], [], [], set()
    for code, wanted in rows.items():
        if code not in existing:
            continue
        college_id, have = existing[code].pk, current[existing[code].pk]
        wanted_ids = {ctx.ids["enterprise"][uscc]: leader for uscc, leader in wanted.items()}
        for enterprise_id, partner in have.items():
            if enterprise_id not in wanted_ids:
                deletes.append(partner.pk)
                touched.add(code)
            elif partner.is_chain_leader != wanted_ids[enterprise_id]:
                partner.is_chain_leader = wanted_ids[enterprise_id]
                updates.append(partner)
                touched.add(code)
        new = [_partner(college_id, e, leader) for e, leader in wanted_ids.items() if e not in have]
        if new:
            creates += new
            touched.add(code)
    for code, obj in ctx.sync("industry_colleges", IndustryCollege, touched=touched):
        creates += [_partner(obj.pk, ctx.ids["enterprise"][uscc], leader) for uscc, leader in rows[code].items()]
    IndustryCollegePartner.objects.filter(pk__in=deletes).delete()
    ctx.update(IndustryCollegePartner, updates, {"is_chain_leader"})
    ctx.create(IndustryCollegePartner, creates)


def _partner(industry_college_id: int, enterprise_id: int, leader: bool) -> IndustryCollegePartner:
    return IndustryCollegePartner(
        industry_college_id=industry_college_id, enterprise_id=enterprise_id, is_chain_leader=leader
    )


def parse_training_base(ctx: Context, row: Row) -> Parsed:
    values = {
        name: row.field(name, TrainingBase)
        for name in ("code", "name", "kind", "certified", "established_on", "closed_on")
    }
    college = ctx.ref(row, "college_code", "college", optional=True)
    enterprise = ctx.ref(row, "uscc", "enterprise", optional=True)
    if complete(values):
        # clean() asks only whether an owner is set, so a placeholder id stands in for a bundle row.
        owners = {"college_id": college and -1, "enterprise_id": enterprise and -1}
        ctx.clean(row, TrainingBase, {**values, **owners}, {"college": "college_code", "enterprise": "uscc"})
    return Parsed(
        row.number,
        (values["code"],),
        values,
        {"college_id": ("college", college), "enterprise_id": ("enterprise", enterprise)},
    )


def parse_cooperation_project(ctx: Context, row: Row) -> Parsed:
    values = {name: row.field(name, CooperationProject) for name in ("code", "name", "started_on", "ended_on")}
    college = ctx.ref(row, "college_code", "college")
    enterprise = ctx.ref(row, "uscc", "enterprise")
    if complete(values):
        ctx.clean(row, CooperationProject, values)
    return Parsed(
        row.number,
        (values["code"],),
        values,
        {"college_id": ("college", college), "enterprise_id": ("enterprise", enterprise)},
    )


def parse_training_session(ctx: Context, row: Row) -> Parsed:
    college = ctx.ref(row, "college_code", "college")
    enterprise = ctx.ref(row, "uscc", "enterprise")
    values = {name: row.field(name, TrainingSession) for name in ("title", "held_on", "trainees")}
    key = (college, enterprise, values["title"], values["held_on"])
    return Parsed(
        row.number, key, values, {"college_id": ("college", college), "enterprise_id": ("enterprise", enterprise)}
    )
