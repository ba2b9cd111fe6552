"""Notices: a message to one user in the portal's notice centre and, unless switched off, by e-mail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import MailStatus, NoticeKind
from .scoping import NoticeQuerySet


class Notice(models.Model):
    """One notice to one user. `reason` names why it was sent: the same reason reaches a user at most
    once a day (`sent_on`, Asia/Shanghai), which the unique constraint enforces against races too."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    reason = models.CharField(_("事由"), max_length=200)
    sent_on = models.DateField(_("发送日期"))
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    mail_status = models.CharField(_("邮件"), max_length=10, choices=MailStatus.choices, default=MailStatus.SKIPPED)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "reason", "sent_on"], name="one_notice_per_reason_per_day")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_latest"),
            # The header's unread count runs on every page: a small index of the unread ones answers it.
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notice_unread"),
        ]

    def __str__(self):
        return self.title


class NoticePreference(models.Model):
    """A user's choice about notices: e-mail on or off. The notice in the portal always appears."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="notice_preference"
    )
    email_enabled = models.BooleanField(_("接收邮件通知"), default=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self):
        return str(self.user)
