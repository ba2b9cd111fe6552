"""The base serializer and viewset of every resource of /api/v1/.

Reads go through `Model.objects.restrict(user, "view")`, so another enterprise's or
college's row is a 404. A detail write first finds the row the user can see (404 if
absent), then asks `restrict(user, "change")`: a row the user sees but may not change is
a 403. Writes call the domain services (never `Model.save()`); the services validate and
raise ValidationError (→ 400) or PermissionDenied (→ 403). Related fields that name an
owner (`owner_fields`: a college, a program, a demand list…) accept only rows the user
may change, so naming someone else's college is a 400 "无效主键", and nothing is written.
"""

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .csv_export import CSVRenderer, csv_response
from .drf import JSONParser, OrderingFilter, SearchFilter
from .numbers import FiniteFloatField, validate_people
from .roles import Action, Role, role_of


class ScopedSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose related fields offer only rows the requesting user may use."""

    # Every float of the API is finite ("NaN" would be stored, then fail every page and JSON answer).
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.FloatField: FiniteFloatField,
    }

    # Related fields naming the row's owner: restricted to what the user may *change*.
    owner_fields: tuple[str, ...] = ()

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if validate_people in model_field.validators:
            # validate_people says "at most MAX_PEOPLE"; the database range's "≤ 2147483647" beside it
            # would be a second, confusing message for the same typo.
            kwargs.pop("max_value", None)
        return field_class, kwargs

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, field in fields.items():
            relation = getattr(field, "child_relation", field)
            queryset = getattr(relation, "queryset", None)
            if field.read_only or queryset is None or not hasattr(queryset, "restrict"):
                continue
            action = Action.CHANGE if name in self.owner_fields else Action.VIEW
            relation.queryset = queryset.restrict(user, action)
        return fields


class ScopedViewSet(viewsets.GenericViewSet):
    """Scoped reads and the 404/403 rule for detail writes; the mixins below add the operations.

    A viewset declares queryset, serializer_class, filterset_class, search/ordering fields and,
    when it writes, its `save_service(instance=…, by=…)` (the `<entity>_save` services);
    viewsets whose services take other arguments override `create_object` / `update_object`.
    """

    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    # Agencies' systems speak JSON; one request format keeps the schema and the validation simple.
    parser_classes = [JSONParser]
    # Detail actions that need only to *see* the row (the service checks the rest).
    view_only_actions: tuple[str, ...] = ()

    @property
    def model(self):
        return self.queryset.model

    @property
    def user(self):
        return self.request.user

    def get_queryset(self):
        return self.queryset.all().restrict(self.user, Action.VIEW)

    def get_object(self):
        instance = super().get_object()
        if self.request.method not in permissions.SAFE_METHODS and self.action not in self.view_only_actions:
            if not self.model.objects.restrict(self.user, Action.CHANGE).filter(pk=instance.pk).exists():
                raise PermissionDenied(_("您可以查看此数据，但无权修改。"))
        return instance

    def respond(self, instance, status_code=status.HTTP_200_OK):
        """The detail body of `instance` re-read through the list queryset (natural keys included)."""
        fresh = self.get_queryset().filter(pk=instance.pk).first() or instance
        return Response(self.get_serializer(fresh).data, status=status_code)

    def check_still_changeable(self, instance):
        # Safety net behind owner_fields and the services: a write may never leave a row
        # outside what the user may change (e.g. moved into another college); rolled back.
        if not self.model.objects.restrict(self.user, Action.CHANGE).filter(pk=instance.pk).exists():
            raise PermissionDenied(_("只能维护本单位的数据。"))


class ScopedReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """List and retrieve; the base of every resource. A list also comes as CSV (`?format=csv`)."""

    def get_renderers(self):
        renderers = super().get_renderers()
        return [*renderers, CSVRenderer()] if self.action == "list" else renderers

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == CSVRenderer.format:
            return csv_response(self, self.filter_queryset(self.get_queryset()))
        return super().list(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        # An error of a CSV request (a bad filter: 400) is answered in JSON like any other.
        if isinstance(response, Response) and isinstance(getattr(request, "accepted_renderer", None), CSVRenderer):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class ScopedCreateMixin:
    """POST through the service; `create_roles` says who may create rows at all."""

    create_roles: tuple[str, ...] = (Role.BUREAU,)
    save_service = None

    def create_object(self, data: dict):
        return self.save_service(instance=self.model(**data), by=self.user)

    def create(self, request, *args, **kwargs):
        if role_of(self.user) not in self.create_roles:
            raise PermissionDenied(_("您无权新增此类数据。"))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.create_object(dict(serializer.validated_data))
            self.check_still_changeable(instance)
        return self.respond(instance, status.HTTP_201_CREATED)


class ScopedUpdateMixin:
    """PUT and PATCH through the service."""

    save_service = None

    def update_object(self, instance, data: dict):
        for name, value in data.items():
            setattr(instance, name, value)
        return self.save_service(instance=instance, by=self.user)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.update_object(instance, dict(serializer.validated_data))
            self.check_still_changeable(instance)
        return self.respond(instance)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class ScopedDestroyMixin:
    """DELETE of a row the user may change; `destroy_roles` narrows it (None: whoever may change it)."""

    destroy_roles: tuple[str, ...] | None = None

    def destroy_object(self, instance):
        instance._history_user = self.user
        instance.delete()

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        if self.destroy_roles is not None and role_of(self.user) not in self.destroy_roles:
            raise PermissionDenied(_("您无权删除此数据。"))
        with transaction.atomic():
            self.destroy_object(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScopedModelViewSet(ScopedCreateMixin, ScopedUpdateMixin, ScopedDestroyMixin, ScopedReadOnlyViewSet):
    """All five operations."""


def changed_fields(instance, data: dict) -> dict:
    """Only the fields whose value differs, so a full PUT does not 'change' fields a role may not write."""
    return {name: value for name, value in data.items() if getattr(instance, name, object()) != value}
