"""Streamed CSV and Excel exports of the asset list (same query string, same rows, same order)."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from assets.filters import filter_assets
from authentication.permissions import IsViewer
from exports.csv_writer import export_csv
from exports.rows import HEADERS, ExportRows, filename
from exports.summary import summary_table
from exports.xlsx import StreamingXlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@extend_schema(exclude=True)
class _ExportView(APIView):
    """DRF view for auth (session or Bearer), role check and JSON errors; the body is a plain stream."""

    permission_classes = [IsViewer]

    def perform_content_negotiation(self, request, force=False):
        # Errors (400/401/403) are JSON whatever the Accept header; success bypasses renderers.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def _stream(self, chunks, content_type: str, extension: str) -> StreamingHttpResponse:
        response = StreamingHttpResponse(chunks, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename(extension)}"'
        response["X-Accel-Buffering"] = "no"  # let nginx pass chunks through as they come
        response["Cache-Control"] = "no-store"
        return response


class CsvExportView(_ExportView):
    def get(self, request):
        filter_assets(request.GET)  # validate now: a bad parameter is a 400, not a broken download
        return self._stream(export_csv(request.GET), "text/csv; charset=utf-8", "csv")


class ExcelExportView(_ExportView):
    def get(self, request):
        filter_assets(request.GET)
        rows = ExportRows(request.GET, summarise=True)
        query = request.GET.urlencode()
        chunks = StreamingXlsx().stream(HEADERS, rows, lambda: summary_table(rows, query))
        return self._stream(chunks, XLSX_TYPE, "xlsx")
