"""GET /api/v1/bundle/: the SPEC 7 bundle as a zip of CSV files, holding only what the caller may view.

Here rather than in portal because it reuses the exporter (exchange stands above every domain app).
"""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets

from .exporter import bundle_zip_stream


class BundleViewSet(viewsets.ViewSet):
    """The caller's bundle: every file of SPEC 7 with the rows the caller may view (an enterprise: its own)."""

    @extend_schema(
        summary=_("下载数据包"),
        description=_(
            "数据交换格式的全部文件（每个文件一个 CSV，UTF-8 带 BOM）打包为 zip，"
            "只含调用者可查看的数据：企业和院校只得到自己的数据。边生成边传输，全省数据也不占满内存。"
        ),
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def list(self, request):
        response = StreamingHttpResponse(bundle_zip_stream(request.user), content_type="application/zip")
        name = f"bundle-{timezone.localdate().isoformat()}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def register(router):
    router.register("bundle", BundleViewSet, basename="bundle")
