"""Every write to demand lists, their items and the items' assignment to colleges.

Callers (pages, API, import, commands) pass objects they got through
`Model.objects.restrict(user, "change")`; these services check the rules about *state*
(a submitted list is read-only to its enterprise, fulfilled items are final, …) and
raise ValidationError with Chinese messages keyed by field, or PermissionDenied for an
action only the bureau may take. `by=None` is the system (import, commands, tasks).
The per-row checks and defaults that bulk paths share live in rules.py.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from colleges.models import College
from enterprises.models import Enterprise
from portal.services import acts_as_bureau, refuse_unwritable, require_bureau, save_as, set_fields

from . import rules
from .choices import COUNTED_LIST_STATUSES, ITEM_TRANSITIONS, LIST_TRANSITIONS, ItemStatus, ListStatus
from .models import DemandAssignment, DemandItem, DemandItemEvent, DemandList

ITEM_FIELDS = {"kind", "title", "industry", "industry_id", "major_code", "headcount", "due_on"}
# Import and the demo city load items with their current state (bureau/system only).
ITEM_STATE_FIELDS = {"status", "fulfilled_on", "fulfilled_headcount"}


# ---- demand lists ------------------------------------------------------------------------


def _lock_list(demand_list: DemandList) -> DemandList:
    """Re-read the list under a row lock: reviews and item writes of one list serialise on it, so an
    item is never added to a list being submitted, and its copies of the list's fields are current."""
    return DemandList.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=demand_list.pk)


def _move_list(demand_list: DemandList, locked: DemandList, to_status: str, by, **changes) -> DemandList:
    if to_status not in LIST_TRANSITIONS[ListStatus(locked.status)]:
        raise ValidationError(
            {
                "status": _("清单当前为「%(now)s」，不能变为「%(to)s」。")
                % {"now": locked.get_status_display(), "to": ListStatus(to_status).label}
            }
        )
    locked.status = to_status
    for name, value in changes.items():
        setattr(locked, name, value)
    save_as(locked, by)
    # The caller's object reflects the new state too.
    demand_list.refresh_from_db()
    return demand_list


@transaction.atomic
def demand_list_get_or_create(*, enterprise: Enterprise, year: int, quarter: int, by) -> DemandList:
    """The enterprise's list for (year, quarter), created as a draft if there is none yet."""
    existing = DemandList.objects.filter(enterprise=enterprise, year=year, quarter=quarter).first()
    if existing is not None:
        return existing
    demand_list = DemandList(enterprise=enterprise, year=year, quarter=quarter)
    demand_list.full_clean()
    demand_list._history_user = by
    try:
        with transaction.atomic():
            demand_list.save()
    except IntegrityError:
        # A concurrent request created the same list first (unique constraint): use that one.
        return DemandList.objects.get(enterprise=enterprise, year=year, quarter=quarter)
    return demand_list


@transaction.atomic
def demand_list_submit(*, demand_list: DemandList, by) -> DemandList:
    """draft | returned → submitted; a list needs at least one item."""
    locked = _lock_list(demand_list)
    if locked.status in (ListStatus.DRAFT, ListStatus.RETURNED) and not locked.items.exists():
        raise ValidationError({"items": _("清单「%(list)s」还没有需求事项，不能提交。") % {"list": locked}})
    return _move_list(demand_list, locked, ListStatus.SUBMITTED, by, submitted_at=timezone.now(), return_reason="")


@transaction.atomic
def demand_list_accept(*, demand_list: DemandList, by) -> DemandList:
    """submitted → accepted (bureau)."""
    require_bureau(by, _("只有教育局可以受理需求清单。"))
    locked = _lock_list(demand_list)
    return _move_list(
        demand_list, locked, ListStatus.ACCEPTED, by, reviewed_at=timezone.now(), reviewed_by=by, return_reason=""
    )


@transaction.atomic
def demand_list_return(*, demand_list: DemandList, by, reason: str) -> DemandList:
    """submitted → returned with a reason (bureau); the enterprise may edit and resubmit it."""
    require_bureau(by, _("只有教育局可以退回需求清单。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"return_reason": _("退回清单必须填写退回原因。")})
    locked = _lock_list(demand_list)
    return _move_list(
        demand_list, locked, ListStatus.RETURNED, by, reviewed_at=timezone.now(), reviewed_by=by, return_reason=reason
    )


# ---- demand items ------------------------------------------------------------------------


def _check_enterprise_may_edit(demand_list: DemandList, by) -> None:
    """A submitted or accepted list is read-only to the enterprise; the bureau may still manage it."""
    if not acts_as_bureau(by) and not demand_list.is_editable_by_enterprise:
        raise ValidationError(
            {
                "demand_list": _("清单「%(list)s」%(status)s，企业不能再修改；如需修改请联系教育局退回。")
                % {"list": demand_list, "status": demand_list.get_status_display()}
            }
        )


def _record(item: DemandItem, from_status: str, by, note: str = "", college=None) -> DemandItemEvent:
    return DemandItemEvent.objects.create(
        item=item, from_status=from_status, to_status=item.status, by=by, note=note, college=college
    )


@transaction.atomic
def demand_item_create(*, demand_list: DemandList, by, **fields) -> DemandItem:
    """Add an item to a list; the industry defaults to the enterprise's. Records the creation event."""
    locked = _lock_list(demand_list)
    _check_enterprise_may_edit(locked, by)
    item = DemandItem(demand_list=locked)
    set_fields(item, fields, ITEM_FIELDS | ITEM_STATE_FIELDS)
    refuse_unwritable(item, by)  # what the caller asked for, before the defaults fill anything in
    defaults = rules.apply_item_defaults(
        {name: getattr(item, name) for name in ("industry_id", "status", "headcount", "fulfilled_headcount")},
        enterprise_industry_id=locked.enterprise.industry_id,
    )
    for name, value in defaults.items():
        setattr(item, name, value)
    rules.check_major_code(item.major_code)
    rules.check_due_on(item.due_on, by_bureau=acts_as_bureau(by))
    save_as(item, by)
    rules.creation_event(item, by=by).save()
    return item


@transaction.atomic
def demand_item_update(*, item: DemandItem, by, **fields) -> DemandItem:
    """Change an item's content (not its status: see demand_item_transition / demand_item_fulfil)."""
    item.demand_list = _lock_list(item.demand_list)
    _check_enterprise_may_edit(item.demand_list, by)
    due_on = item.due_on
    set_fields(item, fields, ITEM_FIELDS)
    rules.check_major_code(item.major_code)
    if item.due_on != due_on:
        rules.check_due_on(item.due_on, by_bureau=acts_as_bureau(by))
    return save_as(item, by)


@transaction.atomic
def demand_item_delete(*, item: DemandItem, by) -> None:
    """Remove an item (the enterprise only while its list is draft or returned)."""
    item.demand_list = _lock_list(item.demand_list)
    _check_enterprise_may_edit(item.demand_list, by)
    item._history_user = by
    item.delete()


def _lock_item(item: DemandItem) -> DemandItem:
    # The row lock serialises concurrent transitions; the status is re-read inside it,
    # so the loser of a race sees the winner's status, never a stale one.
    return DemandItem.objects.select_for_update().select_related("demand_list").get(pk=item.pk)


def _move_item(
    item: DemandItem, locked: DemandItem, to_status: str, by, note: str, college=None, **changes
) -> DemandItem:
    if locked.demand_list.status not in COUNTED_LIST_STATUSES:
        raise ValidationError(
            {"status": _("清单「%(list)s」尚未提交，不能变更需求状态。") % {"list": locked.demand_list}}
        )
    if to_status not in ItemStatus.values:
        raise ValidationError({"status": _("未知的需求状态：%(to)s") % {"to": to_status}})
    if locked.status == ItemStatus.FULFILLED and to_status == ItemStatus.FULFILLED:
        raise ValidationError({"status": _("需求「%(item)s」已销号，不能重复销号。") % {"item": locked}})
    if to_status not in ITEM_TRANSITIONS[ItemStatus(locked.status)]:
        raise ValidationError(
            {
                "status": _("需求当前为「%(now)s」，不能变为「%(to)s」。")
                % {"now": locked.get_status_display(), "to": ItemStatus(to_status).label}
            }
        )
    from_status = locked.status
    locked.status = to_status
    for name, value in changes.items():
        setattr(locked, name, value)
    save_as(locked, by)
    _record(locked, from_status, by, note, college)
    item.refresh_from_db()
    return item


@transaction.atomic
def demand_item_transition(*, item: DemandItem, to_status: str, by, note: str = "", college=None) -> DemandItem:
    """Move an item along ITEM_TRANSITIONS (bureau) and record who, when, from and to (and the college an
    assignment named, whose note other colleges do not see).

    Moving to `fulfilled` here ticks the item off today with its requested headcount.
    """
    require_bureau(by, _("只有教育局可以变更需求状态。"))
    locked = _lock_item(item)
    changes = {}
    if to_status == ItemStatus.FULFILLED:
        changes = {"fulfilled_on": timezone.localdate(), "fulfilled_headcount": locked.headcount}
    return _move_item(item, locked, to_status, by, note, college, **changes)


@transaction.atomic
def demand_item_fulfil(
    *, item: DemandItem, by, on: datetime.date | None = None, headcount: int | None = None, note: str = ""
) -> DemandItem:
    """销号: tick an item off on `on` (default today, Asia/Shanghai) with the headcount actually met.

    Exactly one of several concurrent calls succeeds; the others get "already fulfilled".
    `headcount` defaults to the requested headcount and may exceed it (an enterprise may
    take on more people than it asked for); it may not be negative.
    """
    require_bureau(by, _("只有教育局可以为需求销号。"))
    on = on or timezone.localdate()
    errors = {}
    if on > timezone.localdate():
        errors["fulfilled_on"] = _("销号日期不能晚于今天。")
    if headcount is not None and headcount < 0:
        errors["fulfilled_headcount"] = _("实际满足人数不能为负数。")
    if errors:
        raise ValidationError(errors)
    locked = _lock_item(item)
    if headcount is None:
        headcount = locked.headcount
    return _move_item(item, locked, ItemStatus.FULFILLED, by, note, fulfilled_on=on, fulfilled_headcount=headcount)


# ---- assignments of demand items ---------------------------------------------------------


@transaction.atomic
def demand_item_assign(*, item: DemandItem, college: College, by) -> DemandAssignment:
    """Assign an item to a college (bureau); an open item becomes matched. Assigning twice is a no-op."""
    require_bureau(by, _("只有教育局可以分派需求。"))
    if item.demand_list.status not in COUNTED_LIST_STATUSES:
        message = _("清单「%(list)s」尚未提交，不能分派需求。") % {"list": item.demand_list}
        raise ValidationError({"item": message})
    if item.status in (ItemStatus.FULFILLED, ItemStatus.CANCELLED):
        raise ValidationError({"item": _("需求「%(item)s」已办结，不能再分派。") % {"item": item}})
    assignment, created = DemandAssignment.objects.get_or_create(
        item=item, college=college, defaults={"assigned_by": by}
    )
    if created and item.status == ItemStatus.OPEN:
        note = _("分派给%(college)s") % {"college": college.name}
        demand_item_transition(item=item, to_status=ItemStatus.MATCHED, by=by, note=note, college=college)
    elif created:
        _touch(item)
    return assignment


@transaction.atomic
def demand_item_unassign(*, item: DemandItem, college: College, by) -> None:
    """Withdraw an item's assignment to a college (bureau). The item's status is left as it is."""
    require_bureau(by, _("只有教育局可以撤回分派。"))
    deleted, _rows = DemandAssignment.objects.filter(item=item, college=college).delete()
    if not deleted:
        raise ValidationError(
            {"college": _("需求「%(item)s」没有分派给%(college)s。") % {"item": item, "college": college}}
        )
    _touch(item)


def _touch(item: DemandItem) -> None:
    """An item's API row lists its assignments: assigning or withdrawing changes its updated_at (SPEC 6)."""
    DemandItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())
