"""Asset list pagination with a cheap count (exact when small, estimated when large)."""

from __future__ import annotations

from collections import OrderedDict

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from assets.selectors import BRIEF_FIELDS, asset_list_page


class AssetPagination(PageNumberPagination):
    """Page-number pages whose `count` never costs a full scan.

    `count` is exact up to ASSETS_EXACT_COUNT_LIMIT matches; above that it is PostgreSQL's estimate
    and `count_is_estimate` is true. `next` is decided by fetching one row more than the page, so it
    is right even when the count is an estimate.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        try:
            self.page_number = int(request.query_params.get(self.page_query_param, 1))
            if self.page_number < 1:
                raise ValueError
        except ValueError:
            raise NotFound("Invalid page.")
        offset = (self.page_number - 1) * page_size
        params = request.query_params
        text_or_tag = bool(params.get("q") or params.get("tag"))
        # Rows as dicts (values()) where possible: no model instances to build (four per row with the
        # account, category and owner); AssetBriefSerializer takes both. Text/tag filters keep the
        # model queryset (their estimates and samples read the asset table alone); the page they read
        # by primary key comes as dicts of the same fields.
        source = queryset if text_or_tag else queryset.values(*BRIEF_FIELDS)
        rows, self.count, self.count_is_estimate = asset_list_page(
            source, offset=offset, limit=page_size + 1, text_or_tag=text_or_tag, fields=BRIEF_FIELDS
        )
        if not rows and self.page_number > 1:
            raise NotFound("Invalid page: that page contains no results.")
        self.has_next = len(rows) > page_size
        rows = rows[:page_size]
        seen = offset + len(rows)
        if self.count_is_estimate and not self.has_next:
            self.count, self.count_is_estimate = seen, False  # the last page: now we know
        self.count = max(self.count, seen + int(self.has_next))
        return rows

    def _url(self, number: int | None) -> str | None:
        if number is None:
            return None
        from rest_framework.utils.urls import remove_query_param, replace_query_param

        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("count", self.count),
                    ("count_is_estimate", self.count_is_estimate),
                    ("next", self._url(self.page_number + 1 if self.has_next else None)),
                    ("previous", self._url(self.page_number - 1 if self.page_number > 1 else None)),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        base = super().get_paginated_response_schema(schema)
        base["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "True when count is an estimate (more matches than ASSETS_EXACT_COUNT_LIMIT).",
        }
        base["required"] = ["count", "count_is_estimate", "results"]
        return base
