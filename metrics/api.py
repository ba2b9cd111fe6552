"""REST resources of this app: targets, snapshots, metric-runs (POST by the bureau answers 202), review-rules
and alerts (SPEC 4.4: `answer` by the program's college, `decide` by the bureau), the supply–demand tables
of SPEC 4.2 and the what-if scenarios of SPEC 4.3."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import (
    ScopedCreateMixin,
    ScopedDestroyMixin,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ScopedSerializer,
)
from portal.roles import Role, role_of
from portal.services import save_validated

from . import review, scenarios, services
from .choices import AlertDecision, PaceStatus, TargetStatus
from .filtersets import (
    AlertFilterSet,
    MetricRunFilterSet,
    ReviewRuleFilterSet,
    ScenarioFilterSet,
    SnapshotFilterSet,
    SupplyDemandMajorRowFilterSet,
    SupplyDemandRowFilterSet,
    TargetFilterSet,
)
from .models import Alert, MetricRun, ReviewRule, Scenario, Snapshot, SupplyDemandMajorRow, SupplyDemandRow, Target
from .selectors import (
    SUPPLY_DEMAND_COLUMNS,
    current_supply_demand,
    latest_period_with_snapshots,
    targets_progress,
)


class TargetProgressSerializer(serializers.Serializer):
    """A target's standing in the latest period with snapshots (metrics.selectors.targets_progress)."""

    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True, help_text=_("≥ 1 表示达标"))
    status = serializers.ChoiceField(choices=TargetStatus.choices)
    pace_needed = serializers.FloatField(
        allow_null=True, help_text=_("到完成年度第四季度前每季度需要的进度（有完成年度、非按年度考核的目标）")
    )
    pace_recent = serializers.FloatField(allow_null=True, help_text=_("近四个季度的平均每季度进度"))
    pace_status = serializers.ChoiceField(choices=PaceStatus.choices, allow_null=True)


class TargetSerializer(ScopedSerializer):
    progress = serializers.SerializerMethodField()

    @extend_schema_field(TargetProgressSerializer(allow_null=True))
    def get_progress(self, target):
        progress = self.context.get("progress", {}).get(target.pk)
        return TargetProgressSerializer(progress).data if progress else None

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
            "progress",
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

    def get_serializer(self, *args, **kwargs):
        # Each answer carries the progress of its targets: one query for the period, one for their snapshots.
        serializer = super().get_serializer(*args, **kwargs)
        instance = args[0] if args else kwargs.get("instance")
        period = latest_period_with_snapshots() if instance is not None and "data" not in kwargs else None
        if period is not None:
            targets = list(instance) if kwargs.get("many") else [instance]
            serializer.context["progress"] = {
                p["target"].pk: {**p, "year": period[0], "quarter": period[1]}
                for p in targets_progress(year=period[0], quarter=period[1], targets=targets)
            }
        return serializer


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

    @extend_schema(
        responses={202: MetricRunSerializer, 200: MetricRunSerializer},
        summary=_("排队计算一个期间的指标（局端）"),
        description=_(
            "局端为 {year, quarter} 排队一次指标计算，回答 202 和新计算；"
            "该期间已有排队或运行中的计算时回答 200 和那次计算。"
            "当前季度之后的期间回答 400。用 GET metric-runs/{id}/ 查看进度。"
        ),
    )
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

    @extend_schema(
        request=AnswerSerializer,
        summary=_("提交整改说明（专业点所在院校）"),
        description=_("专业点所在院校提交整改计划和目标；其他院校看不到这条预警（404），已研判的预警回答 400。"),
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        alert = self.get_object()
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self.respond(
            review.alert_answer(alert=alert, by=self.user, plan=data["answer_plan"], targets=data["answer_targets"])
        )

    @extend_schema(
        request=DecisionSerializer,
        summary=_("研判预警（局端）：保留、限制招生或停止招生"),
        description=_("局端对预警作出研判：保留、限制招生或停止招生，并可附说明；其他角色回答 403。"),
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        alert = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.respond(review.alert_decide(alert=alert, by=self.user, **body.validated_data))


class CurrentSupplyDemandSerializer(serializers.ModelSerializer):
    """A line of the latest succeeded run of its period; `updated_at` is the run's finish."""

    year = serializers.IntegerField(read_only=True)
    quarter = serializers.IntegerField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = SupplyDemandRow
        fields = [
            "id",
            *SUPPLY_DEMAND_COLUMNS[:3],
            "year",
            "quarter",
            *SUPPLY_DEMAND_COLUMNS[3:],
            "updated_at",
        ]
        read_only_fields = fields


class SupplyDemandMajorSerializer(CurrentSupplyDemandSerializer):
    class Meta:
        model = SupplyDemandMajorRow
        fields = [
            "id",
            "year",
            "quarter",
            "major_code",
            "major_name",
            "level",
            "demand",
            "graduates",
            "local_graduates",
            "gap",
            "forecast_1",
            "forecast_2",
            "forecast_3",
            "updated_at",
        ]
        read_only_fields = fields


class SupplyDemandViewSet(ScopedReadOnlyViewSet):
    """SPEC 4.2 per scope and cluster, from the latest succeeded run of each period."""

    queryset = current_supply_demand(SupplyDemandRow.objects.all()).order_by(
        "year", "quarter", "scope_type", "scope_id", "position"
    )
    serializer_class = CurrentSupplyDemandSerializer
    filterset_class = SupplyDemandRowFilterSet
    search_fields = ["scope_name", "scope_id", "cluster_name"]
    ordering_fields = ["year", "quarter", "scope_type", "scope_id", "position", "demand", "graduates", "gap"]


class SupplyDemandMajorViewSet(ScopedReadOnlyViewSet):
    """SPEC 4.2 by major (city only), from the latest succeeded run of each period."""

    queryset = current_supply_demand(SupplyDemandMajorRow.objects.all()).order_by("year", "quarter", "major_code")
    serializer_class = SupplyDemandMajorSerializer
    filterset_class = SupplyDemandMajorRowFilterSet
    search_fields = ["major_code", "major_name"]
    ordering_fields = ["year", "quarter", "major_code", "demand", "graduates", "gap"]


class ScenarioSerializer(ScopedSerializer):
    changes = serializers.JSONField(
        required=False,
        help_text=_(
            "调整列表：{action: open, college_code, major_code, schooling, first_intake_year, intake}、"
            "{action: set_intake, program, from_year, factor} 或 {action: close, program, on}"
        ),
    )

    class Meta:
        model = Scenario
        fields = ["id", "name", "description", "year", "quarter", "changes", "created_by", "created_at", "updated_at"]
        read_only_fields = ["created_by", "created_at", "updated_at"]


class _Pair(serializers.Serializer):
    baseline = serializers.ListField(child=serializers.FloatField(allow_null=True), help_text=_("基准，6个值"))
    scenario = serializers.ListField(child=serializers.FloatField(allow_null=True), help_text=_("方案，6个值"))


class _Metrics(serializers.Serializer):
    alignment_rate = _Pair()
    cluster_coverage = _Pair()
    priority_major_share = _Pair()


class _Cluster(serializers.Serializer):
    cluster = serializers.CharField()
    cluster_name = serializers.CharField()
    graduates = _Pair()
    gap = _Pair()


class _Scope(serializers.Serializer):
    scope_type = serializers.CharField()
    scope_id = serializers.CharField(allow_blank=True)
    scope_name = serializers.CharField()
    metrics = _Metrics()
    clusters = _Cluster(many=True)


class ScenarioEvaluationSerializer(serializers.Serializer):
    """SPEC 4.3: years Y … Y+5; the city first, then each district."""

    years = serializers.ListField(child=serializers.IntegerField())
    scopes = _Scope(many=True)


class CanSee(permissions.BasePermission):
    """Any signed-in role, agencies included: for POST actions that only read (the scoping decides the rows)."""

    def has_permission(self, request, view):
        return role_of(request.user) is not None


class ScenarioViewSet(ScopedModelViewSet):
    """What-if scenarios (SPEC 4.3): the bureau keeps them, agencies read and evaluate them."""

    queryset = Scenario.objects.all()
    serializer_class = ScenarioSerializer
    filterset_class = ScenarioFilterSet
    search_fields = ["name", "description"]
    ordering_fields = ["updated_at", "created_at", "name", "year", "quarter"]
    save_service = staticmethod(scenarios.scenario_save)
    view_only_actions = ("evaluate",)

    def destroy_object(self, instance):
        scenarios.scenario_delete(scenario=instance, by=self.user)

    @extend_schema(
        request=None,
        responses=ScenarioEvaluationSerializer,
        summary=_("评估方案：基准与方案逐年对照"),
        description=_(
            "按方案的期间和调整计算基准与方案的逐年对照（全市在前，随后各区县）；不保存结果，任何能看到方案的角色都可调用。"
        ),
    )
    @action(detail=True, methods=["post"], permission_classes=[CanSee])
    def evaluate(self, request, pk=None):
        scenario = self.get_object()
        answer = scenarios.scenario_evaluate(year=scenario.year, quarter=scenario.quarter, changes=scenario.changes)
        return Response(answer)

    @extend_schema(
        request=None,
        responses={201: ScenarioSerializer},
        summary=_("复制方案（局端）"),
        description=_("局端复制一个方案（名称后加“（副本）”）以尝试变体而不改动原方案，回答 201 和新方案。"),
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        copy = scenarios.scenario_duplicate(scenario=self.get_object(), by=self.user)
        return self.respond(copy, status.HTTP_201_CREATED)


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("targets", TargetViewSet, basename="target")
    router.register("snapshots", SnapshotViewSet, basename="snapshot")
    router.register("metric-runs", MetricRunViewSet, basename="metric-run")
    router.register("review-rules", ReviewRuleViewSet, basename="review-rule")
    router.register("alerts", AlertViewSet, basename="alert")
    router.register("supply-demand", SupplyDemandViewSet, basename="supply-demand")
    router.register("supply-demand-majors", SupplyDemandMajorViewSet, basename="supply-demand-major")
    router.register("scenarios", ScenarioViewSet, basename="scenario")
