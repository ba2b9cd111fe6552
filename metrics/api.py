"""REST resources of this app: targets, snapshots, metric-runs (POST by the bureau answers 202), review-rules
and alerts (SPEC 4.4: `answer` by the program's college, `decide` by the bureau)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action

from portal.api import (
    ScopedCreateMixin,
    ScopedDestroyMixin,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ScopedSerializer,
)
from portal.roles import Role
from portal.services import save_validated

from . import review, services
from .choices import AlertDecision
from .filtersets import AlertFilterSet, MetricRunFilterSet, ReviewRuleFilterSet, SnapshotFilterSet, TargetFilterSet
from .models import Alert, MetricRun, ReviewRule, Snapshot, SupplyDemandRow, Target
from .selectors import SUPPLY_DEMAND_COLUMNS


class TargetSerializer(ScopedSerializer):
    class Meta:
        model = Target
        fields = [
            "id",
            "metric",
            "scope_type",
            "scope_id",
            "comparator",
            "threshold",
            "deadline_year",
            "annual",
            "source",
            "order",
        ]


class SnapshotSerializer(ScopedSerializer):
    class Meta:
        model = Snapshot
        fields = [
            "id",
            "metric",
            "scope_type",
            "scope_id",
            "scope_name",
            "year",
            "quarter",
            "value",
            "numerator",
            "denominator",
            "computed_at",
            "run",
        ]


class MetricRunSerializer(ScopedSerializer):
    """A run; who requested it is personal data and stays out of the API."""

    duration_s = serializers.FloatField(read_only=True, allow_null=True, help_text=_("耗时（秒）"))

    class Meta:
        model = MetricRun
        fields = [
            "id",
            "year",
            "quarter",
            "status",
            "progress_done",
            "progress_total",
            "queued_at",
            "started_at",
            "finished_at",
            "duration_s",
            "error",
            "trigger",
        ]
        read_only_fields = [name for name in fields if name not in ("year", "quarter")]
        # Not DRF's check of one_active_run_per_period: an active period answers with its run (services).
        validators = []


class SupplyDemandRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupplyDemandRow
        fields = list(SUPPLY_DEMAND_COLUMNS)
        read_only_fields = fields


class MetricRunDetailSerializer(MetricRunSerializer):
    """A run with its supply–demand table (every scope); lists leave the table out (a province run has ~4 500 lines)."""

    supply_demand = SupplyDemandRowSerializer(many=True, read_only=True)

    class Meta(MetricRunSerializer.Meta):
        fields = [*MetricRunSerializer.Meta.fields, "supply_demand"]


class ReviewRuleSerializer(ScopedSerializer):
    class Meta:
        model = ReviewRule
        fields = [
            "id",
            "code",
            "name",
            "figure",
            "years",
            "level",
            "active",
            "source",
            "comparator",
            "threshold",
            "bottom_percent",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class AlertSerializer(ScopedSerializer):
    """An alert (SPEC 4.4) with the college's answer and the bureau's decision; who answered and who
    decided are personal data and stay out of the API."""

    college_code = serializers.CharField(source="program.college.code", read_only=True)
    major_code = serializers.CharField(source="program.major.code", read_only=True)
    schooling = serializers.CharField(source="program.schooling", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "program",
            "college_code",
            "major_code",
            "schooling",
            "year",
            "level",
            "trips",
            "rates",
            "status",
            "raised_at",
            "run",
            "answer_plan",
            "answer_targets",
            "answered_at",
            "decision",
            "decided_at",
            "note",
            "updated_at",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    answer_plan = serializers.CharField(help_text=_("整改说明"), allow_blank=True)
    answer_targets = serializers.CharField(required=False, default="", allow_blank=True, help_text=_("整改目标"))


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=AlertDecision.choices, help_text=_("keep 保留 | restrict 限制招生 | stop 停止招生")
    )
    note = serializers.CharField(required=False, default="", allow_blank=True, help_text=_("研判理由（必填）"))


def target_save(*, instance: Target, by) -> Target:
    """Targets have no rules beyond the model's own validation."""
    instance._history_user = by
    return save_validated(instance)


class TargetViewSet(ScopedModelViewSet):
    queryset = Target.objects.all()
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet
    search_fields = ["source", "metric"]
    ordering_fields = ["order", "metric", "deadline_year", "threshold"]
    save_service = staticmethod(target_save)


class SnapshotViewSet(ScopedReadOnlyViewSet):
    queryset = Snapshot.objects.all()
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilterSet
    search_fields = ["scope_name", "scope_id"]
    ordering_fields = ["year", "quarter", "metric", "scope_type", "scope_id", "value", "computed_at"]


class MetricRunViewSet(ScopedCreateMixin, ScopedDestroyMixin, ScopedReadOnlyViewSet):
    """Runs are read by the bureau and agencies; `POST {year, quarter}` (bureau) queues one and answers
    202, or 200 with the period's run already queued or running; `DELETE` (bureau) removes a run."""

    queryset = MetricRun.objects.all()
    serializer_class = MetricRunSerializer
    filterset_class = MetricRunFilterSet
    search_fields = ["error", "trigger"]
    ordering_fields = ["queued_at", "started_at", "finished_at", "year", "quarter", "status"]
    destroy_roles = (Role.BUREAU,)

    def get_serializer_class(self):
        return MetricRunDetailSerializer if self.action == "retrieve" else MetricRunSerializer

    def create_object(self, data):
        # The task starts only once the run is committed (on_commit), so it never races its own row.
        run, self.created = services.metric_run_enqueue_request(
            year=data["year"], quarter=data["quarter"], by=self.user
        )
        return run

    def destroy_object(self, instance):
        services.metric_run_delete(run=instance, by=self.user)

    @extend_schema(responses={202: MetricRunSerializer, 200: MetricRunSerializer})
    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.status_code = status.HTTP_202_ACCEPTED if self.created else status.HTTP_200_OK
        return response


class ReviewRuleViewSet(ScopedModelViewSet):
    queryset = ReviewRule.objects.all()
    serializer_class = ReviewRuleSerializer
    filterset_class = ReviewRuleFilterSet
    search_fields = ["code", "name", "source"]
    ordering_fields = ["code", "level", "figure", "updated_at"]
    save_service = staticmethod(review.review_rule_save)

    def destroy_object(self, instance):
        review.review_rule_delete(rule=instance, by=self.user)


class AlertViewSet(ScopedReadOnlyViewSet):
    queryset = Alert.objects.select_related("program__college", "program__major")
    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet
    search_fields = ["program__major__name", "program__college__name", "note", "answer_plan"]
    ordering_fields = ["year", "level", "status", "raised_at", "answered_at", "decided_at", "updated_at"]
    # Who may answer or decide is the services' call (a college answers its own, the bureau decides).
    view_only_actions = ("answer", "decide")

    @extend_schema(request=AnswerSerializer, summary=_("提交整改说明（专业点所在院校）"))
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        alert = self.get_object()
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self.respond(
            review.alert_answer(alert=alert, by=self.user, plan=data["answer_plan"], targets=data["answer_targets"])
        )

    @extend_schema(request=DecisionSerializer, summary=_("研判预警（局端）：保留、限制招生或停止招生"))
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        alert = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.respond(review.alert_decide(alert=alert, by=self.user, **body.validated_data))


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("targets", TargetViewSet, basename="target")
    router.register("snapshots", SnapshotViewSet, basename="snapshot")
    router.register("metric-runs", MetricRunViewSet, basename="metric-run")
    router.register("review-rules", ReviewRuleViewSet, basename="review-rule")
    router.register("alerts", AlertViewSet, basename="alert")
