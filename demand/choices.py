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
