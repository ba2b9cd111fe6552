"""demand_items of a bundle: items synchronised by position within their list (see exchange.importer)."""

from collections import defaultdict

from django.utils.translation import gettext as _

from demand import rules as demand_rules
from demand.models import LIST_FIELDS, DemandItem, DemandItemEvent, DemandList, copy_list_fields_to_items

from ..cells import INVALID, Row
from .context import REASON, Context, Counts, Parsed, complete


def parse_demand_item(ctx: Context, row: Row) -> Parsed:
    enterprise = ctx.ref(row, "uscc", "enterprise")
    year = row.field("year", DemandList)
    quarter = row.integer("quarter") if row.cells["quarter"] else row.required("quarter")
    if quarter is not INVALID and not 1 <= quarter <= 4:
        quarter = row.error("quarter", _("季度应为 1–4，而不是 %(value)s。") % {"value": quarter})
    list_status = row.field("list_status", DemandList, "status")
    values = {
        name: row.field(name, DemandItem)
        for name in ("kind", "title", "headcount", "due_on", "status", "fulfilled_on", "fulfilled_headcount")
    }
    values["major_code"] = row.field("major_code", DemandItem)
    if values["major_code"] is not INVALID and demand_rules.is_major_code_shaped(values["major_code"]):
        ctx.ref(row, "major_code", "major")  # the catalogue rule, against the database and this bundle
    industry = ctx.ref(row, "industry_code", "industry", optional=True)
    if enterprise not in (None, INVALID):
        # demand.rules: the enterprise's industry by default, the requested headcount as delivered.
        known = ctx.enterprise_industry.get(enterprise) or ctx.new_enterprise_industry.get(enterprise)
        defaults = demand_rules.apply_item_defaults({"industry_id": industry, **values}, enterprise_industry_id=known)
        industry, values["fulfilled_headcount"] = defaults["industry_id"], defaults["fulfilled_headcount"]
    if complete(values):
        ctx.clean(row, DemandItem, values, {"industry": "industry_code"})
    return Parsed(
        row.number,
        (row.number,),  # items have no natural key: the position in their list identifies them
        values,
        {"industry_id": ("industry", industry)},
        {"list": (enterprise, year, quarter), "list_status": list_status},
    )


def check_demand_items(ctx: Context, table):
    """Every row of one list gives it the same status."""
    first = {}
    for p in ctx.parsed["demand_items"]:
        key, status = p.extra["list"], p.extra["list_status"]
        if key not in first:
            first[key] = (p.number, status)
        elif first[key][1] != status:
            uscc, year, quarter = key
            Row(ctx.log, table.label, p.number, {}).error(
                "list_status",
                _(
                    "同一清单（%(uscc)s %(year)s 年第 %(quarter)s 季度）的 list_status 必须一致："
                    "第 %(row)s 行为「%(status)s」。"
                )
                % {"uscc": uscc, "year": year, "quarter": quarter, "row": first[key][0], "status": first[key][1]},
            )


def write_demand_items(ctx: Context):
    by_list: dict[tuple, list[Parsed]] = defaultdict(list)
    for p in ctx.parsed["demand_items"]:
        uscc, year, quarter = p.extra["list"]
        by_list[(ctx.ids["enterprise"][uscc], year, quarter)].append(p)
    lists, old_list_ids = _sync_lists(ctx, by_list)
    # A list created just now has no items: only those of the lists that were there are read.
    items = defaultdict(list)
    for item in DemandItem.objects.filter(demand_list_id__in=old_list_ids).order_by("id"):
        items[item.demand_list_id].append(item)
    _sync_items(ctx, {lists[key]: (rows, items[lists[key].pk]) for key, rows in by_list.items()})


def _sync_lists(ctx: Context, by_list: dict) -> tuple[dict, list]:
    """Each list of the file, created or given its status: (lists by (enterprise id, year, quarter), old ids)."""
    years = {key[1] for key in by_list}
    lists = {(dl.enterprise_id, dl.year, dl.quarter): dl for dl in DemandList.objects.filter(year__in=years)}
    new_list = maker(DemandList)
    new_lists, changed_lists, old_list_ids = [], [], []
    for key, rows in by_list.items():
        status = rows[0].extra["list_status"]
        demand_list = lists.get(key)
        if demand_list is None:
            lists[key] = new_list({"enterprise_id": key[0], "year": key[1], "quarter": key[2], "status": status})
            new_lists.append(lists[key])
            continue
        old_list_ids.append(demand_list.pk)
        if demand_list.status != status:
            demand_list.status = status
            changed_lists.append(demand_list)
    ctx.create(DemandList, new_lists)
    ctx.update(DemandList, changed_lists, {"status"})
    copy_list_fields_to_items(changed_lists)
    return lists, old_list_ids


def _sync_items(ctx: Context, wanted: dict):
    """The n-th row of a list updates its n-th item; rows beyond its items are created, items beyond deleted."""
    counts = ctx.counts.setdefault("demand_items", Counts())
    new_item = maker(DemandItem)
    creates, updates, changed, deletes, events = [], [], set(), [], []
    for demand_list, (rows, have) in wanted.items():
        # What DemandItem.copy_list_fields() takes from the list, worked out once for all its new items.
        copies = {name: getattr(demand_list, source) for name, source in LIST_FIELDS.items()}
        copies["demand_list_id"] = demand_list.pk
        for position, p in enumerate(rows):
            values = ctx.resolve(p)
            if position >= len(have):
                creates.append(new_item(values | copies))
                continue
            item = have[position]
            diff = [attname for attname, value in values.items() if getattr(item, attname) != value]
            if not diff:
                counts.unchanged += 1
                continue
            if "status" in diff:
                events.append(DemandItemEvent(item=item, from_status=item.status, to_status=values["status"]))
            for attname in diff:
                setattr(item, attname, values[attname])
            updates.append(item)
            changed.update(diff)
        deletes.extend(item.pk for item in have[len(rows) :])
    if deletes:
        DemandItem.objects.filter(pk__in=deletes).delete()
    ctx.create(DemandItem, creates)
    ctx.update(DemandItem, updates, changed)
    events += [demand_rules.creation_event(item, by=ctx.user) for item in creates]
    for event in events:
        event.by, event.note = ctx.user, REASON
    ctx.create(DemandItemEvent, events)
    counts.created, counts.updated, counts.deleted = len(creates), len(updates), len(deletes)


def maker(model):
    """`model(**values)` for many rows at about half the cost: the values (by attname; a missing one gets
    its default, as with keywords) go in positionally, in field order, as when Django loads rows."""
    fields = model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    called = [f for f in fields if f.has_default() and callable(f.default)]  # a fresh value per row
    fixed = {f.attname: f.get_default() for f in fields if f not in called}

    def make(values: dict):
        row = fixed | values
        for f in called:
            if f.attname not in values:
                row[f.attname] = f.get_default()
        return model(*map(row.__getitem__, attnames))

    return make
