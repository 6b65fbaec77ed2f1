from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination


class FirstPageCountingPaginator(Paginator):
    """Django's Paginator, except that page 1 of a queryset is read with one row more than a page:
    when that is every row (most lists and an asset's history fit one page), their number is the
    count and the COUNT query is not run. Otherwise the count is queried as before. Same pages."""

    def page(self, number):
        if (
            number not in (1, "1")
            or self.orphans
            or "count" in self.__dict__
            or not isinstance(self.object_list, QuerySet)
        ):
            return super().page(number)
        rows = list(self.object_list[: self.per_page + 1])
        if len(rows) <= self.per_page:
            self.__dict__["count"] = len(rows)  # where the `count` cached_property keeps its value
        number = self.validate_number(number)  # the count (queried only when there is more than a page)
        return self._get_page(rows[: self.per_page], number, self)


class StandardPagination(PageNumberPagination):
    django_paginator_class = FirstPageCountingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
