"""REST resource of this app: policies (惠企政策明白卡), with publish, archive and acknowledge actions."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from enterprises.choices import EnterpriseTag
from portal.api import ScopedCreateMixin, ScopedReadOnlyViewSet, ScopedSerializer, ScopedUpdateMixin
from portal.roles import Action, Role, role_of

from . import selectors, services
from .filtersets import PolicyCardFilterSet
from .models import PolicyCard, PolicyDelivery


class PolicyCardSerializer(ScopedSerializer):
    audience_tags = serializers.ListField(
        child=serializers.ChoiceField(choices=EnterpriseTag.choices),
        required=False,
        help_text=_("适用企业标签；空表示全部企业"),
    )
    deliveries_count = serializers.IntegerField(read_only=True, help_text=_("送达企业数（仅局端可见）"))
    acknowledged_count = serializers.IntegerField(read_only=True, help_text=_("已知晓企业数（仅局端可见）"))
    reach = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_("应知尽知率（无送达时为空；仅局端可见）")
    )

    class Meta:
        model = PolicyCard
        fields = [
            "id",
            "title",
            "category",
            "summary",
            "body",
            "issuer",
            "document_no",
            "effective_from",
            "effective_to",
            "audience_tags",
            "status",
            "published_at",
            "archived_at",
            "deliveries_count",
            "acknowledged_count",
            "reach",
        ]
        read_only_fields = ["status", "published_at", "archived_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Reach is the bureau's follow-up figure, as on the pages: others see the card, not who read it.
        if role_of(getattr(self.context.get("request"), "user", None)) != Role.BUREAU:
            for name in REACH_FIELDS:
                data.pop(name, None)
        return data


REACH_FIELDS = ("deliveries_count", "acknowledged_count", "reach")


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyDelivery
        fields = ["id", "card", "enterprise", "delivered_at", "acknowledged_at"]
        read_only_fields = fields


class PolicyCardViewSet(ScopedCreateMixin, ScopedUpdateMixin, ScopedReadOnlyViewSet):
    """Cards are never deleted once written: a published card is archived, keeping its deliveries."""

    queryset = selectors.card_reach(PolicyCard.objects.all())
    serializer_class = PolicyCardSerializer
    filterset_class = PolicyCardFilterSet
    search_fields = ["title", "summary", "issuer", "document_no"]

    @property
    def ordering_fields(self):
        # Ordering by reach would reveal it: the bureau's only.
        fields = ["published_at", "effective_from", "effective_to", "title", "category"]
        return [*fields, "reach"] if role_of(self.request.user) == Role.BUREAU else fields

    save_service = staticmethod(services.policy_card_save)
    view_only_actions = ("acknowledge",)

    @extend_schema(
        request=None,
        summary=_("发布并送达受众企业（局端）"),
        description=_("局端发布草稿政策卡，并送达受众中的每家企业；再次发布只送达尚未送达的企业，已归档的卡回答 400。"),
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self.respond(services.policy_card_publish(card=self.get_object(), by=self.user))

    @extend_schema(
        request=None,
        summary=_("归档（局端）"),
        description=_("局端归档已发布的政策卡，送达记录和反馈保留；未发布或已归档的卡回答 400。"),
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self.respond(services.policy_card_archive(card=self.get_object(), by=self.user))

    @extend_schema(
        request=None,
        responses=DeliverySerializer,
        summary=_("确认知晓（企业用户，对本企业收到的卡）"),
        description=_("企业用户确认本企业已知晓收到的政策卡，回答送达记录；本企业没有收到这张卡时回答 404。"),
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        card = self.get_object()
        delivery = PolicyDelivery.objects.restrict(self.user, Action.CHANGE).filter(card=card).first()
        if delivery is None:
            raise NotFound(_("本单位没有收到这张政策卡。"))
        return Response(DeliverySerializer(services.policy_acknowledge(delivery=delivery, by=self.user)).data)


def register(router):
    """Register this app's resources on the /api/v1/ router."""
    router.register("policies", PolicyCardViewSet, basename="policy")
