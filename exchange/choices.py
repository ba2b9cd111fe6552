from django.db import models
from django.utils.translation import gettext_lazy as _


class JobMode(models.TextChoices):
    DRY_RUN = "dry_run", _("试运行")
    APPLY = "apply", _("正式导入")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    VALID = "valid", _("检查通过，待确认")
    INVALID = "invalid", _("有错误，未保存")
    APPLIED = "applied", _("已导入")
    FAILED = "failed", _("失败")


FINISHED_STATUSES = (JobStatus.VALID, JobStatus.INVALID, JobStatus.APPLIED, JobStatus.FAILED)


class UploadKind(models.TextChoices):
    ZIP = "zip", _("CSV 压缩包（.zip）")
    XLSX = "xlsx", _("Excel 工作簿（.xlsx）")
    CSV = "csv", _("单个 CSV 文件")
