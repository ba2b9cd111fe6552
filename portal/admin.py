"""The user admin with each user's portal role (UserProfile) edited inline; API tokens are not in the admin."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from .models import UserProfile


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    autocomplete_fields = ("college", "enterprise", "unit")


class PortalUserAdmin(UserAdmin):
    inlines = [UserProfileInline]
    list_display = ("username", "email", "is_staff", "is_active", "role", "owner")
    list_select_related = ("profile__college", "profile__enterprise", "profile__unit")
    list_filter = UserAdmin.list_filter + ("profile__role",)

    @admin.display(description=UserProfile._meta.get_field("role").verbose_name)
    def role(self, user):
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else ""

    @admin.display(description=_("所属院校/企业/单位"))
    def owner(self, user):
        profile = getattr(user, "profile", None)
        return (profile.college or profile.enterprise or profile.unit or "") if profile else ""


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PortalUserAdmin)

# DRF's token admin lists every key in full, to anyone with admin access, on every visit. Tokens
# are issued and revoked on the bureau's page (portal.tokens), which shows a key once, at issue.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)
