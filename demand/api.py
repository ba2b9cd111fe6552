"""REST resources of demand: lists (一企一清单), items with their assignments and suggested programs."""

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from colleges.models import College
from enterprises.models import Enterprise
from portal.api import (
    ScopedCreateMixin,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ScopedSerializer,
    changed_fields,
)
from portal.numbers import validate_people
from portal.roles import Action, Role
from reference.api import IndustryCodeField

from . import selectors, services
from .choices import ItemStatus
from .filtersets import DemandItemFilterSet, DemandListFilterSet
from .models import DemandAssignment, DemandItem, DemandList


class DemandListSerializer(ScopedSerializer):
    owner_fields = ("enterprise",)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = DemandList
        fields = [
            "id",
            "enterprise",
            "uscc",
            "enterprise_name",
            "year",
            "quarter",
            "status",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "created_at",
        ]
        read_only_fields = ["status", "return_reason", "submitted_at", "reviewed_at", "created_at"]
        # POST is get-or-create: the quarter's existing list is answered, not refused.
        validators = []


class AssignmentSerializer(serializers.ModelSerializer):
    college_code = serializers.CharField(source="college.code", read_only=True, help_text=_("院校代码"))
    college_name = serializers.CharField(source="college.name", read_only=True)

    class Meta:
        model = DemandAssignment
        fields = ["college", "college_code", "college_name", "assigned_at"]
        read_only_fields = fields


class DemandItemSerializer(ScopedSerializer):
    owner_fields = ("demand_list",)
    # Annotated by DemandItemViewSet.queryset.
    enterprise = serializers.IntegerField(source="enterprise_pk", read_only=True)
    uscc = serializers.CharField(read_only=True)
    industry = IndustryCodeField(required=False, help_text=_("行业代码；不填则取企业所属行业"))
    is_overdue = serializers.BooleanField(read_only=True)
    # Prefetched by DemandItemViewSet into a plain list (to_attr): no related manager per row.
    assignments = AssignmentSerializer(source="visible_assignments", many=True, read_only=True)

    class Meta:
        model = DemandItem
        fields = [
            "id",
            "demand_list",
            "enterprise",
            "uscc",
            "year",
            "quarter",
            "list_status",
            "kind",
            "title",
            "industry",
            "major_code",
            "headcount",
            "due_on",
            "status",
            "fulfilled_on",
            "fulfilled_headcount",
            "is_overdue",
            "created_at",
            "updated_at",
            "assignments",
        ]
        read_only_fields = ["status", "fulfilled_on", "fulfilled_headcount", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # An item stays in its list; moving it would bypass the list's review state.
            fields["demand_list"].read_only = True
        return fields


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("退回原因"))


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=ItemStatus.choices)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class FulfilSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("销号日期，默认今天"))
    headcount = serializers.IntegerField(
        min_value=0, required=False, validators=[validate_people], help_text=_("实际满足人数，默认需求人数")
    )
    over_confirmed = serializers.BooleanField(
        required=False, default=False, help_text=_("实际满足人数超过需求人数时须为 true")
    )
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class AssignSerializer(serializers.Serializer):
    college = serializers.PrimaryKeyRelatedField(queryset=College.objects.all(), help_text=_("承接院校ID"))


class SuggestionSerializer(serializers.Serializer):
    program = serializers.IntegerField(source="program.pk")
    college_code = serializers.CharField(source="program.college.code")
    college_name = serializers.CharField(source="program.college.name")
    major_code = serializers.CharField(source="program.major.code")
    major_name = serializers.CharField(source="program.major.name")
    schooling = serializers.CharField(source="program.schooling")
    rank = serializers.IntegerField(help_text=_("1 同专业，2 同产业集群"))
    reason = serializers.CharField()
    expected_graduates = serializers.IntegerField(allow_null=True)
    graduates_year = serializers.IntegerField(allow_null=True)


# ---- viewsets ----------------------------------------------------------------------------


class DemandListViewSet(ScopedCreateMixin, ScopedReadOnlyViewSet):
    """一企一清单. POST is get-or-create for (enterprise, year, quarter); status moves by the actions."""

    queryset = DemandList.objects.select_related("enterprise")
    serializer_class = DemandListSerializer
    filterset_class = DemandListFilterSet
    search_fields = ["enterprise__name", "enterprise__uscc"]
    ordering_fields = ["year", "quarter", "status", "submitted_at", "created_at"]
    create_roles = (Role.BUREAU, Role.ENTERPRISE)

    @extend_schema(
        responses={201: DemandListSerializer, 200: DemandListSerializer},
        summary=_("取得或新建需求清单"),
        description=_(
            "按企业、年份和季度取得清单：尚无则新建（201），已有则回答 200 和原清单，不会重复。"
            "企业用户只能为本企业建清单；局端可为任一企业建。"
        ),
    )
    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        if getattr(self, "_existing", False):
            response.status_code = status.HTTP_200_OK
        return response

    def create_object(self, data):
        self._existing = DemandList.objects.filter(**data).exists()
        return services.demand_list_get_or_create(by=self.user, **data)

    @extend_schema(
        request=None,
        responses=DemandListSerializer,
        summary=_("提交清单（草稿/已退回 → 已提交）"),
        description=_("企业提交本企业的草稿或已退回清单，清单中至少要有一条需求；其他状态的清单回答 400。"),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.respond(services.demand_list_submit(demand_list=self.get_object(), by=self.user))

    @extend_schema(
        request=None,
        responses=DemandListSerializer,
        summary=_("受理清单（局端）"),
        description=_("局端受理已提交的清单；其他角色回答 403，未提交的清单回答 400。"),
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self.respond(services.demand_list_accept(demand_list=self.get_object(), by=self.user))

    @extend_schema(
        request=ReturnSerializer,
        responses=DemandListSerializer,
        summary=_("退回清单（局端，须填原因）"),
        description=_("局端把已提交的清单退回企业修改，reason 必填并会显示给企业。"),
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        demand_list = self.get_object()
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.respond(
            services.demand_list_return(demand_list=demand_list, by=self.user, reason=body.validated_data["reason"])
        )


class DemandItemViewSet(ScopedModelViewSet):
    """Demand items; content through create/update/delete, status through transition and fulfil, assignment
    through assign/unassign (bureau); the programs suggested to fill one. Each user sees the assignments
    they may see."""

    # The two columns wanted of the list and the enterprise, as subqueries rather than select_related:
    # no DemandList and Enterprise objects per row (province bench: the page 5.2 → 3.0 ms), and unlike
    # joined annotations they leave the page's COUNT(*) to the item index alone.
    queryset = DemandItem.objects.annotate(
        enterprise_pk=Subquery(DemandList.objects.filter(pk=OuterRef("demand_list_id")).values("enterprise_id")),
        uscc=Subquery(Enterprise.objects.filter(demand_lists=OuterRef("demand_list_id")).values("uscc")),
    )
    serializer_class = DemandItemSerializer
    filterset_class = DemandItemFilterSet
    search_fields = ["title", "demand_list__enterprise__name", "demand_list__enterprise__uscc", "major_code"]
    ordering_fields = ["id", "due_on", "status", "kind", "headcount", "created_at", "updated_at", "fulfilled_on"]
    # Newest first by primary key: PostgreSQL walks the pk index backwards and stops after a page
    # (bench, province: 500–610 ms → 15–26 ms for the page query).
    ordering = ["-id"]
    create_roles = (Role.BUREAU, Role.ENTERPRISE)

    def create_object(self, data):
        demand_list = data.pop("demand_list")
        return services.demand_item_create(demand_list=demand_list, by=self.user, **data)

    def update_object(self, instance, data):
        return services.demand_item_update(item=instance, by=self.user, **changed_fields(instance, data))

    def destroy_object(self, instance):
        services.demand_item_delete(item=instance, by=self.user)

    @extend_schema(
        request=TransitionSerializer,
        summary=_("变更需求状态（局端，留痕）"),
        description=_("局端按允许的流转变更需求状态并记录变更人、时间和说明；不允许的流转回答 400。"),
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        item = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.respond(services.demand_item_transition(item=item, by=self.user, **body.validated_data))

    @extend_schema(
        request=FulfilSerializer,
        summary=_("需求销号（局端）"),
        description=_("局端为需求销号：日期默认今天且不能晚于今天，实际满足人数默认需求人数；已销号的需求回答 400。"),
    )
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        item = self.get_object()
        body = FulfilSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.respond(services.demand_item_fulfil(item=item, by=self.user, **body.validated_data))

    serializer_class = DemandItemSerializer

    def get_queryset(self):
        assignments = DemandAssignment.objects.restrict(self.user, Action.VIEW).select_related("college")
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("assignments", queryset=assignments, to_attr="visible_assignments"))
        )

    @extend_schema(
        request=AssignSerializer,
        summary=_("分派给院校（局端）"),
        description=_(
            "局端把需求分派给一所院校，待对接的需求变为已对接；重复分派不变。清单未提交或需求已办结回答 400。"
        ),
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        item = self.get_object()
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.demand_item_assign(item=item, college=body.validated_data["college"], by=self.user)
        return self.respond(item)

    @extend_schema(
        request=AssignSerializer,
        summary=_("撤回分派（局端）"),
        description=_("局端撤回需求对一所院校的分派，需求状态不变；没有分派给该院校回答 400。"),
    )
    @action(detail=True, methods=["post"])
    def unassign(self, request, pk=None):
        item = self.get_object()
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.demand_item_unassign(item=item, college=body.validated_data["college"], by=self.user)
        return self.respond(item)

    @extend_schema(
        responses=SuggestionSerializer(many=True),
        summary=_("推荐专业点（同专业优先，其次同产业集群）"),
        description=_("可承接这条需求的专业点：先列同专业的，再列同产业集群的，并给出预计毕业生人数。不分页。"),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def suggestions(self, request, pk=None):
        item = self.get_object()
        return Response(SuggestionSerializer(selectors.suggested_programs(item=item), many=True).data)


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("demand-lists", DemandListViewSet, basename="demand-list")
    router.register("demand-items", DemandItemViewSet, basename="demand-item")
