"""The portal's urls plus the bare floor view, mounted only while the benchmark runs (ROOT_URLCONF override)."""

from collections import defaultdict

from django.http import JsonResponse
from django.urls import path

from demand.models import DemandAssignment, DemandItem
from portal.api_urls import router
from portal.urls import urlpatterns as portal_urlpatterns

BARE_PATH = "bench/bare/demand-items/"
COLUMNS = [field.attname for field in DemandItem._meta.concrete_fields] + [
    "demand_list__enterprise_id",
    "demand_list__enterprise__uscc",
]

ASSIGNMENT_COLUMNS = ["item_id", "college_id", "college__code", "college__name", "assigned_at"]

# The order the API lists in when no ?ordering= is given (the model's, unless the viewset sets one).
API_ORDERING = getattr(next(v for prefix, v, _ in router.registry if prefix == "demand-items"), "ordering", None)


def bare_demand_items(request):
    """The floor of the API list: the same filter, order, count and page as `.values()` in a JsonResponse.

    The same data as the API's page: the item's columns, its enterprise's, and the colleges it is
    assigned to; no authentication, scoping, filterset or serializer: what is left is the database
    and Django's middleware, which the API request goes through as well.
    """
    page_size = min(int(request.GET.get("page_size", 50)), 500)
    page = int(request.GET.get("page", 1))
    rows = DemandItem.objects.filter(year=int(request.GET["year"]), status=request.GET["status"])
    if API_ORDERING:
        rows = rows.order_by(*API_ORDERING)
    start = (page - 1) * page_size
    results = list(rows.values(*COLUMNS)[start : start + page_size])
    assigned = defaultdict(list)
    for row in DemandAssignment.objects.filter(item_id__in=[r["id"] for r in results]).values(*ASSIGNMENT_COLUMNS):
        assigned[row["item_id"]].append(row)
    for row in results:
        row["assignments"] = assigned[row["id"]]
    return JsonResponse(
        {"count": rows.count(), "results": results},
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [path(BARE_PATH, bare_demand_items), *portal_urlpatterns]
