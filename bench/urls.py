"""The portal's urls plus the bare floor view, mounted only while the benchmark runs (ROOT_URLCONF override)."""

from django.http import JsonResponse
from django.urls import path

from enterprises.models import DemandItem
from portal.api_urls import router
from portal.urls import urlpatterns as portal_urlpatterns

BARE_PATH = "bench/bare/demand-items/"
COLUMNS = [field.attname for field in DemandItem._meta.concrete_fields] + [
    "demand_list__enterprise_id",
    "demand_list__enterprise__uscc",
    "demand_list__year",
    "demand_list__quarter",
    "demand_list__status",
]

# The order the API lists in when no ?ordering= is given (the model's, unless the viewset sets one).
API_ORDERING = getattr(next(v for prefix, v, _ in router.registry if prefix == "demand-items"), "ordering", None)


def bare_demand_items(request):
    """The floor of the API list: the same filter, order, count and page as `.values()` in a JsonResponse.

    The item's columns and its list's (the API joins the same rows); no authentication, scoping,
    filterset, serializer or assignments: what is left is the database and Django's middleware,
    which the API request goes through as well.
    """
    page_size = min(int(request.GET.get("page_size", 50)), 500)
    page = int(request.GET.get("page", 1))
    rows = DemandItem.objects.filter(demand_list__year=int(request.GET["year"]), status=request.GET["status"])
    if API_ORDERING:
        rows = rows.order_by(*API_ORDERING)
    start = (page - 1) * page_size
    return JsonResponse(
        {"count": rows.count(), "results": list(rows.values(*COLUMNS)[start : start + page_size])},
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [path(BARE_PATH, bare_demand_items), *portal_urlpatterns]
