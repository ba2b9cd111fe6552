"""Every write to reference data, enterprises, demand lists and demand items.

Callers (pages, API, import, commands) pass objects they got through
`Model.objects.restrict(user, "change")`; these services check the rules about *state*
(a submitted list is read-only to its enterprise, fulfilled items are final, …) and
raise ValidationError with Chinese messages keyed by field, or PermissionDenied for an
action only the bureau may take. `by=None` is the system (import, commands, tasks).
"""

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.services import acts_as_bureau, require_bureau, save_validated

from .choices import COUNTED_LIST_STATUSES, ITEM_TRANSITIONS, LIST_TRANSITIONS, ItemStatus, ListStatus
from .models import DemandItem, DemandItemEvent, DemandList, Enterprise, Industry, IndustryCluster

# What an enterprise clerk may write on their own profile; identity (USCC) and the
# 产教融合型企业 certification are the bureau's to set.
ENTERPRISE_SELF_FIELDS = {"name", "industry", "industry_id", "district", "scale", "tags"}
ENTERPRISE_FIELDS = ENTERPRISE_SELF_FIELDS | {"uscc", "integration_certified_on"}
ITEM_FIELDS = {"kind", "title", "industry", "industry_id", "major_code", "headcount", "due_on"}
# Import and the demo city load items with their current state (bureau/system only).
ITEM_STATE_FIELDS = {"status", "fulfilled_on", "fulfilled_headcount"}


def _save(instance, by):
    # simple_history reads the acting user from here when there is no request (API, commands).
    instance._history_user = by
    return save_validated(instance)


_MISSING = object()


def _set_fields(instance, fields: dict, allowed: set):
    """Set the given fields; one outside `allowed` is refused unless it repeats the current value
    (forms and API payloads send the whole object back)."""
    refused = sorted(
        name for name, value in fields.items() if name not in allowed and getattr(instance, name, _MISSING) != value
    )
    if refused:
        raise ValidationError({name: _("不能修改此字段。") for name in refused})
    for name, value in fields.items():
        setattr(instance, name, value)


# ---- reference data (bureau) -------------------------------------------------------------


@transaction.atomic
def industry_save(*, instance: Industry, by) -> Industry:
    """Create or update an industry of GB/T 4754-2017 (bureau)."""
    require_bureau(by, _("只有教育局可以维护行业分类。"))
    return _save(instance, by)


@transaction.atomic
def cluster_save(*, instance: IndustryCluster, by) -> IndustryCluster:
    """Create or update an industry cluster; key clusters may not overlap by prefix (IndustryCluster.clean)."""
    require_bureau(by, _("只有教育局可以维护产业集群。"))
    # Serialise cluster writes so two concurrent saves cannot each pass the overlap check.
    list(IndustryCluster.objects.select_for_update().filter(is_key=True).values_list("pk", flat=True))
    return _save(instance, by)


# ---- enterprises -------------------------------------------------------------------------


@transaction.atomic
def enterprise_create(*, by, **fields) -> Enterprise:
    """Register an enterprise (bureau or import)."""
    require_bureau(by, _("只有教育局可以登记企业。"))
    enterprise = Enterprise()
    _set_fields(enterprise, fields, ENTERPRISE_FIELDS)
    return _save(enterprise, by)


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, by, **fields) -> Enterprise:
    """Update an enterprise profile; the clerk may not change the USCC or the certification date."""
    _set_fields(enterprise, fields, ENTERPRISE_FIELDS if acts_as_bureau(by) else ENTERPRISE_SELF_FIELDS)
    return _save(enterprise, by)


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
    _save(locked, by)
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


def _check_major_code(code: str) -> None:
    # The major catalogue lives a floor above (programs); looked up by name so the rule is
    # written once here for pages, API and import alike without enterprises importing programs.
    if code and len(code) == 6 and code.isdigit():
        major = apps.get_model("programs", "Major")
        if not major.objects.filter(code=code).exists():
            raise ValidationError({"major_code": _("专业代码 %(code)s 不在专业目录中。") % {"code": code}})


def _check_due_on(item: DemandItem, by) -> None:
    # An enterprise files what it needs from now on; the bureau (and a bundle import) may record history.
    if not acts_as_bureau(by) and item.due_on and item.due_on < timezone.localdate():
        raise ValidationError({"due_on": _("期望完成日期不能早于今天。")})


def _record(item: DemandItem, from_status: str, by, note: str = "") -> DemandItemEvent:
    return DemandItemEvent.objects.create(item=item, from_status=from_status, to_status=item.status, by=by, note=note)


@transaction.atomic
def demand_item_create(*, demand_list: DemandList, by, **fields) -> DemandItem:
    """Add an item to a list; the industry defaults to the enterprise's. Records the creation event."""
    locked = _lock_list(demand_list)
    _check_enterprise_may_edit(locked, by)
    item = DemandItem(demand_list=locked)
    _set_fields(item, fields, ITEM_FIELDS | ITEM_STATE_FIELDS if acts_as_bureau(by) else ITEM_FIELDS)
    if not item.industry_id:
        item.industry_id = locked.enterprise.industry_id
    if item.status == ItemStatus.FULFILLED and item.fulfilled_headcount is None:
        item.fulfilled_headcount = item.headcount
    _check_major_code(item.major_code)
    _check_due_on(item, by)
    _save(item, by)
    _record(item, "", by)
    return item


@transaction.atomic
def demand_item_update(*, item: DemandItem, by, **fields) -> DemandItem:
    """Change an item's content (not its status: see demand_item_transition / demand_item_fulfil)."""
    item.demand_list = _lock_list(item.demand_list)
    _check_enterprise_may_edit(item.demand_list, by)
    due_on = item.due_on
    _set_fields(item, fields, ITEM_FIELDS)
    _check_major_code(item.major_code)
    if item.due_on != due_on:
        _check_due_on(item, by)
    return _save(item, by)


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


def _move_item(item: DemandItem, locked: DemandItem, to_status: str, by, note: str, **changes) -> DemandItem:
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
    _save(locked, by)
    _record(locked, from_status, by, note)
    item.refresh_from_db()
    return item


@transaction.atomic
def demand_item_transition(*, item: DemandItem, to_status: str, by, note: str = "") -> DemandItem:
    """Move an item along ITEM_TRANSITIONS (bureau) and record who, when, from and to.

    Moving to `fulfilled` here ticks the item off today with its requested headcount.
    """
    require_bureau(by, _("只有教育局可以变更需求状态。"))
    locked = _lock_item(item)
    changes = {}
    if to_status == ItemStatus.FULFILLED:
        changes = {"fulfilled_on": timezone.localdate(), "fulfilled_headcount": locked.headcount}
    return _move_item(item, locked, to_status, by, note, **changes)


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
