from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    """Why a notice was sent; every app that notifies names one of these."""

    REMINDER = "reminder", _("催办提醒")
    LIST_RETURNED = "list_returned", _("清单退回")
    LIST_ACCEPTED = "list_accepted", _("清单受理")
    ITEM_ASSIGNED = "item_assigned", _("需求分派")
    REVIEW_DUE = "review_due", _("整改说明待答复")
    TASK_REPORT_DUE = "task_report_due", _("任务进展待报送")


class MailStatus(models.TextChoices):
    SKIPPED = "skipped", _("不发邮件")  # the user switched e-mail off, or has no address
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
