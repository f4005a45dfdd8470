"""Automatic assignment end to end (load, solve, write) on synthetic PostgreSQL instances.

    .venv/bin/python benchmarks/bench_assignment.py      (or: make bench)
    .venv/bin/python benchmarks/bench_assignment.py 10000x5000-coverage   (some instances)

Prints one result line per instance on stdout (after a header line starting with '#'):

    bench: assignment <P>x<R> total_s=<n> solve_s=<n> peak_mb=<n> objective=<n> \
        lp_bound=<n> greedy=<n>            (one line)

- total_s: wall time of `assignment_run_execute` as staff start it (load from
  PostgreSQL, affinity and candidates, solve, greedy baseline, explanations, ProposedPair
  rows written), with the LP bound switched off; libraries are imported before the clock
  starts, as in a warm worker.
- solve_s: the solver alone (min-cost flow, and its second round if one was needed).
- peak_mb: peak resident memory (VmHWM) of the measuring process at the end of that run;
  each instance is measured in a fresh child process.
- objective: total affinity of the assignment; greedy: best-pair-first baseline on the
  same candidate pairs; lp_bound: the LP relaxation optimum by HiGHS on the same candidate
  pairs, computed after the timed run by solving the instance again with the bound on (the
  re-solve must reproduce the objective). At 10,000 x 5,000 the LP alone takes about half
  a minute and several hundred MB, which is why it is outside total_s and peak_mb; its
  time and the peak after it are printed on stderr.

With coverage on (each submission gets an expert in each of its specified risks where the
pool allows), the same workshops print

    bench: assignment <P>x<R>-coverage total_s=<n> peak_mb=<n> objective=<n> \
        lp_bound=<n> gap=<n> uncovered=<n>            (one line)

- lp_bound: the LP relaxation of the coverage problem (coverage rows included) on the
  same candidate pairs, with the same priority weights; its affinity part is the bound.
  It bounds the affinity of every assignment that fills as many slots and covers as many
  requirements as the LP (the weights put those first); the proposal's figures are
  compared with it only when its coverage matches the LP's (checked, see uncovered).
- gap: (lp_bound - objective) / lp_bound, in percent.
- uncovered: specified-risk requirements the assignment leaves without an expert. Each
  must be one the pool cannot cover: the LP relaxation, which covers whatever any
  assignment could, leaves at least as many missing (checked; a difference is reported
  on stderr).
At 1,000 x 300 the integer program solves coverage exactly; at 10,000 x 5,000 (above
MILP_MAX_PAIRS candidate pairs) the Lagrangian relaxation over the flow does
(assignment/matching/coverage.py).

Targets (coverage off): objective == lp_bound (min-cost flow is integral), and the
10,000 x 5,000 instance under 15 s and under 1 GB. Coverage on: 10,000 x 5,000 under
60 s and 1.5 GB, gap under 1 %. Going over is reported on stderr but
is not a failure; a run that fails or a missing database is.

The instances live in their own database, BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench_assignment), created and migrated if missing and
seeded once with bulk inserts; a re-run reuses them. Each instance is one workshop:
P eligible submissions from 50 organisations about 10 model providers, each with 1-2 risk
areas and 1-3 methods; R approved reviewers with 2-5 expertise rows and maximum loads
around 1.15 x k x P / R; statements and abstracts drawn from a small vocabulary; about 2 %
of pairs conflicted (half of the reviewers are members of a submitting organisation,
which also exercises the same-organisation rule; a tenth have a tie to a provider); about
ten bids per reviewer; a fifth of the submissions in Polish, German, French or Italian (the
rest in English), every reviewer reviewing in English and in each of those four with
probability 1/4 (the language filter of candidates.py). Only the instances asked for are
seeded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_assignment"
# (submissions, reviewers, coverage): the coverage instances are the same workshops.
INSTANCES = [
    (1_000, 300, False),
    (10_000, 5_000, False),
    (1_000, 300, True),
    (10_000, 5_000, True),
]
K = 3
SEED_VERSION = "bench-assignment-v2"
# Languages of the documents other than English, and the share of submissions in each.
LANGUAGES = ["pl", "de", "fr", "it"]
LANGUAGE_SHARE = 0.05
TOTAL_TARGET_S = 15.0
PEAK_TARGET_MB = 1024.0
COVERAGE_TOTAL_TARGET_S = 60.0
COVERAGE_PEAK_TARGET_MB = 1536.0
COVERAGE_GAP_TARGET_PCT = 1.0

VOCABULARY = [
    "uplift",
    "pathogen",
    "synthesis",
    "protocol",
    "wet-lab",
    "troubleshooting",
    "chemical",
    "agent",
    "precursor",
    "nuclear",
    "radiological",
    "exploit",
    "vulnerability",
    "intrusion",
    "malware",
    "phishing",
    "penetration",
    "capture-the-flag",
    "autonomy",
    "replication",
    "shutdown",
    "oversight",
    "deception",
    "sandbagging",
    "situational",
    "awareness",
    "persuasion",
    "manipulation",
    "misinformation",
    "election",
    "propaganda",
    "jailbreak",
    "refusal",
    "safeguard",
    "fine-tuning",
    "elicitation",
    "scaffold",
    "agent",
    "tool",
    "browsing",
    "benchmark",
    "red-team",
    "human",
    "baseline",
    "expert",
    "grading",
    "rubric",
    "inter-annotator",
    "agreement",
    "contamination",
    "canary",
    "confidence",
    "interval",
    "power",
    "analysis",
    "simulation",
    "model",
    "organism",
    "reward",
    "hacking",
    "power-seeking",
    "collusion",
    "bias",
    "fairness",
    "privacy",
    "critical",
    "infrastructure",
    "energy",
    "grid",
    "healthcare",
    "triage",
    "biosecurity",
    "cybersecurity",
    "incident",
    "response",
    "forecasting",
]


def _database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def _ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # DEBUG keeps every SQL statement in memory: no good for bulk inserts or peak memory.
    settings.DEBUG = False


def _title(p: int, r: int) -> str:
    return f"Benchmark instance {p}x{r}"


# --- seeding ------------------------------------------------------------------------------


def _words(rng, low: int, high: int) -> str:
    return " ".join(rng.choice(VOCABULARY, size=int(rng.integers(low, high + 1))).tolist())


def _seed_instance(p: int, r: int) -> None:
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from assignment.models import Bid
    from portal.ids import new_code
    from portal.models import Membership, Organisation, User, Workshop
    from reviews.models import ConflictRecord, ReviewerApplication, ReviewerExpertise, ReviewerTie
    from submissions.models import Method, Provider, RiskArea, Submission

    rng = np.random.default_rng(p * 7919 + r)
    now = timezone.now()
    tag = f"b{p}x{r}"
    with transaction.atomic():
        workshop = Workshop.objects.create(
            title=_title(p, r),
            description=SEED_VERSION,
            submission_opens_at=now - timezone.timedelta(days=60),
            submission_closes_at=now - timezone.timedelta(days=30),
            review_deadline=now + timezone.timedelta(days=30),
        )
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(name=f"{tag} lab {i}", type="research", country="BE", code=new_code())
                for i in range(50)
            ]
        )
        contacts = User.objects.bulk_create(
            [User(email=f"{tag}-contact{i}@example.org", password="!") for i in range(50)]
        )
        providers = list(Provider.objects.order_by("pk"))
        areas = list(RiskArea.objects.order_by("pk"))
        methods = list(Method.objects.order_by("pk"))
        sub_org = rng.integers(0, len(orgs), size=p)
        sub_provider = rng.integers(0, len(providers), size=p)
        # Languages from a generator of their own: the rest of the instance is as in v1.
        lang_rng = np.random.default_rng(p * 31 + r)
        draw = lang_rng.random(p)
        sub_language = [
            LANGUAGES[int(x // LANGUAGE_SHARE)] if x < LANGUAGE_SHARE * len(LANGUAGES) else "en"
            for x in draw.tolist()
        ]
        reads = lang_rng.random((r, len(LANGUAGES))) < 0.25
        subs = Submission.objects.bulk_create(
            [
                Submission(
                    code=new_code(),
                    workshop=workshop,
                    organisation=orgs[sub_org[i]],
                    contact=contacts[sub_org[i]],
                    state=Submission.State.ELIGIBLE,
                    title=_words(rng, 4, 8),
                    abstract=_words(rng, 40, 80),
                    provider=providers[sub_provider[i]],
                    language=sub_language[i],
                )
                for i in range(p)
            ],
            batch_size=2000,
        )
        area_links = Submission.risk_areas.through
        method_links = Submission.methods.through
        rows_a, rows_m = [], []
        # Specified risks dominate real submissions; the other types come second.
        area_p = np.array([3.0 if a.kind == "specified" else 1.0 for a in areas])
        area_p /= area_p.sum()
        for sub in subs:
            for a in rng.choice(len(areas), size=int(rng.integers(1, 3)), replace=False, p=area_p):
                rows_a.append(area_links(submission_id=sub.pk, riskarea_id=areas[a].pk))
            for m in rng.choice(len(methods), size=int(rng.integers(1, 4)), replace=False):
                rows_m.append(method_links(submission_id=sub.pk, method_id=methods[m].pk))
        area_links.objects.bulk_create(rows_a, batch_size=5000)
        method_links.objects.bulk_create(rows_m, batch_size=5000)

        users = User.objects.bulk_create(
            [
                User(
                    email=f"{tag}-reviewer{i}@example.org", full_name=f"Reviewer {i}", password="!"
                )
                for i in range(r)
            ],
            batch_size=5000,
        )
        mean_load = 1.15 * K * p / r
        low, high = max(1, int(mean_load * 0.7)), max(2, int(round(mean_load * 1.3)))
        applications = ReviewerApplication.objects.bulk_create(
            [
                ReviewerApplication(
                    code=new_code(),
                    workshop=workshop,
                    user=user,
                    state=ReviewerApplication.State.APPROVED,
                    statement=_words(rng, 20, 60),
                    affiliation="Bench",
                    max_reviews=int(rng.integers(low, high + 1)),
                    cleared_for_confidential=True,
                    languages=["en", *(c for c, on in zip(LANGUAGES, row, strict=True) if on)],
                )
                for user, row in zip(users, reads.tolist(), strict=True)
            ],
            batch_size=5000,
        )
        expertise = []
        items = [("a", a) for a in areas] + [("m", m) for m in methods]
        for application in applications:
            for idx in rng.choice(len(items), size=int(rng.integers(2, 6)), replace=False):
                kind, item = items[idx]
                expertise.append(
                    ReviewerExpertise(
                        application=application,
                        risk_area=item if kind == "a" else None,
                        method=item if kind == "m" else None,
                        level=int(rng.integers(1, 4)),
                    )
                )
        ReviewerExpertise.objects.bulk_create(expertise, batch_size=5000)

        # About 1 % of pairs from memberships (half the reviewers, one of 50 organisations)
        # and 1 % from ties (a tenth of the reviewers, one of 10 providers).
        members = rng.choice(r, size=r // 2, replace=False)
        Membership.objects.bulk_create(
            [
                Membership(
                    code=new_code(), user=users[i], organisation=orgs[int(rng.integers(0, 50))]
                )
                for i in members
            ],
            batch_size=5000,
        )
        tied = rng.choice(r, size=r // 10, replace=False)
        ReviewerTie.objects.bulk_create(
            [
                ReviewerTie(
                    code=new_code(),
                    user=users[i],
                    provider=providers[int(rng.integers(0, len(providers)))],
                    tie_type=ReviewerTie.TieType.FUNDING,
                )
                for i in tied
            ],
            batch_size=5000,
        )
        bids, records, seen = [], [], set()
        values = ["eager", "willing", "willing", "not_willing"]
        for i, user in enumerate(users):
            for s in rng.choice(p, size=10, replace=False).tolist():
                if (s, i) in seen:
                    continue
                seen.add((s, i))
                value = "conflict" if rng.random() < 0.02 else values[int(rng.integers(0, 4))]
                bids.append(Bid(workshop=workshop, submission=subs[s], reviewer=user, value=value))
                if value == "conflict":
                    records.append(
                        ConflictRecord(
                            reviewer=user,
                            submission=subs[s],
                            action=ConflictRecord.Action.BID,
                            reason="Declared by the reviewer when bidding.",
                            created_by=user,
                        )
                    )
        Bid.objects.bulk_create(bids, batch_size=5000)
        ConflictRecord.objects.bulk_create(records, batch_size=5000)


def _seed(p: int, r: int) -> None:
    from portal.models import Workshop

    existing = Workshop.objects.filter(title=_title(p, r)).first()
    if existing is not None and existing.description == SEED_VERSION:
        return
    if existing is not None:
        raise SystemExit(
            f"{_title(p, r)} exists from another seed version; drop the database "
            f"{urlparse(_database_url()).path.lstrip('/')} and run again."
        )
    started = time.perf_counter()
    print(f"# seeding {p}x{r} ...", file=sys.stderr, flush=True)
    _seed_instance(p, r)
    print(f"# seeded {p}x{r} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


# --- measuring ----------------------------------------------------------------------------


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(p: int, r: int, coverage: bool) -> int:
    # Warm imports, as in a worker that has run before.
    import ortools.graph.python.min_cost_flow  # noqa: F401
    import scipy.optimize  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401

    from assignment.matching.data import load_matching_data
    from assignment.matching.engine import propose
    from assignment.matching.options import RunSettings
    from assignment.models import AssignmentRun
    from assignment.services.runs import assignment_run_create, assignment_run_execute
    from portal.models import Workshop

    name = f"{p}x{r}" + ("-coverage" if coverage else "")
    workshop = Workshop.objects.get(title=_title(p, r))
    # Runs of earlier benchmark runs (and their pairs) would only grow the database.
    AssignmentRun.objects.filter(workshop=workshop).delete()
    # The timed run is what staff start (load, solve, write) without the LP bound, which
    # is a check computed below on the very same candidate pairs.
    settings = RunSettings(k=K, coverage=coverage, lp_bound=False)
    run = assignment_run_create(workshop=workshop, user=None, settings=settings)
    started, cpu_started = time.perf_counter(), time.process_time()
    run = assignment_run_execute(run_id=run.pk)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = _peak_mb()
    if run.state != AssignmentRun.State.DONE:
        print(f"bench_assignment: {name} failed: {run.error}", file=sys.stderr)
        return 1
    summary = run.summary
    timings = summary["timings"]

    clock = time.perf_counter()
    check = propose(
        data=load_matching_data(workshop=workshop),
        settings=RunSettings(k=K, coverage=coverage, lp_bound=True),
    ).summary
    lp_seconds = time.perf_counter() - clock
    if check["objective"] != summary["objective"]:
        print(f"bench_assignment: {name} re-solve differs", file=sys.stderr)
        return 1
    lp = check["lp_bound"]
    lp_text = lp if lp is None else format(lp, ".3f")
    if coverage:
        cover = summary["coverage"]
        uncovered = cover["required"] - cover["met"]
        gap = None if lp is None else 100 * (lp - summary["objective"]) / lp
        print(
            f"bench: assignment {name} total_s={total:.2f} peak_mb={peak:.0f} "
            f"objective={summary['objective']:.3f} lp_bound={lp_text} "
            f"gap={gap if gap is None else format(gap, '.3f')} uncovered={uncovered}",
            flush=True,
        )
    else:
        print(
            f"bench: assignment {name} total_s={total:.2f} solve_s={timings['solve']:.2f} "
            f"peak_mb={peak:.0f} objective={summary['objective']:.3f} lp_bound={lp_text} "
            f"greedy={summary['greedy']['objective']:.3f}",
            flush=True,
        )
    print(
        f"# {name}: solver {summary['solver']} ({summary['status']}, proven gap "
        f"{summary.get('mip_gap')}); cpu_s={cpu:.1f} (load average "
        f"{os.getloadavg()[0]:.1f}); timings {timings}; LP bound "
        f"{check['timings']['lp_bound']:.1f} s (re-solve with bound {lp_seconds:.1f} s, "
        f"peak then {_peak_mb():.0f} MB); candidates={summary['candidates']} "
        f"pairs={summary['pairs']} unfilled={summary['unfilled_total']} "
        f"load={summary['load']['min']:.0f}..{summary['load']['max']:.0f}",
        file=sys.stderr,
    )
    if coverage:
        _check_coverage(name, summary, check, total, peak)
    else:
        _check_flow(name, p, r, summary, lp, total, peak)
    AssignmentRun.objects.filter(pk=run.pk).delete()
    return 0


def _check_flow(name, p, r, summary, lp, total, peak) -> None:
    if lp is not None and abs(lp - summary["objective"]) > 1e-6:
        print(f"bench_assignment: {name} objective differs from the LP bound", file=sys.stderr)
    if p * r >= 10_000 * 5_000 and (total > TOTAL_TARGET_S or peak > PEAK_TARGET_MB):
        print(
            f"bench_assignment: {name} over target ({total:.1f} s, {peak:.0f} MB; "
            f"targets {TOTAL_TARGET_S:.0f} s, {PEAK_TARGET_MB:.0f} MB)",
            file=sys.stderr,
        )


def _check_coverage(name, summary, check, total, peak) -> None:
    """Like with like: the proposal misses no more requirements (with an expert candidate)
    than the LP relaxation does, rounded up; then the gap is meaningful."""
    import math

    lp_missed = check["lp_coverage_missed"]
    missed = summary["coverage_missed_by_solver"]
    if lp_missed is not None and missed > math.ceil(lp_missed - 1e-6):
        print(
            f"bench_assignment: {name} misses {missed} coverable requirements, the LP "
            f"relaxation {lp_missed}",
            file=sys.stderr,
        )
    lp = check["lp_bound"]
    gap = None if lp is None else 100 * (lp - summary["objective"]) / lp
    if (
        total > COVERAGE_TOTAL_TARGET_S
        or peak > COVERAGE_PEAK_TARGET_MB
        or (gap is not None and gap >= COVERAGE_GAP_TARGET_PCT)
    ):
        print(
            f"bench_assignment: {name} over target ({total:.1f} s, {peak:.0f} MB, gap "
            f"{gap} %; targets {COVERAGE_TOTAL_TARGET_S:.0f} s, "
            f"{COVERAGE_PEAK_TARGET_MB:.0f} MB, {COVERAGE_GAP_TARGET_PCT} %)",
            file=sys.stderr,
        )


def main(argv: list[str]) -> int:
    url = _database_url()
    if len(argv) == 3 and argv[1] == "--measure":
        _setup_django(url)
        size, _sep, kind = argv[2].partition("-")
        p, r = (int(x) for x in size.split("x"))
        return _measure(p, r, kind == "coverage")
    try:
        _ensure_database(url)
    except Exception as exc:  # noqa: BLE001 - any connection problem ends the benchmark
        print(f"bench_assignment: cannot reach or create the database: {exc}", file=sys.stderr)
        return 1
    _setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    only = set(argv[1:])
    wanted = [
        (p, r, coverage)
        for p, r, coverage in INSTANCES
        if not only or f"{p}x{r}" + ("-coverage" if coverage else "") in only
    ]
    for p, r in sorted({(p, r) for p, r, _coverage in wanted}):
        _seed(p, r)
    print(f"# assignment benchmark, k={K}, database {urlparse(url).path.lstrip('/')}")
    status = 0
    for p, r, coverage in wanted:
        name = f"{p}x{r}" + ("-coverage" if coverage else "")
        # A fresh process per instance: its peak memory is this run's alone.
        result = subprocess.run(
            [sys.executable, __file__, "--measure", name], cwd=ROOT, check=False
        )
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
