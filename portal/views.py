"""Error pages shared by the whole portal: JSON under /api/, the portal's pages elsewhere."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def not_found(request, exception=None):
    """404: JSON under /api/ (integrators parse errors there), the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500: JSON under /api/, the plain server-error page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("服务器内部错误，请稍后重试。")}, status=500)
    return defaults.server_error(request)
