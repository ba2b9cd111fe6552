from django.db import models
from django.utils.translation import gettext_lazy as _


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    RETURNED = "returned", _("已退回")


class ItemKind(models.TextChoices):
    TALENT = "talent", _("技能人才")
    TECH = "tech", _("技术攻关")
    TRAINING = "training", _("员工培训")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("待对接")
    MATCHED = "matched", _("已对接")
    IN_PROGRESS = "in_progress", _("推进中")
    FULFILLED = "fulfilled", _("已销号")
    CANCELLED = "cancelled", _("已取消")


# Items still to be done (what "overdue" can apply to).
UNFINISHED_ITEM_STATUSES = (ItemStatus.OPEN, ItemStatus.MATCHED, ItemStatus.IN_PROGRESS)

# Lists the bureau counts (SPEC 4: "submitted or accepted").
COUNTED_LIST_STATUSES = (ListStatus.SUBMITTED, ListStatus.ACCEPTED)

# Allowed item transitions; fulfilled and cancelled are final.
ITEM_TRANSITIONS = {
    ItemStatus.OPEN: {ItemStatus.MATCHED, ItemStatus.IN_PROGRESS, ItemStatus.FULFILLED, ItemStatus.CANCELLED},
    ItemStatus.MATCHED: {ItemStatus.OPEN, ItemStatus.IN_PROGRESS, ItemStatus.FULFILLED, ItemStatus.CANCELLED},
    ItemStatus.IN_PROGRESS: {ItemStatus.MATCHED, ItemStatus.FULFILLED, ItemStatus.CANCELLED},
    ItemStatus.FULFILLED: set(),
    ItemStatus.CANCELLED: set(),
}

# List transitions: draft/returned → submitted (enterprise), submitted → accepted | returned (bureau).
LIST_TRANSITIONS = {
    ListStatus.DRAFT: {ListStatus.SUBMITTED},
    ListStatus.RETURNED: {ListStatus.SUBMITTED},
    ListStatus.SUBMITTED: {ListStatus.ACCEPTED, ListStatus.RETURNED},
    ListStatus.ACCEPTED: set(),
}


class EventKind(models.TextChoices):
    """What an entry of an item's history records (DemandItemEvent.kind)."""

    STATUS = "status", _("状态变更")
    PROGRESS = "progress", _("进展")
    PROPOSAL = "proposal", _("申请销号")
    CONFIRMED = "confirmed", _("确认销号")
    SENT_BACK = "sent_back", _("退回销号申请")
    CLAIMS_OPENED = "claims_opened", _("公开揭榜")
    CLAIMS_CLOSED = "claims_closed", _("取消揭榜")
    CLAIM = "claim", _("院校揭榜")
    CLAIM_APPROVED = "claim_approved", _("批准揭榜")
    CLAIM_DECLINED = "claim_declined", _("未批准揭榜")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    SENT_BACK = "sent_back", _("已退回")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    DECLINED = "declined", _("未批准")
