"""DRF settings hooks (pagination, role permission, error format).

Kept apart from portal.api because DRF imports these while loading its settings,
before rest_framework.views can be imported.
"""

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, filters, pagination, parsers, permissions
from rest_framework.exceptions import APIException, AuthenticationFailed, NotFound, ParseError, ValidationError

from .roles import Role, role_of


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, loading the user's role (profile) in the same query."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        token = model.objects.select_related("user__profile").filter(key=key).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)


# No resource nests deeper than a scenario's list of changes (3); 32 leaves room and stops a body
# nested 10 000 deep, which json parses by recursion (RecursionError, a 500) and which any later
# recursive walk (validation, logging) would trip over too.
MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that answers 400 for a body nested deeper than MAX_JSON_DEPTH."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON 嵌套层数过多（最多 %(n)s 层）。") % {"n": MAX_JSON_DEPTH})
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(_("JSON 嵌套层数过多（最多 %(n)s 层）。") % {"n": MAX_JSON_DEPTH})
        return data


def json_depth(data) -> int:
    """How deeply lists and objects nest in parsed JSON (a scalar: 0), without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_JSON_DEPTH:  # no need to look further down once over the limit
            stack.extend((child, depth + 1) for child in children)
    return deepest


class CursorPagination(pagination.CursorPagination):
    """Keyset pages in id order: `WHERE id > last ORDER BY id LIMIT n`, as fast on the 1 000th page as on
    the first, and a walk sees every row once even while rows are added. No count."""

    ordering = ("id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request):
        # A cursor that is not one of ours is bad input naming the parameter (DRF answers 404).
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [_("无效的游标。")]}) from None

    def get_ordering(self, request, queryset, view):
        # A unique key keeps the cursor exact; `ordering` of the page-number mode does not apply here.
        if request.query_params.get("ordering"):
            raise ValidationError({"ordering": [_("游标分页按 id 排序，不能同时指定 ordering。")]})
        return self.ordering


class Pagination(pagination.PageNumberPagination):
    """SPEC 6 pages `{count, next, previous, results}` by `page`; with `pagination=cursor` (or a `cursor`
    from a previous answer) keyset pages `{next, previous, results}` instead, for deep walks (issue 16)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor = None

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        if params.get("pagination") == "cursor" or CursorPagination.cursor_query_param in params:
            self.cursor = CursorPagination()
            return self.cursor.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.cursor is not None:
            return self.cursor.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        # One schema for both modes: `count` is left out of cursor pages.
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["results"]
        paginated["properties"]["count"]["description"] = str(_("总条数（游标分页时不返回）"))
        return paginated

    def _page_parameters(self):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(_("页码，从 1 开始；超出范围回答 404。")),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("每页条数，默认 %(default)s，最多 %(max)s（更大的值按 %(max)s 处理）。"))
                % {"default": self.page_size, "max": self.max_page_size},
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def get_schema_operation_parameters(self, view):
        own = self._page_parameters()
        names = {parameter["name"] for parameter in own}
        return [
            *own,
            {
                "name": "pagination",
                "required": False,
                "in": "query",
                "description": str(_("cursor：按 id 的游标分页（无 count），深页与首页一样快")),
                "schema": {"type": "string", "enum": ["cursor"]},
            },
            *(p for p in CursorPagination().get_schema_operation_parameters(view) if p["name"] not in names),
        ]


def field_label(model, path: str) -> str:
    """`demand_list__enterprise__name` as the user reads it (企业·名称), with the parameter path after it."""
    names = []
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return path
        model = field.related_model
        names.append(str(model._meta.verbose_name if model is not None else field.verbose_name))
    return f"{'·'.join(names)}（{path}）"


class SearchFilter(filters.SearchFilter):
    """`?search=` that answers 400 for a NUL character instead of letting PostgreSQL fail on it, and names
    the fields it looks in in the schema."""

    def get_search_terms(self, request):
        terms = super().get_search_terms(request)
        if any("\x00" in term for term in terms):
            raise ValidationError({self.search_param: [_("搜索词不能包含空字符。")]})
        return terms

    def get_schema_operation_parameters(self, view):
        fields = self.get_search_fields(view, getattr(view, "request", None)) or []
        model = getattr(getattr(view, "queryset", None), "model", None)
        labels = "、".join(field_label(model, field.lstrip("^=@$")) for field in fields)
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": str(
                    _(
                        "在以下字段中查找（包含即匹配，不区分大小写；空格分隔的多个词须都能在这些字段中找到）：%(fields)s"
                    )
                )
                % {"fields": labels},
                "schema": {"type": "string"},
            }
        ]


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=` that answers 400 naming an unknown field (DRF ignores it silently, so an integrator would
    get another order than asked without noticing); its schema lists the allowed fields. Every list may also
    order by `id` and `updated_at`: the stable orders a mirror walks in."""

    ALWAYS = ("id", "updated_at")

    def get_valid_fields(self, queryset, view, context=None):
        valid = super().get_valid_fields(queryset, view, context or {})
        names = {name for name, _label in valid}
        model_fields = {field.name for field in queryset.model._meta.concrete_fields} if queryset is not None else ()
        return valid + [(name, name) for name in self.ALWAYS if name in model_fields and name not in names]

    def allowed(self, view, request) -> list[str]:
        return [name for name, _label in self.get_valid_fields(view.queryset, view, {"request": request})]

    def remove_invalid_fields(self, queryset, fields, view, request):
        allowed = set(self.allowed(view, request))
        fields = [term for term in fields if term]
        unknown = [term for term in fields if term.removeprefix("-") not in allowed]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("未知的排序字段：%(fields)s。可用的字段：%(allowed)s。")
                        % {"fields": "、".join(unknown), "allowed": "、".join(sorted(allowed))}
                    ]
                }
            )
        return fields

    def get_schema_operation_parameters(self, view):
        fields = self.allowed(view, getattr(view, "request", None))
        default = self.get_default_ordering(view)
        description = str(_("排序字段，逗号分隔可多个，前加 - 为倒序；未知字段回答 400。"))
        if default:
            description += str(_("默认：%(default)s。")) % {"default": ",".join(default)}
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "array", "items": {"type": "string", "enum": [*fields, *(f"-{f}" for f in fields)]}},
                "style": "form",
                "explode": False,
            }
        ]


class RolePermission(permissions.BasePermission):
    """Signed-in users with a role; agencies read only. Row-level rules live in each app's scoping."""

    def has_permission(self, request, view):
        role = role_of(request.user)
        if role is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return role != Role.AGENCY


class Conflict(APIException):
    status_code = 409
    default_detail = _("与已有数据冲突。")
    default_code = "conflict"


def exception_handler(exc, context):
    """Service errors become JSON: ValidationError → 400 with field-level messages; a delete of a row
    still referenced (PROTECT) or a lost race on a unique key → 409; Django's Http404 ("No DemandItem
    matches the given query.") → a 404 in the request's language that names no model (a view with
    something to say raises DRF's NotFound)."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        exc = NotFound()  # DRF's "Not found." and its translations (zh-hans: 未找到。)
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict(_("仍有其他数据引用它，不能删除。"))
    elif isinstance(exc, IntegrityError):
        exc = Conflict(_("与已有数据冲突（可能刚被他人修改），请刷新后重试。"))
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = ValidationError(
                {
                    "non_field_errors" if field == NON_FIELD_ERRORS else field: [m for e in errs for m in e.messages]
                    for field, errs in exc.error_dict.items()
                }
            )
        else:
            exc = ValidationError({"non_field_errors": exc.messages})
    return drf_exception_handler(exc, context)
