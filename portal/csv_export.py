"""`?format=csv` on every API list (issue 16): the JSON rows as CSV, streamed.

Same filters, search, ordering and scoping as the JSON list, but every row and no pages. UTF-8
with a BOM so Excel reads the Chinese; the header is the JSON field names; a list cell joins its
values with `;` (SPEC 7), an object (a scenario's change) is written as JSON; true/false as in JSON.
"""

import csv
import itertools
import json

from django.http import StreamingHttpResponse
from rest_framework import renderers

CHUNK = 2000  # rows fetched (and serialised) at a time: memory stays flat whatever the list's size


class CSVRenderer(renderers.BaseRenderer):
    """Lets content negotiation accept `?format=csv` (and Accept: text/csv) on lists; the list itself
    streams the body (ScopedReadOnlyViewSet.list), errors answer in JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("CSV lists are streamed by the view")  # never reached: see finalize_response


def cell(value) -> str:
    """A JSON value as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(cell(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class _Echo:
    def write(self, value):
        return value


def _lines(serializer_class, queryset, context):
    fields = [name for name, field in serializer_class(context=context).fields.items() if not field.write_only]
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(fields)
    rows = queryset.iterator(chunk_size=CHUNK)
    while batch := list(itertools.islice(rows, CHUNK)):
        data = serializer_class(batch, many=True, context=context).data
        yield "".join(writer.writerow([cell(row.get(name)) for name in fields]) for row in data)


def csv_response(view, queryset) -> StreamingHttpResponse:
    """The rows of `queryset` as the view's serializer shows them, as a streamed CSV download."""
    lines = _lines(view.get_serializer_class(), queryset, view.get_serializer_context())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{view.basename}.csv"'
    return response
