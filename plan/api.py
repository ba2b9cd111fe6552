"""REST resources of this app: tasks (重点任务) and task-reports (季度进展), role-scoped by plan.scoping.

The bureau keeps tasks and reviews reports (POST task-reports/{id}/review/); a department user files and
refiles its own unit's reports on its tasks; agencies read. Attachments are uploaded in the pages (the API
speaks JSON only) and downloaded from `attachment_url`, which applies the same scoping.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from portal.api import ScopedCreateMixin, ScopedReadOnlyViewSet, ScopedSerializer, ScopedUpdateMixin
from portal.roles import Role

from . import selectors, services
from .choices import ProgressStatus
from .filtersets import TaskFilterSet, TaskReportFilterSet
from .models import Task, TaskReport, Unit


class TaskSerializer(ScopedSerializer):
    lead_units = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Unit.objects.all(), help_text=_("牵头单位代码")
    )
    co_units = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Unit.objects.all(), required=False, help_text=_("责任单位代码")
    )
    lead_unit_names = serializers.SlugRelatedField(source="lead_units", slug_field="name", many=True, read_only=True)
    co_unit_names = serializers.SlugRelatedField(source="co_units", slug_field="name", many=True, read_only=True)
    latest_status = serializers.ChoiceField(
        choices=ProgressStatus.choices, read_only=True, allow_null=True, help_text=_("最新一期报告的进展状态")
    )
    overdue = serializers.BooleanField(read_only=True, help_text=_("上一已结束季度无报告（逾期未报）"))

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "title",
            "content",
            "lead_units",
            "co_units",
            "lead_unit_names",
            "co_unit_names",
            "due_on",
            "latest_status",
            "overdue",
            "updated_at",
        ]


class TaskViewSet(ScopedCreateMixin, ScopedUpdateMixin, ScopedReadOnlyViewSet):
    """Tasks of the city plan (SPEC 4.5): the bureau keeps them; a department sees its unit's; agencies read."""

    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    search_fields = ["code", "title", "content"]
    ordering_fields = ["code", "due_on", "updated_at"]

    def get_queryset(self):
        # Re-annotated per request: `overdue` depends on today's closed quarter.
        base = Task.objects.restrict(self.user, "view")
        return selectors.with_progress(base).prefetch_related("lead_units", "co_units")

    def create_object(self, data: dict):
        lead, co = data.pop("lead_units"), data.pop("co_units", [])
        return services.task_save(instance=Task(**data), lead_units=lead, co_units=co, by=self.user)

    def update_object(self, instance, data: dict):
        lead = data.pop("lead_units", list(instance.lead_units.all()))
        co = data.pop("co_units", list(instance.co_units.all()))
        for name, value in data.items():
            setattr(instance, name, value)
        return services.task_save(instance=instance, lead_units=lead, co_units=co, by=self.user)


class TaskReportSerializer(ScopedSerializer):
    task_code = serializers.CharField(source="task.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    figures = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(max_length=100)),
        required=False,
        max_length=20,
        help_text=_('数据：[{"label": "名称", "value": "数值"}]'),
    )
    attachment_url = serializers.SerializerMethodField(help_text=_("附件下载地址（无附件为空）"))

    class Meta:
        model = TaskReport
        fields = [
            "id",
            "task",
            "task_code",
            "unit",
            "unit_name",
            "year",
            "quarter",
            "status",
            "text",
            "figures",
            "attachment_url",
            "author",
            "submitted_at",
            "review_state",
            "review_reason",
            "reviewer",
            "reviewed_at",
            "updated_at",
        ]
        read_only_fields = [
            "unit",
            "author",
            "submitted_at",
            "review_state",
            "review_reason",
            "reviewer",
            "reviewed_at",
        ]
        # One per task, unit and quarter: a second POST refiles the same report (the service decides).
        validators = []

    def get_attachment_url(self, report) -> str | None:
        return reverse("plan:report_attachment", args=[report.pk]) if report.attachment else None


class ReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text=_("true 通过；false 退回"))
    reason = serializers.CharField(required=False, allow_blank=True, help_text=_("退回原因（退回时必填）"))


class TaskReportViewSet(ScopedCreateMixin, ScopedUpdateMixin, ScopedReadOnlyViewSet):
    """Quarterly progress reports: a department files its unit's (POST; again after a return: the same
    report is refiled), the bureau reviews them, agencies read."""

    queryset = TaskReport.objects.select_related("task", "unit")
    serializer_class = TaskReportSerializer
    filterset_class = TaskReportFilterSet
    search_fields = ["text", "task__code", "task__title", "unit__name"]
    ordering_fields = ["year", "quarter", "submitted_at", "updated_at"]
    create_roles = (Role.DEPARTMENT,)

    def _submit(self, task, year, quarter, data, current=None):
        return services.task_report_submit(
            task=task,
            year=year,
            quarter=quarter,
            by=self.user,
            status=data.get("status", current.status if current else None),
            text=data.get("text", current.text if current else ""),
            figures=data.get("figures", current.figures if current else []),
        )

    def create_object(self, data: dict):
        return self._submit(data["task"], data["year"], data["quarter"], data)

    def update_object(self, instance, data: dict):
        moved = [name for name in ("task", "year", "quarter") if name in data and data[name] != getattr(instance, name)]
        if moved:
            raise ValidationError({name: _("不能修改此字段。") for name in moved})
        return self._submit(instance.task, instance.year, instance.quarter, data, current=instance)

    @extend_schema(
        request=ReviewSerializer,
        summary=_("审核任务进展（局端）"),
        description=_(
            "局端审核一份待审核的进展：accept 为 true 时通过；为 false 时退回，必须在 reason 中说明理由，"
            "责任单位修改后可再次报送。已通过的进展不能再审核。"
        ),
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        report = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reviewed = services.task_report_review(
            report=report,
            accept=body.validated_data["accept"],
            reason=body.validated_data.get("reason", ""),
            by=self.user,
        )
        return self.respond(reviewed)


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("tasks", TaskViewSet, basename="task")
    router.register("task-reports", TaskReportViewSet, basename="task-report")
