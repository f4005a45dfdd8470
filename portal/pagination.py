from collections.abc import Callable

from django.core.paginator import Page, Paginator


class AnnotatedPaginator(Paginator):
    """Pages a plain queryset, then loads the page's rows through `rows(ids)`.

    For lists whose rows carry aggregates (counts over assignments, say): ordering and
    counting the plain queryset uses indexes, and the aggregates are computed for the 50
    rows shown instead of for every row of a 10,000-row call before LIMIT applies.
    """

    def __init__(self, object_list, per_page, *, rows: Callable[[list[int]], list], **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._rows = rows

    def page(self, number) -> Page:
        page = super().page(number)
        ids = list(page.object_list.values_list("pk", flat=True))
        by_id = {row.pk: row for row in self._rows(ids)}
        page.object_list = [by_id[pk] for pk in ids if pk in by_id]
        return page


class CountedPaginator(Paginator):
    """Pages a queryset whose length is already known (from cached figures, say): no COUNT
    query over a 10,000-row list."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count
