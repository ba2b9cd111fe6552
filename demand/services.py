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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from colleges.models import College
from enterprises.models import Enterprise
from notices.choices import NoticeKind
from notices.selectors import college_users, enterprise_users
from notices.services import notify
from portal.services import acts_as_bureau, refuse_unwritable, require_bureau, save_as, set_fields

from . import rules
from .choices import (
    COUNTED_LIST_STATUSES,
    ITEM_TRANSITIONS,
    LIST_TRANSITIONS,
    UNFINISHED_ITEM_STATUSES,
    ClaimStatus,
    EventKind,
    ItemStatus,
    ListStatus,
    ProposalStatus,
)
from .models import DemandAssignment, DemandClaim, DemandItem, DemandItemEvent, DemandList, FulfilmentProposal

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
    # A resubmitted list awaits a new review: the previous one's time and reviewer are in its history.
    return _move_list(
        demand_list,
        locked,
        ListStatus.SUBMITTED,
        by,
        submitted_at=timezone.now(),
        return_reason="",
        reviewed_at=None,
        reviewed_by=None,
    )


@transaction.atomic
def demand_list_accept(*, demand_list: DemandList, by) -> DemandList:
    """submitted → accepted (bureau)."""
    require_bureau(by, _("只有教育局可以受理需求清单。"))
    locked = _lock_list(demand_list)
    _move_list(
        demand_list, locked, ListStatus.ACCEPTED, by, reviewed_at=timezone.now(), reviewed_by=by, return_reason=""
    )
    notify(
        enterprise_users([locked.enterprise_id]),
        kind=NoticeKind.LIST_ACCEPTED,
        title=_("需求清单「%(list)s」已受理") % {"list": locked},
        body=_("教育局已受理贵企业的需求清单，将分派院校对接。"),
        url=reverse("demand:list_detail", args=[locked.pk]),
        reason=f"list-accepted:{locked.pk}",
    )
    return demand_list


@transaction.atomic
def demand_list_return(*, demand_list: DemandList, by, reason: str) -> DemandList:
    """submitted → returned with a reason (bureau); the enterprise may edit and resubmit it."""
    require_bureau(by, _("只有教育局可以退回需求清单。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"return_reason": _("退回清单必须填写退回原因。")})
    locked = _lock_list(demand_list)
    now = timezone.now()
    _move_list(demand_list, locked, ListStatus.RETURNED, by, reviewed_at=now, reviewed_by=by, return_reason=reason)
    notify(
        enterprise_users([locked.enterprise_id]),
        kind=NoticeKind.LIST_RETURNED,
        title=_("需求清单「%(list)s」被退回") % {"list": locked},
        body=_("退回原因：%(reason)s\n请修改后重新提交。") % {"reason": reason},
        url=reverse("demand:list_detail", args=[locked.pk]),
        # A list may be returned again after a resubmission the same day: each return is its own reason.
        reason=f"list-returned:{locked.pk}:{now.timestamp()}",
    )
    return demand_list


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


def _record(
    item: DemandItem, from_status: str, by, note: str = "", college=None, kind: str = EventKind.STATUS
) -> DemandItemEvent:
    return DemandItemEvent.objects.create(
        item=item, from_status=from_status, to_status=item.status, by=by, note=note, college=college, kind=kind
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
    rules.check_due_on(item.due_on, by=by)
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
        rules.check_due_on(item.due_on, by=by)
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
    item: DemandItem,
    locked: DemandItem,
    to_status: str,
    by,
    note: str,
    college=None,
    kind: str = EventKind.STATUS,
    **changes,
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
    _record(locked, from_status, by, note, college, kind)
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
    *,
    item: DemandItem,
    by,
    on: datetime.date | None = None,
    headcount: int | None = None,
    note: str = "",
    over_confirmed: bool = False,
) -> DemandItem:
    """销号: tick an item off on `on` (default today, Asia/Shanghai) with the headcount actually met.

    Exactly one of several concurrent calls succeeds; the others get "already fulfilled".
    `headcount` defaults to the requested headcount; it may not be negative. It may exceed the
    requested headcount (an enterprise may take on more people than it asked for) only with
    `over_confirmed`, so that a typo (50 for 5) is not taken silently; the item page then shows the excess.
    """
    require_bureau(by, _("只有教育局可以为需求销号。"))
    return _fulfil(item, by, on or timezone.localdate(), headcount, note, over_confirmed=over_confirmed)


def _check_fulfilment(on: datetime.date, headcount: int | None, *, date_field: str, headcount_field: str) -> None:
    errors = {}
    if on > timezone.localdate():
        errors[date_field] = _("销号日期不能晚于今天。")
    if headcount is not None and headcount < 0:
        errors[headcount_field] = _("实际满足人数不能为负数。")
    if errors:
        raise ValidationError(errors)


def _fulfil(
    item, by, on, headcount, note, college=None, kind=EventKind.STATUS, *, over_confirmed: bool = False
) -> DemandItem:
    _check_fulfilment(on, headcount, date_field="fulfilled_on", headcount_field="fulfilled_headcount")
    locked = _lock_item(item)
    if headcount is None:
        headcount = locked.headcount
    if not over_confirmed and locked.headcount is not None and headcount > locked.headcount:
        raise ValidationError(
            {
                "fulfilled_headcount": _(
                    "实际满足人数 %(delivered)s 超过需求人数 %(requested)s；如确实如此，请勾选确认后再销号。"
                )
                % {"delivered": headcount, "requested": locked.headcount}
            }
        )
    return _move_item(
        item, locked, ItemStatus.FULFILLED, by, note, college, kind, fulfilled_on=on, fulfilled_headcount=headcount
    )


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
    if created:
        notify(
            college_users([college.pk]),
            kind=NoticeKind.ITEM_ASSIGNED,
            title=_("新分派的企业需求：%(item)s") % {"item": item.title},
            body=_("教育局将一项企业需求分派给本校，请及时对接。"),
            url=reverse("demand:item_detail", args=[item.pk]),
            reason=f"item-assigned:{item.pk}:{college.pk}",
        )
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


# ---- colleges working their items: progress notes and fulfilment proposals -------------------


def _assigned_item(item: DemandItem, college: College) -> DemandItem:
    """The item locked, refusing one not assigned to `college` or already finished."""
    locked = _lock_item(item)
    if not DemandAssignment.objects.filter(item=locked, college=college).exists():
        raise ValidationError(
            {"item": _("需求「%(item)s」没有分派给%(college)s。") % {"item": locked, "college": college}}
        )
    if locked.status not in UNFINISHED_ITEM_STATUSES:
        raise ValidationError({"item": _("需求「%(item)s」已办结。") % {"item": locked}})
    return locked


def _record_work(item: DemandItem, locked: DemandItem, by, note: str, college: College, kind: str) -> None:
    """A college's entry in the history; its first one moves a matched (or open) item to in progress."""
    if locked.status != ItemStatus.IN_PROGRESS:
        _move_item(item, locked, ItemStatus.IN_PROGRESS, by, note, college, kind)
    else:
        _record(locked, locked.status, by, note, college, kind)
        item.refresh_from_db()


@transaction.atomic
def demand_item_progress_note(*, item: DemandItem, college: College, by, text: str) -> DemandItemEvent:
    """A college notes progress on an item assigned to it (kept in the item's history)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写进展情况。")})
    if len(text) > 300:
        raise ValidationError({"text": _("进展情况不能超过 300 字。")})
    locked = _assigned_item(item, college)
    _record_work(item, locked, by, text, college, EventKind.PROGRESS)
    return item.events.order_by("-at", "-id").first()


@transaction.atomic
def demand_item_propose_fulfilment(
    *, item: DemandItem, college: College, by, headcount: int | None, fulfilled_on: datetime.date, note: str = ""
) -> FulfilmentProposal:
    """A college proposes 销号 of an item assigned to it: the headcount delivered (None: what was asked) and the
    date. One proposal waits for the bureau at a time per item."""
    _check_fulfilment(fulfilled_on, headcount, date_field="fulfilled_on", headcount_field="headcount")
    locked = _assigned_item(item, college)
    if FulfilmentProposal.objects.filter(item=locked, status=ProposalStatus.PENDING).exists():
        raise ValidationError({"item": _("需求「%(item)s」已有待确认的销号申请。") % {"item": locked}})
    proposal = FulfilmentProposal(
        item=locked,
        college=college,
        headcount=headcount,
        fulfilled_on=fulfilled_on,
        note=(note or "").strip(),
        proposed_by=by,
    )
    save_as(proposal, by)
    _record_work(item, locked, by, _proposal_text(proposal), college, EventKind.PROPOSAL)
    return proposal


def _proposal_text(proposal: FulfilmentProposal) -> str:
    text = _("%(college)s申请销号：实际满足 %(headcount)s 人，完成日期 %(on)s。") % {
        "college": proposal.college.name,
        "headcount": proposal.headcount if proposal.headcount is not None else _("按需求人数"),
        "on": proposal.fulfilled_on.isoformat(),
    }
    return f"{text}{proposal.note}"[:300]


def _lock_proposal(proposal: FulfilmentProposal) -> FulfilmentProposal:
    locked = FulfilmentProposal.objects.select_for_update().select_related("college").get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise ValidationError({"proposal": _("该销号申请已%(status)s。") % {"status": locked.get_status_display()}})
    return locked


@transaction.atomic
def fulfilment_proposal_confirm(*, proposal: FulfilmentProposal, by) -> DemandItem:
    """The bureau confirms a proposal: the item is fulfilled (销号) with the proposed date and headcount."""
    require_bureau(by, _("只有教育局可以确认销号。"))
    locked = _lock_proposal(proposal)
    note = _("确认%(college)s的销号申请。") % {"college": locked.college.name}
    # Confirming is the bureau's explicit reading of the proposed figures, an excess included (shown on the item).
    item = _fulfil(
        locked.item,
        by,
        locked.fulfilled_on,
        locked.headcount,
        note,
        locked.college,
        EventKind.CONFIRMED,
        over_confirmed=True,
    )
    locked.status, locked.decided_by, locked.decided_at = ProposalStatus.CONFIRMED, by, timezone.now()
    save_as(locked, by)
    proposal.refresh_from_db()
    return item


@transaction.atomic
def fulfilment_proposal_send_back(*, proposal: FulfilmentProposal, by, reason: str) -> FulfilmentProposal:
    """The bureau sends a proposal back with a reason; the item stays in progress."""
    require_bureau(by, _("只有教育局可以退回销号申请。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回销号申请必须填写原因。")})
    locked = _lock_proposal(proposal)
    locked.status, locked.decided_by, locked.decided_at, locked.reason = (
        ProposalStatus.SENT_BACK,
        by,
        timezone.now(),
        reason,
    )
    save_as(locked, by)
    item = _lock_item(locked.item)
    _record(item, item.status, by, reason, locked.college, EventKind.SENT_BACK)
    proposal.refresh_from_db()
    return proposal


# ---- open for claims (公开揭榜) -----------------------------------------------------------


@transaction.atomic
def demand_item_set_claims_open(*, item: DemandItem, by, claims_open: bool) -> DemandItem:
    """The enterprise (or the bureau) opens an item for claims by colleges, or closes it again.

    Only an unfinished item of a submitted or accepted list that no college has been assigned can be opened:
    claims end in an assignment, which the bureau makes only on such items.
    """
    locked = _lock_item(item)
    if locked.claims_open == claims_open:
        return item
    if claims_open:
        if locked.list_status not in COUNTED_LIST_STATUSES:
            raise ValidationError({"claims_open": _("清单提交后才能公开揭榜。")})
        if locked.status not in UNFINISHED_ITEM_STATUSES:
            raise ValidationError({"claims_open": _("需求「%(item)s」已办结，不能公开揭榜。") % {"item": locked}})
        if DemandAssignment.objects.filter(item=locked).exists():
            raise ValidationError({"claims_open": _("需求「%(item)s」已分派给院校，不能公开揭榜。") % {"item": locked}})
    locked.claims_open = claims_open
    save_as(locked, by)
    _record(locked, locked.status, by, "", None, EventKind.CLAIMS_OPENED if claims_open else EventKind.CLAIMS_CLOSED)
    item.refresh_from_db()
    return item


@transaction.atomic
def demand_claim_create(
    *, item: DemandItem, college: College, by, plan: str, headcount: int | None = None
) -> DemandClaim:
    """A college claims an item open for claims with a short plan; once per college and item."""
    plan = (plan or "").strip()
    if not plan:
        raise ValidationError({"plan": _("请填写承接方案。")})
    locked = _lock_item(item)
    if not DemandItem.objects.filter(pk=locked.pk).open_for_claims().exists():
        raise ValidationError({"item": _("需求「%(item)s」未公开揭榜。") % {"item": locked}})
    if DemandClaim.objects.filter(item=locked, college=college).exists():
        raise ValidationError({"item": _("%(college)s已揭榜该需求，不能重复揭榜。") % {"college": college.name}})
    claim = DemandClaim(item=locked, college=college, plan=plan, headcount=headcount, claimed_by=by)
    save_as(claim, by)
    _record(locked, locked.status, by, plan[:300], college, EventKind.CLAIM)
    return claim


def _lock_claim(claim: DemandClaim) -> DemandClaim:
    locked = DemandClaim.objects.select_for_update().select_related("college").get(pk=claim.pk)
    if locked.status != ClaimStatus.PENDING:
        raise ValidationError({"claim": _("该揭榜申请已%(status)s。") % {"status": locked.get_status_display()}})
    return locked


@transaction.atomic
def demand_claim_approve(*, claim: DemandClaim, by) -> DemandAssignment:
    """The bureau approves a claim: the item is assigned to the college (demand_item_assign) and closed for
    claims; the other pending claims on it are declined (another college took the item)."""
    require_bureau(by, _("只有教育局可以审核揭榜。"))
    locked = _lock_claim(claim)
    item = DemandItem.objects.select_related("demand_list").get(pk=locked.item_id)
    assignment = demand_item_assign(item=item, college=locked.college, by=by)
    locked.status, locked.decided_by, locked.decided_at = ClaimStatus.APPROVED, by, timezone.now()
    save_as(locked, by)
    item = _lock_item(item)
    if item.claims_open:
        item.claims_open = False
        save_as(item, by)
    note = _("批准%(college)s揭榜。") % {"college": locked.college.name}
    _record(item, item.status, by, note, locked.college, EventKind.CLAIM_APPROVED)
    for other in DemandClaim.objects.select_for_update().filter(item=item, status=ClaimStatus.PENDING):
        _decline(other, by, _("该需求已由其他院校承接。"), item)
    claim.refresh_from_db()
    return assignment


@transaction.atomic
def demand_claim_decline(*, claim: DemandClaim, by, reason: str = "") -> DemandClaim:
    """The bureau declines a claim (a reason is optional); the item stays open for claims."""
    require_bureau(by, _("只有教育局可以审核揭榜。"))
    locked = _lock_claim(claim)
    _decline(locked, by, (reason or "").strip(), _lock_item(locked.item))
    claim.refresh_from_db()
    return claim


def _decline(claim: DemandClaim, by, reason: str, item: DemandItem) -> None:
    claim.status, claim.decided_by, claim.decided_at, claim.reason = ClaimStatus.DECLINED, by, timezone.now(), reason
    save_as(claim, by)
    _record(item, item.status, by, reason, claim.college, EventKind.CLAIM_DECLINED)


def _touch(item: DemandItem) -> None:
    """An item's API row lists its assignments: assigning or withdrawing changes its updated_at (SPEC 6)."""
    DemandItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())
