"""API benchmark: the three big lists at the size of a small and a very large call.

Seeds two workshops in a dedicated PostgreSQL database (with bench_pages.py's seeding):
  small: 10 submissions,        5 reviewers,     30 submitted reviews x 11 criteria
  large: 10,000 submissions, 5,000 reviewers, 30,000 submitted reviews x 11 criteria
then asks, as AI Office staff with a personal token (`Authorization: Bearer`), for the
first page of each list filtered by the workshop, and prints per list:

  bench: api <name> queries_small=<n> queries_large=<n> ms_small=<n> ms_large=<n>

Target: equal query counts, and ms_large within 1.3x of ms_small. Both pages hold the
same number of rows (page_size=10, as the small call has only 10 submissions), so the
figures show what the size of the call costs, not what a longer page costs.

The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
bench_api); it is created if missing and seeded once (--reseed starts again). Timings are
the median of 15 requests after 3 warm-up requests.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_api")

import bench_pages  # noqa: E402  (sets DATABASE_URL from BENCH_DATABASE_URL)

SIZES = {
    "small": {"submissions": 10, "reviewers": 5, "reviews_per_submission": 3},
    "large": {"submissions": 10_000, "reviewers": 5_000, "reviews_per_submission": 3},
}
LISTS = {
    "submissions": "/api/v1/submissions/",
    "reviews": "/api/v1/reviews/",
    "assignments": "/api/v1/assignments/",
}
RUNS, WARMUP = 15, 3


def measure(client, url: str, headers: dict) -> tuple[int, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    timings, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return queries, statistics.median(timings), response.json()["count"]


def main() -> int:
    bench_pages.ensure_database(reseed="--reseed" in sys.argv)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from portal.models import User, Workshop
    from portal.services.tokens import api_token_create

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    for name, spec in SIZES.items():
        bench_pages.seed(f"api-{name}", spec)
    bench_pages.ensure_staff()
    # Fresh statistics and visibility map, as autovacuum keeps them after a bulk load: a
    # count of 30,000 rows then reads the index alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"# seeded or reused in {time.perf_counter() - started:.1f} s")
    setup_test_environment()
    settings.API_RATE_LIMIT = "100000/minute"
    staff = User.objects.get(email="bench-staff@bench.example")
    _token, secret = api_token_create(
        user=staff, name="bench", scopes=["submissions:read", "reviews:read", "assignments:read"]
    )
    headers = {"Authorization": f"Bearer {secret}"}
    client = Client()
    ok = True
    for list_name, path in LISTS.items():
        figures = {}
        for size in SIZES:
            workshop = Workshop.objects.get(title=f"Bench workshop api-{size}")
            url = f"{path}?workshop={workshop.code}&page_size=10"
            figures[size] = measure(client, url, headers)
        (qs, ms_s, n_s), (ql, ms_l, n_l) = figures["small"], figures["large"]
        print(
            f"bench: api {list_name} queries_small={qs} queries_large={ql} "
            f"ms_small={ms_s:.1f} ms_large={ms_l:.1f}  # rows {n_s} vs {n_l}"
        )
        if qs != ql or ms_l > 1.3 * ms_s:
            ok = False
    if not ok:
        print("target missed: query counts differ or ms_large > 1.3 x ms_small", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
