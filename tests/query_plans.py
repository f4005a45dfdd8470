"""The plan PostgreSQL picks for a list's page, with sorting and full scans priced out: a
page that an index serves in order shows no Sort node, at any size."""

from django.db import connection
from django.db.models import QuerySet


def page_plan(queryset: QuerySet) -> str:
    """EXPLAIN of the queryset's first page, inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def sorted_nodes(plan: str) -> list[str]:
    """The plan's Sort nodes (a top-N heapsort over every row of the list)."""
    return [
        line for line in plan.splitlines() if line.strip().lstrip("->").strip().startswith("Sort")
    ]
