"""An import of a bundle through the pages: the stored upload, its dry run, its confirmation, its outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import FINISHED_STATUSES, JobMode, JobStatus, UploadKind
from .scoping import ImportJobQuerySet


class ImportJob(models.Model):
    """One uploaded bundle: first a dry run (mode dry_run), then, once confirmed, the import (mode apply).

    The upload is stored in the row itself (at most UPLOAD_MAX_BYTES), so a Celery worker on another
    machine reads it without a shared disk, and the confirmation applies exactly the file that was checked.
    `counts` are {file: {created, updated, unchanged, deleted}} of the last stage that ran; `errors` are
    [file, row, column, message], the first exchange.errors.MAX_REPORTED_ERRORS of `error_count`.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=255)
    kind = models.CharField(_("文件类型"), max_length=4, choices=UploadKind.choices)
    size = models.PositiveIntegerField(_("文件大小（字节）"))
    data = models.BinaryField(_("文件内容"), editable=False)
    mode = models.CharField(_("阶段"), max_length=8, choices=JobMode.choices, default=JobMode.DRY_RUN)
    status = models.CharField(_("状态"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(_("已完成步数"), default=0)
    progress_total = models.PositiveIntegerField(_("总步数"), default=0)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    counts = models.JSONField(_("各文件计数"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    error = models.TextField(_("故障信息"), blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.filename} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def duration_s(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
