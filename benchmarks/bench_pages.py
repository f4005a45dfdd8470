"""Page benchmark at the scale of a large call (issue: criteria and reviews).

Seeds two workshops in a dedicated PostgreSQL database:
  small: 100 submissions,     50 reviewers,    300 submitted reviews x 11 criteria
  large: 10,000 submissions, 5,000 reviewers, 30,000 submitted reviews x 11 criteria
then renders, through Django's test client against the real views, the reviewer
dashboard, the progress board (first page) and one submission's aggregate page in each,
and prints per page:

  bench: page <name> queries_small=<n> queries_large=<n> ms_small=<n> ms_large=<n>

Then the staff's audit log (`audit_log`) with 100 and with 1,000,000 events (inserted by
one INSERT ... SELECT FROM generate_series, with dummy hashes: the chain does not matter
for reading), first page unfiltered and, as `audit_log_<filter>`, filtered by workshop,
action, actor, object and a week of dates, and an older page; the query plans of the
first page and of filtered ones, and the rows each page shows, are printed as "#"
lines. `--only audit_log` runs just this case.

The consolidated assessment's page (`consolidation_lead`, `--only consolidation`): staff as
the lead of one submission with 3 submitted reviews in the small and in the large call; and
(`consolidation_lead_12_reviews`) with 3 against 12 reviews, where only the query count
must stay equal (the page shows four times as much).

Target: equal query counts, and ms_large within 1.3x of ms_small (for the filtered audit
pages, equal query counts only: a filter matches fewer than a page of the 100 events).

The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
bench_pages); it is created if missing and seeded once (re-runs reuse it; pass --reseed to
start again). Timings are the median of 9 renders after 2 warm-up renders.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_pages")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ["CACHE_URL"] = "locmem"
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"

SIZES = {
    "small": {"submissions": 100, "reviewers": 50, "reviews_per_submission": 3},
    "large": {"submissions": 10_000, "reviewers": 5_000, "reviews_per_submission": 3},
}
RUNS, WARMUP = 9, 2


def ensure_database(*, reseed: bool) -> None:
    import psycopg2
    from dj_database_url import parse

    config = parse(BENCH_URL)
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or "postgres",
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        password=config["PASSWORD"] or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        if reseed:
            cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    connection.close()


def seed(name: str, spec: dict) -> None:
    from django.db import transaction
    from django.utils import timezone

    from criteria.models import CriteriaSet, Criterion, CriterionGroup
    from portal.models import Organisation, User, Workshop
    from reviews.models import Assignment, CriterionScore, Review, ReviewerApplication
    from submissions.models import RiskArea, Submission

    now = timezone.now()
    title = f"Bench workshop {name}"
    if Workshop.objects.filter(title=title).exists():
        return
    with transaction.atomic():
        workshop = Workshop.objects.create(
            title=title,
            submission_opens_at=now - timedelta(days=60),
            submission_closes_at=now - timedelta(days=30),
            review_deadline=now + timedelta(days=10),
        )
        criteria_set = CriteriaSet.objects.filter(workshop=workshop).first()
        if criteria_set is None or criteria_set.criteria.count() < 11:
            criteria_set = CriteriaSet.objects.create(
                workshop=workshop,
                title="Bench criteria",
                version=(criteria_set.version + 1) if criteria_set else 1,
            )
            levels = [{"level": i, "descriptor": f"Level {i}"} for i in range(5)]
            for g in range(6):
                group = CriterionGroup.objects.create(
                    criteria_set=criteria_set, code=f"G{g}", title=f"Group {g}", position=g
                )
                for c in range(2 if g < 5 else 1):
                    Criterion.objects.create(
                        criteria_set=criteria_set,
                        group=group,
                        code=f"C{g}{c}",
                        title=f"Criterion {g}.{c}",
                        levels=levels,
                        position=c,
                    )
        criteria = list(criteria_set.criteria.order_by("pk"))[:11]

        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"{name} org {i}", type="research", country="BE")
            for i in range(max(10, spec["submissions"] // 30))
        )
        contact = User.objects.create(email=f"{name}-contact@bench.example", password="!")
        submissions = Submission.objects.bulk_create(
            (
                Submission(
                    workshop=workshop,
                    organisation=organisations[i % len(organisations)],
                    contact=contact,
                    title=f"{name} evaluation {i}",
                    state=Submission.State.ELIGIBLE,
                    submitted_at=now - timedelta(days=40),
                )
                for i in range(spec["submissions"])
            ),
            batch_size=5000,
        )
        through = Submission.risk_areas.through
        areas = list(RiskArea.objects.order_by("pk"))
        through.objects.bulk_create(
            (through(submission=s, riskarea=areas[i % 4]) for i, s in enumerate(submissions)),
            batch_size=5000,
        )
        reviewers = User.objects.bulk_create(
            (
                User(email=f"{name}-reviewer{i}@bench.example", password="!", full_name=f"R{i}")
                for i in range(spec["reviewers"])
            ),
            batch_size=5000,
        )
        ReviewerApplication.objects.bulk_create(
            (
                ReviewerApplication(
                    workshop=workshop,
                    user=u,
                    state="approved",
                    statement="Bench.",
                    languages=["en"],
                    max_reviews=10,
                )
                for u in reviewers
            ),
            batch_size=5000,
        )
        assignments = []
        k = spec["reviews_per_submission"]
        for i, submission in enumerate(submissions):
            for j in range(k):
                reviewer = reviewers[(i * k + j) % len(reviewers)]
                assignments.append(
                    Assignment(
                        workshop=workshop,
                        submission=submission,
                        reviewer=reviewer,
                        state="accepted",
                    )
                )
        assignments = Assignment.objects.bulk_create(assignments, batch_size=5000)
        reviews = Review.objects.bulk_create(
            (
                Review(
                    assignment=a,
                    criteria_set=criteria_set,
                    state="submitted",
                    confidence=3 + (n % 3),
                    recommendation="maybe",
                    submitted_at=now,
                    summary="Bench review.",
                )
                for n, a in enumerate(assignments)
            ),
            batch_size=5000,
        )
        scores = (
            CriterionScore(
                review=r,
                criterion=c,
                level=(n + m) % 5,
                tag="aligned" if (n + m) % 3 else "gap",
                justification="Bench justification text.",
            )
            for n, r in enumerate(reviews)
            for m, c in enumerate(criteria)
        )
        CriterionScore.objects.bulk_create(scores, batch_size=10_000)


def measure(client, url: str) -> tuple[int, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    queries = 0
    for _ in range(RUNS):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return queries, statistics.median(timings)


def pages_for(name: str) -> dict[str, tuple]:
    """(user, url) per page for the workshop of this size."""
    from django.urls import reverse

    from portal.models import User, Workshop
    from reviews.models import Assignment

    workshop = Workshop.objects.get(title=f"Bench workshop {name}")
    reviewer = User.objects.get(email=f"{name}-reviewer7@bench.example")
    staff = User.objects.get(email="bench-staff@bench.example")
    submission = Assignment.objects.filter(workshop=workshop).order_by("pk")[30].submission
    return {
        # A participant of the criteria debate (ensure_debate_world) reads its proposals.
        "proposals_list": (reviewer, reverse(PROPOSALS_URL, args=[workshop.code])),
        # The same participant's agenda (AGENDA_SESSIONS sessions of its proposals).
        "agenda": (reviewer, reverse(AGENDA_URL, args=[workshop.code])),
        "reviewer_dashboard": (reviewer, reverse(DASHBOARD_URL)),
        "progress_board": (staff, reverse(PROGRESS_URL, args=[workshop.code])),
        "submission_aggregate": (
            staff,
            reverse(AGGREGATE_URL, args=[workshop.code, submission.code]),
        ),
    }


DASHBOARD_URL = "reviews:review_list"
PROPOSALS_URL = "debate:proposal_list"
# Proposals to change the criteria per bench workshop: a debate's 20 against 2,000.
PROPOSALS = {"small": 20, "large": 2_000}
PROGRESS_URL = "reviews:staff_progress"
AGENDA_URL = "debate:agenda"
# A workshop's agenda is a day or two of sessions whatever the size of the call: the same
# sessions at both sizes, so the case shows the page does not grow with the 2,000
# proposals and their stances behind it.
AGENDA_SESSIONS = 8
AGENDA_PROPOSALS_PER_SESSION = 5
AGGREGATE_URL = "reviews:aggregate_submission"


def ensure_staff():
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth.models import Group

    from portal.models import User

    staff, created = User.objects.get_or_create(
        email="bench-staff@bench.example", defaults={"password": "!"}
    )
    staff.groups.add(Group.objects.get(name=settings.STAFF_GROUP_NAME))
    if not Authenticator.objects.filter(user=staff, type="totp").exists():
        TOTP.activate(staff, generate_totp_secret())


def ensure_debate_world() -> None:
    """Each bench workshop's proposals (PROPOSALS), with stances and a comment on some, and
    its reviewer7 a participant (accepted workshop invitation). Added once, kept."""
    from criteria.models import CriteriaSet
    from debate.models import Proposal, ProposalComment, ProposalStance
    from portal.models import User, Workshop
    from reviews.models import WorkshopInvitation

    for name, count in PROPOSALS.items():
        workshop = Workshop.objects.get(title=f"Bench workshop {name}")
        reviewer = User.objects.get(email=f"{name}-reviewer7@bench.example")
        WorkshopInvitation.objects.update_or_create(
            workshop=workshop,
            user=reviewer,
            defaults={"kind": "reviewer", "state": WorkshopInvitation.State.ACCEPTED},
        )
        have = Proposal.objects.filter(workshop=workshop).count()
        if have >= count:
            ensure_agenda(workshop)
            continue
        criteria_set = CriteriaSet.objects.filter(workshop=workshop).order_by("-version").first()
        criteria = list(criteria_set.criteria.order_by("position", "pk"))
        voters = list(User.objects.filter(email__startswith=f"{name}-reviewer")[:5])
        kinds = [k for k in Proposal.Kind.values if k != Proposal.Kind.ADD]
        made = Proposal.objects.bulk_create(
            Proposal(
                workshop=workshop,
                criteria_set=criteria_set,
                criterion=criteria[i % len(criteria)],
                kind=kinds[i % len(kinds)],
                title=f"Bench proposal {i}",
                rationale="Reviewers read the criterion differently.",
                author=voters[i % len(voters)],
            )
            for i in range(have, count)
        )
        ProposalStance.objects.bulk_create(
            ProposalStance(proposal=p, user=u, stance="support" if j % 3 else "object")
            for p in made[::2]
            for j, u in enumerate(voters)
        )
        ProposalComment.objects.bulk_create(
            ProposalComment(proposal=p, author=voters[0], body="Agreed.") for p in made[::3]
        )
        ensure_agenda(workshop)


def ensure_agenda(workshop) -> None:
    """AGENDA_SESSIONS sessions on the event's two days, each with a chair, two criteria and
    AGENDA_PROPOSALS_PER_SESSION of the workshop's proposals. Added once, kept."""
    from debate.models import AgendaSession, Proposal
    from portal.models import User

    if AgendaSession.objects.filter(workshop=workshop).exists():
        return
    start = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
    chair = User.objects.get(email="bench-staff@bench.example")
    proposals = list(Proposal.objects.filter(workshop=workshop).order_by("pk"))
    for i in range(AGENDA_SESSIONS):
        begins = start + timedelta(days=i // 4, hours=2 * (i % 4))
        session = AgendaSession.objects.create(
            workshop=workshop,
            title=f"Bench session {i}",
            starts_at=begins,
            ends_at=begins + timedelta(hours=1, minutes=30),
            room=f"Room {i % 3}",
            chair=chair,
        )
        picked = proposals[i * AGENDA_PROPOSALS_PER_SESSION :][:AGENDA_PROPOSALS_PER_SESSION]
        session.proposals.set(picked)
        session.criteria.set({p.criterion_id for p in picked if p.criterion_id})


AUDIT_SIZES = {"small": 100, "large": 1_000_000}
AUDIT_ACTORS = 5_000
AUDIT_WORKSHOPS = 20
AUDIT_ACTIONS = [
    "user.signed_in",
    "user.signed_out",
    "submission.updated",
    "submission.submitted",
    "submission.screened",
    "review.saved",
    "review.submitted",
    "assignment.added",
    "workshop.updated",
    "report.requested",
]


def ensure_audit_world() -> None:
    """5,000 people and 20 workshops for the audit events to name."""
    from django.utils import timezone

    from portal.models import User, Workshop

    if not User.objects.filter(email="audit-actor0@bench.example").exists():
        User.objects.bulk_create(
            (
                User(email=f"audit-actor{i}@bench.example", password="!", full_name=f"Actor {i}")
                for i in range(AUDIT_ACTORS)
            ),
            batch_size=5000,
        )
    now = timezone.now()
    for i in range(AUDIT_WORKSHOPS - Workshop.objects.filter(title__startswith="Audit ").count()):
        Workshop.objects.create(
            title=f"Audit workshop {i}",
            submission_opens_at=now - timedelta(days=60),
            submission_closes_at=now - timedelta(days=30),
            review_deadline=now + timedelta(days=10),
        )


def fill_audit_log(count: int) -> None:
    """Exactly `count` events, one every 30 seconds up to now, by the bench's people (one in
    ten by the system), nine in ten in one of the 20 workshops."""
    from django.db import connection

    with connection.cursor() as cursor:
        # TRUNCATE fires no row trigger: the append-only rule is about rows, not this.
        cursor.execute("TRUNCATE portal_auditevent RESTART IDENTITY")
        cursor.execute(
            """
            WITH actors AS (
                SELECT array_agg(id ORDER BY id) AS ids FROM portal_user
                WHERE email LIKE 'audit-actor%%@bench.example'
            ), workshops AS (
                SELECT array_agg(id ORDER BY id) AS ids FROM portal_workshop
                WHERE title LIKE 'Audit workshop %%'
            )
            INSERT INTO portal_auditevent (
                created_at, actor_id, actor_system, action, object_type, object_code,
                workshop_id, changes, details, request_id, prev_hash, hash
            )
            SELECT
                now() - ((%(count)s - n) * interval '30 seconds'),
                CASE WHEN n %% 10 = 0 THEN NULL
                     ELSE actors.ids[1 + n %% cardinality(actors.ids)] END,
                CASE WHEN n %% 10 = 0 THEN 'task:bench' ELSE '' END,
                (%(actions)s::text[])[1 + n %% %(action_count)s],
                'submission',
                'S' || (n %% 50000),
                CASE WHEN n %% 10 = 5 THEN NULL
                     ELSE workshops.ids[1 + n %% cardinality(workshops.ids)] END,
                '{"title": ["Before", "After"]}'::jsonb,
                '{}'::jsonb,
                md5(n::text),
                md5((n - 1)::text) || md5((n - 1)::text),
                md5(n::text) || md5((-n)::text)
            FROM generate_series(1, %(count)s) AS n, actors, workshops
            """,
            {"count": count, "actions": AUDIT_ACTIONS, "action_count": len(AUDIT_ACTIONS)},
        )
        cursor.execute("ANALYZE portal_auditevent")


def audit_pages() -> dict[str, str]:
    """The audit log's first page, unfiltered and by each filter, and an older page."""
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils import timezone

    from portal.models import AuditEvent, User, Workshop

    url = reverse("portal:audit_log")
    workshop = Workshop.objects.filter(title="Audit workshop 3").first()
    actor = User.objects.get(email="audit-actor42@bench.example")
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    today = timezone.localdate()
    filters = {
        "audit_log": {},
        "audit_log_workshop": {"workshop": workshop.code},
        "audit_log_action": {"action": "review.submitted"},
        "audit_log_actor": {"actor": actor.email},
        "audit_log_object": {"object_type": "submission", "object_code": "S42"},
        # Workshop 3 never meets review.submitted (the events cycle through both in step):
        # the rare combination that would read the whole log backwards.
        "audit_log_workshop_action": {"workshop": workshop.code, "action": "review.submitted"},
        "audit_log_last_week": {"date_from": str(today - timedelta(days=7))},
        "audit_log_old_week": {
            "date_from": str(today - timedelta(days=207)),
            "date_to": str(today - timedelta(days=200)),
        },
        "audit_log_older": {"before": newest - 60},
    }
    return {name: f"{url}?{urlencode(query)}" if query else url for name, query in filters.items()}


def explain_audit_pages() -> None:
    """The query plans of the first page and of filtered ones, as "#" lines."""
    from datetime import datetime
    from datetime import time as dt_time

    from django.db import connection
    from django.utils import timezone

    from portal.audit.selectors import audit_events
    from portal.models import User, Workshop

    actor = User.objects.get(email="audit-actor42@bench.example")
    today = timezone.localdate()

    def day(days_ago: int):
        return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), dt_time()))

    cases = {
        "first page": audit_events(),
        "by actor": audit_events(actor_id=actor.pk),
        "by workshop and action (never met)": audit_events(
            workshop=Workshop.objects.filter(title="Audit workshop 3").first(),
            action="review.submitted",
        ),
        "a week 200 days ago": audit_events(since=day(207), until=day(200)),
    }
    for name, events in cases.items():
        sql, params = events[:51].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"# plan, {name}:")
        for line in plan:
            if any(word in line for word in ("Index", "Scan", "Execution", "Limit", "Sort")):
                print(f"#   {line.strip()}")


def bench_audit_log(client_for) -> dict[str, dict[str, tuple[int, float]]]:
    """Each audit page at both sizes; the rows each shows, as "#" lines (a filter matches
    fewer than a page of the 100 events, so its small page is shorter)."""
    results: dict[str, dict[str, tuple[int, float]]] = {}
    rows: dict[str, dict[str, int]] = {}
    for size_name, count in AUDIT_SIZES.items():
        started = time.perf_counter()
        fill_audit_log(count)
        print(f"# audit log: {count:,} events in {time.perf_counter() - started:.1f} s")
        client = client_for()
        for page, url in audit_pages().items():
            results.setdefault(page, {})[size_name] = measure(client, url)
            rows.setdefault(page, {})[size_name] = len(client.get(url).context["rows"])
        if size_name == "large":
            explain_audit_pages()
    for page, by_size in rows.items():
        print(f"# {page}: rows_small={by_size['small']} rows_large={by_size['large']}")
    return results


# Who would use a page that several personas may open: a reviewer's page as a reviewer, an
# organisation's as its member, a staff page as staff, the admin as the superuser.
PERSONA_PREFERENCE = (
    "reviewer",
    "evaluator",
    "org_admin",
    "staff",
    "superuser",
    "no_org",
    "other_evaluator",
    "reviewer_unassigned",
    "reviewer_conflicted",
    "reviewer_declined",
    "reviewer_uncleared",
    "anonymous",
)
# The matrix world's objects that each size's workshop stands in for (see size_world).
SIZED = {
    "workshop",
    "organisation",
    "submission",
    "assignment",
    "review",
    "reviewer",
    "application",
    "evaluator",
    "org_admin",
    "criteria_set",
    "criteria_group",
    "criterion",
    "score",
}


class Recording:
    """The world, with some objects replaced, noting which objects a row's URL named."""

    def __init__(self, world, overrides: dict):
        object.__setattr__(self, "_values", {**vars(world), **overrides})
        object.__setattr__(self, "read", set())

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name not in values:
            raise AttributeError(name)
        object.__getattribute__(self, "read").add(name)
        return values[name]


def size_world(world, name: str) -> Recording:
    """The matrix world with its workshop, submission, reviewer, review and organisation
    members replaced by those of the bench workshop of this size."""
    from portal.models import Membership, User, Workshop
    from reviews.models import Assignment, CriterionScore, ReviewerApplication

    workshop = Workshop.objects.get(title=f"Bench workshop {name}")
    reviewer = User.objects.get(email=f"{name}-reviewer7@bench.example")
    assignment = (
        Assignment.objects.filter(workshop=workshop, reviewer=reviewer)
        .select_related("submission__organisation", "review__criteria_set")
        .order_by("pk")
        .first()
    )
    submission = assignment.submission
    criteria_set = assignment.review.criteria_set
    members = {}
    for persona, role in (("evaluator", "member"), ("org_admin", "admin")):
        user, _ = User.objects.get_or_create(
            email=f"{name}-{persona}@bench.example", defaults={"password": "!"}
        )
        Membership.objects.get_or_create(
            user=user, organisation=submission.organisation, defaults={"role": role}
        )
        members[persona] = user
    for user in (reviewer, *members.values()):
        # Password pages (change, re-authenticate) need one; rolled back with the rest.
        user.set_password("bench-password")
        user.save(update_fields=["password"])
    return Recording(
        world,
        {
            "workshop": workshop,
            "organisation": submission.organisation,
            "submission": submission,
            "assignment": assignment,
            "review": assignment.review,
            "reviewer": reviewer,
            "application": ReviewerApplication.objects.get(workshop=workshop, user=reviewer),
            **members,
            "criteria_set": criteria_set,
            "criteria_group": criteria_set.groups.order_by("position").first(),
            "criterion": criteria_set.criteria.order_by("position").first(),
            "score": CriterionScore.objects.filter(review=assignment.review).first(),
        },
    )


def matrix_pages() -> list[tuple[str, str]]:
    """(page id, persona) for every GET row of the permission matrix that some persona
    opens (200), as the persona who would use it."""
    from tests.permissions import matrix

    # `--pages name,name`: only the rows of these URL names (re-measuring a fix).
    wanted = None
    if "--pages" in sys.argv:
        wanted = set(sys.argv[sys.argv.index("--pages") + 1].split(","))
    pages = []
    for row in matrix.all_rows():
        if not row.get or (wanted and row.name not in wanted):
            continue
        persona = next((p for p in PERSONA_PREFERENCE if row.get.get(p) == 200), None)
        if persona is not None:
            pages.append((row, persona))
    return pages


def matrix_url(row, world) -> str:
    from django.urls import reverse

    url = row.path(world) if row.path else reverse(row.name, kwargs=row.kwargs(world))
    return f"{url}?{row.query}" if row.query else url


def bench_matrix() -> dict[str, dict[str, tuple[int, float]]]:
    """Every GET page of the permission matrix in both workshops, inside a transaction that
    is rolled back: the matrix world (tests/permissions/world.py) supplies what the bench
    workshops lack, and is not left behind."""
    import tempfile

    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from tests.permissions.world import build_world

    # A page a persona may not open is reported below as a "#" line, not as a warning with a
    # traceback per request.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    results: dict[str, dict[str, tuple[int, float]]] = {}
    with tempfile.TemporaryDirectory() as media, transaction.atomic():
        settings.MEDIA_ROOT = media
        world = build_world()
        worlds = {name: size_world(world, name) for name in SIZES}
        for row, persona in matrix_pages():
            page = row.id.replace(" ", "_")
            probe = worlds["large"]
            probe.read.clear()
            matrix_url(row, probe)
            unsized = probe.read - SIZED
            if unsized:
                # The page is about an object the bench workshops lack: it is measured on
                # the matrix world alone, the same at both sizes, and said so.
                print(f"# {page}: on the matrix world's {', '.join(sorted(unsized))}")
            try:
                for name, sized in worlds.items():
                    on = world if unsized else sized
                    client = Client()
                    if persona != "anonymous":
                        client.force_login(getattr(on, persona))
                    results.setdefault(page, {})[name] = measure(client, matrix_url(row, on))
            except AssertionError as error:
                print(f"# {page}: not measured as {persona}: {error}")
                results.pop(page, None)
        transaction.set_rollback(True)
    return results


DISCUSSION_SIZES = {"small": 5, "large": 50}


def bench_discussion_thread() -> dict[str, dict[str, tuple[int, float]]]:
    """The discussion thread of one submission of the small workshop with 5 comments and
    of the large one with 50 (a third edited), as a reviewer whose own review is submitted
    (the default rule opens the thread then) and as staff; rolled back."""
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from discussion.models import Comment, CommentRevision
    from portal.markup import render_markdown
    from portal.models import User
    from reviews.models import Assignment, Review

    staff = User.objects.get(email="bench-staff@bench.example")
    results: dict[str, dict[str, tuple[int, float]]] = {}
    with transaction.atomic():
        for name, count in DISCUSSION_SIZES.items():
            reviewer = User.objects.get(email=f"{name}-reviewer7@bench.example")
            assignment = (
                Assignment.objects.filter(
                    workshop__title=f"Bench workshop {name}", reviewer=reviewer
                )
                .select_related("submission", "review")
                .order_by("pk")
                .first()
            )
            Review.objects.filter(pk=assignment.review.pk).update(
                state=Review.State.SUBMITTED, submitted_at=timezone.now()
            )
            others = list(
                Assignment.objects.filter(submission=assignment.submission)
                .exclude(reviewer=reviewer)
                .values_list("reviewer_id", flat=True)
            ) or [staff.pk]
            now = timezone.now()
            comments = Comment.objects.bulk_create(
                Comment(
                    submission=assignment.submission,
                    author_id=[reviewer.pk, *others][index % (len(others) + 1)],
                    body=f"Comment {index}: see **C1**, and\n\n> a quote",
                    body_html=render_markdown(f"Comment {index}: see **C1**, and\n\n> a quote"),
                    created_at=now,
                )
                for index in range(count)
            )
            CommentRevision.objects.bulk_create(
                CommentRevision(comment=comment, number=1, body="Before")
                for comment in comments[::3]
            )
            url = reverse("discussion:thread", kwargs={"code": assignment.submission.code})
            for persona, user in (("reviewer", reviewer), ("staff", staff)):
                client = Client()
                client.force_login(user)
                results.setdefault(f"discussion_thread_{persona}", {})[name] = measure(client, url)
        transaction.set_rollback(True)
    return results


# case -> reviews of the submission in the small and in the large call. The first case is
# the call's size (the page of a submission with the usual 3 reviews, in the 100- and the
# 10,000-submission call: the 1.3x target applies); the second is the submission's own
# size (3 against 12 reviews: the page shows four times the levels and justifications, so
# only its query count must stay equal).
CONSOLIDATION_CASES = {
    "consolidation_lead": {"small": 3, "large": 3},
    "consolidation_lead_12_reviews": {"small": 3, "large": 12},
}


# Pages measured at two sizes of their own content, not of the call: equal queries only.
CONTENT_GROWS = {"consolidation_lead_12_reviews"}


def bench_consolidation() -> dict[str, dict[str, tuple[int, float]]]:
    """The consolidated assessment's page of one submission, staff as its lead, per case of
    CONSOLIDATION_CASES: reviews added up to the case's count (scored on every criterion of
    the set), a draft level and synthesis on every criterion; each case rolled back."""
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from portal.models import User
    from reviews.models import Assignment, ConsolidatedScore, CriterionScore, Review
    from reviews.services.consolidation import consolidation_lead_name

    staff = User.objects.get(email="bench-staff@bench.example")
    results: dict[str, dict[str, tuple[int, float]]] = {}
    for case, counts in CONSOLIDATION_CASES.items():
        with transaction.atomic():
            for name, count in counts.items():
                first = (
                    Review.objects.filter(
                        assignment__workshop__title=f"Bench workshop {name}",
                        state=Review.State.SUBMITTED,
                    )
                    .select_related("assignment__submission", "criteria_set")
                    .order_by("pk")
                    .first()
                )
                submission, criteria_set = first.assignment.submission, first.criteria_set
                criteria = list(criteria_set.criteria.order_by("pk"))
                taken = Assignment.objects.filter(submission=submission).values("reviewer_id")
                extra = User.objects.filter(email__startswith=f"{name}-reviewer").exclude(
                    pk__in=taken
                )[: count - Assignment.objects.filter(submission=submission).count()]
                assignments = Assignment.objects.bulk_create(
                    Assignment(
                        workshop=submission.workshop,
                        submission=submission,
                        reviewer=user,
                        state="accepted",
                    )
                    for user in extra
                )
                reviews = Review.objects.bulk_create(
                    Review(
                        assignment=assignment,
                        criteria_set=criteria_set,
                        state="submitted",
                        confidence=3,
                        recommendation="maybe",
                        submitted_at=timezone.now(),
                        summary="Bench review.",
                    )
                    for assignment in assignments
                )
                CriterionScore.objects.bulk_create(
                    CriterionScore(
                        review=review,
                        criterion=criterion,
                        level=(n + m) % 5,
                        justification="Bench justification text.",
                    )
                    for n, review in enumerate(reviews)
                    for m, criterion in enumerate(criteria)
                )
                assessment = consolidation_lead_name(submission=submission, lead=staff, user=staff)
                ConsolidatedScore.objects.bulk_create(
                    ConsolidatedScore(
                        assessment=assessment, criterion=criterion, level=2, synthesis="Between."
                    )
                    for criterion in criteria
                )
                reviewers = Assignment.objects.filter(submission=submission).count()
                print(f"# {case} {name}: {reviewers} reviews, {len(criteria)} criteria")
                client = Client()
                client.force_login(staff)
                url = reverse("reviews:consolidation_detail", kwargs={"code": assessment.code})
                results.setdefault(case, {})[name] = measure(client, url)
            transaction.set_rollback(True)
    return results


def main() -> int:
    ensure_database(reseed="--reseed" in sys.argv)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    call_command("migrate", verbosity=0)
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    started = time.perf_counter()
    # The cases on the bench workshops need them (seeded once, reused afterwards).
    if only in (None, "matrix", "discussion_thread", "consolidation"):
        for name, spec in SIZES.items():
            seed(name, spec)
    ensure_staff()
    ensure_audit_world()
    ensure_debate_world()
    # Fresh planner statistics and visibility map, as autovacuum would have after a bulk
    # load: without statistics PostgreSQL plans the 10,000-row workshop as if it had two
    # rows, and without the visibility map every index-only count (the criteria overview's
    # reviews per version) reads the 30,000 rows' heap pages too.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"# seeded or reused in {time.perf_counter() - started:.1f} s")
    setup_test_environment()
    results: dict[str, dict[str, tuple[int, float]]] = {}
    for name in SIZES if only is None else ():
        for page, (user, url) in pages_for(name).items():
            client = Client()
            client.force_login(user)
            results.setdefault(page, {})[name] = measure(client, url)

    def staff_client():
        from portal.models import User

        client = Client()
        client.force_login(User.objects.get(email="bench-staff@bench.example"))
        return client

    if only in (None, "matrix"):
        results.update(bench_matrix())
    if only in (None, "audit_log"):
        results.update(bench_audit_log(staff_client))
    if only in (None, "discussion_thread"):
        results.update(bench_discussion_thread())
    if only in (None, "consolidation"):
        results.update(bench_consolidation())
    ok = True
    for page, by_size in results.items():
        (qs, ms_s), (ql, ms_l) = by_size["small"], by_size["large"]
        print(
            f"bench: page {page} queries_small={qs} queries_large={ql} "
            f"ms_small={ms_s:.1f} ms_large={ms_l:.1f}"
        )
        # A filtered audit page shows fewer rows of the 100 events than of the million
        # (see the "#" lines): its time is not comparable, its query count is.
        comparable = not page.startswith("audit_log_") and page not in CONTENT_GROWS
        if qs != ql or (comparable and ms_l > 1.3 * ms_s):
            ok = False
    if not ok:
        print("target missed: query counts differ or ms_large > 1.3 x ms_small", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
