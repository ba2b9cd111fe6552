"""Django admin for policy cards, deliveries and feedback.

A card's status moves only through the publish / archive actions, which call the services
(publishing is what delivers the card to its audience).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import PolicyCard, PolicyDelivery, PolicyFeedback
from .services import policy_card_archive, policy_card_publish


def _run(modeladmin, request, queryset, service, done_message):
    done = 0
    for card in queryset:
        try:
            service(card=card, by=request.user)
            done += 1
        except ValidationError as error:
            modeladmin.message_user(request, f"{card}: {'; '.join(error.messages)}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)


@admin.action(description=_("发布所选政策卡（送达适用企业）"))
def publish(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, policy_card_publish, _("已发布 %(n)s 张政策卡。"))


@admin.action(description=_("归档所选政策卡"))
def archive(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, policy_card_archive, _("已归档 %(n)s 张政策卡。"))


@admin.register(PolicyCard)
class PolicyCardAdmin(SimpleHistoryAdmin):
    list_display = ("title", "category", "issuer", "document_no", "effective_from", "status", "published_at")
    list_filter = ("status", "category")
    search_fields = ("title", "issuer", "document_no")
    readonly_fields = ("status", "published_at", "archived_at", "created_by", "created_at")
    list_select_related = ("created_by",)
    actions = [publish, archive]

    def get_readonly_fields(self, request, obj=None):
        # A delivered card keeps its audience (policy_card_save refuses the change too).
        if obj is not None and obj.status != "draft":
            return (*self.readonly_fields, "audience_tags")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PolicyDelivery)
class PolicyDeliveryAdmin(admin.ModelAdmin):
    list_display = ("card", "enterprise", "delivered_at", "acknowledged_at", "acknowledged_by")
    list_filter = ("card",)
    search_fields = ("card__title", "enterprise__name", "enterprise__uscc")
    raw_id_fields = ("card",)
    autocomplete_fields = ("enterprise",)
    list_select_related = ("card", "enterprise", "acknowledged_by")


@admin.register(PolicyFeedback)
class PolicyFeedbackAdmin(admin.ModelAdmin):
    list_display = ("card", "enterprise", "year", "quarter", "benefited", "answered_at")
    list_filter = ("year", "quarter", "benefited")
    search_fields = ("card__title", "enterprise__name")
    raw_id_fields = ("card",)
    autocomplete_fields = ("enterprise",)
    list_select_related = ("card", "enterprise")
