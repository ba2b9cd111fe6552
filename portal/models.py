from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class UserProfile(models.Model):
    """A portal user's role and, for college admins, enterprise clerks and department staff, whose rows they own."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    # String references keep the ground floor free of imports from the domain apps.
    college = models.ForeignKey(
        "colleges.College", verbose_name=_("所属院校"), null=True, blank=True, on_delete=models.CASCADE
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("所属企业"), null=True, blank=True, on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        "plan.Unit", verbose_name=_("所属责任单位"), null=True, blank=True, on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.CheckConstraint(
                name="profile_owner_matches_role",
                condition=(
                    models.Q(role="college", college__isnull=False, enterprise__isnull=True, unit__isnull=True)
                    | models.Q(role="enterprise", enterprise__isnull=False, college__isnull=True, unit__isnull=True)
                    | models.Q(role="department", unit__isnull=False, college__isnull=True, enterprise__isnull=True)
                    | models.Q(
                        role__in=["bureau", "agency"], college__isnull=True, enterprise__isnull=True, unit__isnull=True
                    )
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    def clean(self):
        if self.role == Role.COLLEGE and not self.college_id:
            raise ValidationError({"college": _("院校管理员必须指定所属院校。")})
        if self.role == Role.ENTERPRISE and not self.enterprise_id:
            raise ValidationError({"enterprise": _("企业用户必须指定所属企业。")})
        if self.role != Role.COLLEGE and self.college_id:
            raise ValidationError({"college": _("只有院校管理员可以指定院校。")})
        if self.role != Role.ENTERPRISE and self.enterprise_id:
            raise ValidationError({"enterprise": _("只有企业用户可以指定企业。")})
        if self.role == Role.DEPARTMENT and not self.unit_id:
            raise ValidationError({"unit": _("责任单位用户必须指定所属单位。")})
        if self.role != Role.DEPARTMENT and self.unit_id:
            raise ValidationError({"unit": _("只有责任单位用户可以指定单位。")})


class Deletion(models.Model):
    """A row of an API resource that was deleted: the deletions feed lets a mirror drop it too.

    Written by portal.deletions (a post_delete receiver on every model the API exposes), so
    services, imports, the admin and cascades all leave one; kept as long as the retention allows.
    """

    resource = models.CharField(_("资源"), max_length=40)
    object_id = models.BigIntegerField(_("编号"))
    deleted_at = models.DateTimeField(_("删除时间"), default=timezone.now)

    class Meta:
        verbose_name = _("删除记录")
        verbose_name_plural = _("删除记录")
        ordering = ["id"]
        # The feed asks "this resource, deleted since then", in id order.
        indexes = [models.Index(fields=["resource", "deleted_at"]), models.Index(fields=["deleted_at"])]

    def __str__(self):
        return f"{self.resource} {self.object_id}"
