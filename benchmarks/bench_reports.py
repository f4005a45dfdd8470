"""Report benchmark: 1,000 evaluations x 3 submitted reviews x 11 criteria.

Seeds one workshop in a dedicated PostgreSQL database (BENCH_REPORTS_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/bench_reports; created if missing, seeded once,
--reseed to start again), then prints

  bench: pdf <edition> pages=<n> seconds=<n> peak_mb=<n> raw_weasyprint_seconds=<n>

for the public summary and the internal edition (each built in a child process of its
own, as a worker would: `seconds` is the whole build, `peak_mb` the child's peak resident
memory, `raw_weasyprint_seconds` WeasyPrint alone on the same final HTML; both warm, as in
a worker that has built a report before: one public summary is built first and thrown away;
the public summary, a few seconds long, is built and rendered 5 times and the medians printed),
and for 1,000 feedback reports built by 2 real Celery worker processes through the broker
(BENCH_REPORTS_BROKER_URL, default redis://127.0.0.1:6379/3): `seconds` is the wall time
from the request to the last report done, `peak_mb` the largest peak RSS of any worker
pool process, `raw_weasyprint_seconds` WeasyPrint alone on the final HTML of a sample of 50
reports, scaled to 1,000 and divided by the 2 workers. Before the worker run, a comment
line gives the same sample built in-process, job rows included: per report, the time
inside WeasyPrint and the time around it (wall and CPU), the overhead without Celery and
without the second worker sharing the machine.

A second comment line compares CPU time, steadier than wall time on a shared machine: that
of the worker (pool processes and their parent) during the run against WeasyPrint's own
CPU time on the sample, scaled to 1,000 (PostgreSQL and Redis left out).

The database is ANALYZEd after seeding, as autovacuum would do in production.

Targets (issue 6): overhead beyond raw WeasyPrint under 25 %; 1,000 feedback reports under
10 minutes; worker peak RSS under 1 GB. Going over is reported on stderr.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_URL = os.environ.get(
    "BENCH_REPORTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_reports"
)
BROKER_URL = os.environ.get("BENCH_REPORTS_BROKER_URL", "redis://127.0.0.1:6379/3")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ["CELERY_BROKER_URL"] = BROKER_URL
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ["CACHE_URL"] = "locmem"
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ.setdefault("LOG_LEVEL", "WARNING")

TITLE = "Bench reports workshop"
EVALUATIONS, REVIEWS_EACH, CRITERIA, REVIEWERS = 1000, 3, 11, 200
FEEDBACK_WORKERS = 2
RAW_SAMPLE = 50
# Builds (each followed by its raw render) per edition; the medians are printed.
REPEATS = {"public_summary": 5}
QUEUE = "bench-reports"
MEDIA = Path(os.environ.get("BENCH_REPORTS_MEDIA", "/tmp/bench-reports-media"))
os.environ["DJANGO_MEDIA_ROOT"] = str(MEDIA)


def setup_django() -> None:
    import django

    django.setup()


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


def seed() -> None:
    from django.db import transaction
    from django.utils import timezone

    from criteria.models import CriteriaSet, Criterion, CriterionGroup
    from portal.models import Organisation, User, Workshop
    from reviews.models import (
        MAX_REVIEWS_LIMIT,
        Assignment,
        CriterionScore,
        Review,
        ReviewerApplication,
    )
    from submissions.models import RiskArea, Submission

    if Workshop.objects.filter(title=TITLE).exists():
        return
    rng = random.Random(6)
    now = timezone.now()
    with transaction.atomic():
        workshop = Workshop.objects.create(
            title=TITLE,
            submission_opens_at=now - timedelta(days=60),
            submission_closes_at=now - timedelta(days=30),
            review_deadline=now - timedelta(days=1),
        )
        version = (CriteriaSet.objects.filter(workshop=workshop).count() or 0) + 1
        criteria_set = CriteriaSet.objects.create(
            workshop=workshop, title="Bench criteria", version=version
        )
        levels = [{"level": i, "descriptor": f"Level {i}"} for i in range(5)]
        criteria = []
        for g in range(6):
            group = CriterionGroup.objects.create(
                criteria_set=criteria_set, code=f"G{g}", title=f"Group {g}", position=g
            )
            for c in range(2 if g < 5 else 1):
                criteria.append(
                    Criterion.objects.create(
                        criteria_set=criteria_set,
                        group=group,
                        code=f"C{g}{c}",
                        title=f"Criterion {g}.{c}",
                        description="What the criterion asks of an evaluation.",
                        levels=levels,
                        position=c,
                    )
                )
        types = [value for value, _label in Organisation.Type.choices]
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Bench org {i}", type=types[i % len(types)], country="BE")
            for i in range(EVALUATIONS)
        )
        contact = User.objects.create(email="bench-contact@bench.example", password="!")
        consents = ["attributed", "anonymised", "not_cited"]
        submissions = Submission.objects.bulk_create(
            (
                Submission(
                    workshop=workshop,
                    organisation=organisations[i],
                    contact=contact,
                    title=f"Bench evaluation {i:04d}",
                    state=Submission.State.ELIGIBLE,
                    summary_consent=consents[i % 3],
                    confidentiality="ai_office_only" if i % 20 == 0 else "reviewers",
                    submitted_at=now - timedelta(days=40),
                )
                for i in range(EVALUATIONS)
            ),
            batch_size=2000,
        )
        through = Submission.risk_areas.through
        areas = list(RiskArea.objects.order_by("pk"))
        through.objects.bulk_create(
            (
                through(submission=s, riskarea=area)
                for i, s in enumerate(submissions)
                for area in {areas[i % len(areas)], areas[(i * 7) % len(areas)]}
            ),
            batch_size=5000,
        )
        reviewers = User.objects.bulk_create(
            User(email=f"bench-reviewer{i}@bench.example", password="!", full_name=f"Rev {i}")
            for i in range(REVIEWERS)
        )
        ReviewerApplication.objects.bulk_create(
            ReviewerApplication(
                workshop=workshop,
                user=user,
                state=ReviewerApplication.State.APPROVED,
                statement="Bench",
                max_reviews=MAX_REVIEWS_LIMIT,
            )
            for user in reviewers
        )
        assignments = Assignment.objects.bulk_create(
            (
                Assignment(
                    workshop=workshop,
                    submission=s,
                    reviewer=reviewers[(i * REVIEWS_EACH + k) % REVIEWERS],
                    state=Assignment.State.ACCEPTED,
                )
                for i, s in enumerate(submissions)
                for k in range(REVIEWS_EACH)
            ),
            batch_size=5000,
        )
        reviews = Review.objects.bulk_create(
            (
                Review(
                    assignment=a,
                    criteria_set=criteria_set,
                    state=Review.State.SUBMITTED,
                    confidence=rng.randint(1, 5),
                    summary="A careful evaluation with a clear threat model.",
                    strengths="Confidence intervals; re-runs.",
                    main_gaps="No contamination control.",
                    submitted_at=now - timedelta(days=2),
                )
                for a in assignments
            ),
            batch_size=5000,
        )
        tags = ["aligned", "gap", "refine", ""]
        CriterionScore.objects.bulk_create(
            (
                CriterionScore(
                    review=r,
                    criterion=c,
                    level=rng.randint(0, 4),
                    tag=rng.choice(tags),
                    justification=(
                        "The report states the scenario and the sources probed; "
                        "uncertainty is given as a 95% interval over five runs."
                    ),
                    feedback_clear=rng.choice(["yes", "yes", "no", ""]),
                    feedback_applicable=rng.choice(["yes", "no", ""]),
                )
                for r in reviews
                for c in criteria
            ),
            batch_size=5000,
        )


def analyse() -> None:
    """Planner statistics, as autovacuum keeps them in production: without them (a fresh
    seed on a server with autovacuum off) PostgreSQL plans the reports' joins as if the
    tables were empty, and the benchmark would measure that instead."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def vm_hwm_mb() -> float:
    """Peak resident memory of this process so far (the build, before the raw re-render)."""
    return _vm_hwm_kb(os.getpid()) / 1024 or (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )


def one_edition(kind: str) -> dict:
    """Build one edition in this process (a child of the benchmark) and time it."""
    setup_django()
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from portal.models import Workshop
    from reports import builders
    from reports.editions import common
    from reports.models import ReportJob
    from reports.params import report_params_hash, report_params_normalise
    from reports.tasks import report_libraries_preload

    workshop = Workshop.objects.get(title=TITLE)

    def job_of(kind: str) -> ReportJob:
        params = report_params_normalise(kind=kind, params={"include_ai_office_only": True})
        return ReportJob(
            workshop=workshop, kind=kind, params=params, params_hash=report_params_hash(params)
        )

    # As in a worker that has built a report before, and as warm as WeasyPrint is when it
    # renders the same HTML again for raw_weasyprint_seconds: the libraries preloaded at
    # its start (worker_init), then one public summary built and thrown away (templates
    # compiled, fonts, hyphenation dictionaries and matplotlib's font cache loaded).
    report_libraries_preload()
    HTML(string="<p>warm-up</p>").write_pdf()
    builders.build_report(job=job_of("public_summary"), progress=lambda _p: None)
    htmls: list[tuple[str, bool]] = []
    original = common.html_to_pdf

    def recording(html: str, *, tagged: bool = True):
        htmls.append((html, tagged))
        return original(html, tagged=tagged)

    # Builders look html_to_pdf up when they run; the internal edition imported it.
    import reports.editions.internal as internal_module

    common.html_to_pdf = recording
    internal_module.html_to_pdf = recording

    # Single timings of a few seconds swing by a tenth either way on this machine: a short
    # edition is built, then rendered raw, REPEATS times in turn, and the medians compared.
    repeats = REPEATS.get(kind, 1)
    builds, raws = [], []
    build_peak = 0.0
    fetcher = URLFetcher(allowed_protocols={"data"})
    for _round in range(repeats):
        htmls.clear()
        started = time.perf_counter()
        result = builders.build_report(job=job_of(kind), progress=lambda _p: None)
        builds.append(time.perf_counter() - started)
        build_peak = max(build_peak, vm_hwm_mb())
        del result.content
        raw_started = time.perf_counter()
        for html, tagged in htmls:
            options = {"pdf_variant": "pdf/ua-1", "pdf_tags": True} if tagged else {}
            HTML(string=html, url_fetcher=fetcher).write_pdf(**options)
        raws.append(time.perf_counter() - raw_started)
    seconds, raw = statistics.median(builds), statistics.median(raws)
    return {"pages": result.page_count, "seconds": seconds, "peak_mb": build_peak, "raw": raw}


def run_child(kind: str) -> dict:
    output = subprocess.run(  # noqa: S603 - this script, a fixed argument
        [sys.executable, __file__, "--one", kind],
        check=True,
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def _cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """CPU time (user + system) of a process so far; with `reaped`, that of its children
    that have ended too (a pool process replaced by the worker)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def _worker_cpu(pid: int) -> float:
    return _cpu_seconds(pid, reaped=True) + sum(_cpu_seconds(child) for child in _children(pid))


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def feedback_run() -> dict:
    setup_django()
    from django.db.models import Sum

    from portal.celery import app
    from portal.models import Workshop
    from reports.models import ReportJob
    from reports.services.report_jobs import report_jobs_request_feedback

    workshop = Workshop.objects.get(title=TITLE)
    ReportJob.objects.filter(workshop=workshop, kind=ReportJob.Kind.FEEDBACK).delete()
    app.conf.task_routes = {"reports.tasks.task_build_report": {"queue": QUEUE}}
    subprocess.run(  # noqa: S603 - a fixed command line
        [str(Path(sys.executable).with_name("celery")), "-A", "portal", "purge", "-f", "-Q", QUEUE],
        check=False,
        capture_output=True,
        env=dict(os.environ),
    )
    log = open("/tmp/bench-reports-worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "portal",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(FEEDBACK_WORKERS),
            "--queues",
            QUEUE,
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--hostname",
            f"bench-reports-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    peak_kb = 0
    try:
        time.sleep(8)  # the worker starts (imports Django, Celery)
        started = time.perf_counter()
        cpu_before = _worker_cpu(worker.pid)
        jobs = report_jobs_request_feedback(workshop=workshop, params={}, user=None)
        ids = [job.pk for job in jobs]
        while True:
            for child in _children(worker.pid):
                peak_kb = max(peak_kb, _vm_hwm_kb(child))
            pending = ReportJob.objects.filter(
                pk__in=ids, state__in=[ReportJob.State.QUEUED, ReportJob.State.RUNNING]
            ).count()
            if pending == 0:
                break
            if time.perf_counter() - started > 3600:
                raise RuntimeError("feedback reports not done after an hour")
            time.sleep(0.5)
        seconds = time.perf_counter() - started
        cpu = _worker_cpu(worker.pid) - cpu_before
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()
    done = ReportJob.objects.filter(pk__in=ids, state=ReportJob.State.DONE)
    failed = ReportJob.objects.filter(pk__in=ids, state=ReportJob.State.FAILED).count()
    if failed:
        raise RuntimeError(f"{failed} feedback reports failed: {done.first()}")
    pages = done.aggregate(n=Sum("page_count"))["n"] or 0
    return {
        "pages": pages,
        "seconds": seconds,
        "peak_mb": peak_kb / 1024,
        "count": len(ids),
        "cpu": cpu,
    }


def feedback_inprocess() -> dict:
    """RAW_SAMPLE feedback jobs run one after another in this process, as a worker runs
    them (claim, data, HTML, WeasyPrint, file, job row) but without Celery and without the
    other worker: per report, the time inside WeasyPrint and the time around it. Steadier
    than the wall time of the worker run on a shared machine."""
    setup_django()
    from django.utils import translation
    from weasyprint import HTML

    import reports.editions.feedback as feedback_module
    from portal.models import Workshop
    from reports.data import organisations_with_reviews
    from reports.jobs.worker import report_job_run
    from reports.models import ReportJob
    from reports.params import report_params_hash, report_params_normalise

    workshop = Workshop.objects.get(title=TITLE)
    ReportJob.objects.filter(workshop=workshop, kind=ReportJob.Kind.FEEDBACK).delete()
    jobs = []
    for organisation in organisations_with_reviews(workshop=workshop)[: RAW_SAMPLE + 2]:
        params = report_params_normalise(
            kind=ReportJob.Kind.FEEDBACK, params={}, organisation=organisation
        )
        jobs.append(
            ReportJob.objects.create(
                workshop=workshop,
                kind=ReportJob.Kind.FEEDBACK,
                organisation=organisation,
                params=params,
                params_hash=report_params_hash(params),
            )
        )
    inside = {"wall": 0.0, "cpu": 0.0}
    original = feedback_module.html_to_pdf

    def timed(html: str, *, tagged: bool = True):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return original(html, tagged=tagged)
        finally:
            inside["wall"] += time.perf_counter() - wall
            inside["cpu"] += time.process_time() - cpu

    HTML(string="<p>warm-up</p>").write_pdf()
    feedback_module.html_to_pdf = timed
    try:
        with translation.override("en"):
            for job in jobs[:2]:  # first-use costs (templates, fonts), as in a warm worker
                report_job_run(job_id=job.pk, delivery=f"bench-{job.pk}")
            inside.update(wall=0.0, cpu=0.0)
            wall, cpu = time.perf_counter(), time.process_time()
            for job in jobs[2:]:
                report_job_run(job_id=job.pk, delivery=f"bench-{job.pk}")
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        feedback_module.html_to_pdf = original
        for job in ReportJob.objects.filter(pk__in=[job.pk for job in jobs]):
            job.file.delete(save=False)
            job.delete()
    n = len(jobs) - 2
    return {
        "n": n,
        "weasyprint_ms": 1000 * inside["wall"] / n,
        "outside_ms": 1000 * (wall - inside["wall"]) / n,
        "outside_cpu_ms": 1000 * (cpu - inside["cpu"]) / n,
    }


def feedback_raw() -> tuple[float, float]:
    """WeasyPrint alone on the final HTML of RAW_SAMPLE feedback reports, scaled: wall
    seconds for 1,000 reports on the 2 workers, and CPU seconds for 1,000 reports."""
    setup_django()
    from django.utils import translation
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from portal.models import Workshop
    from reports.data import feedback_data, organisations_with_reviews
    from reports.editions.feedback import feedback_html

    workshop = Workshop.objects.get(title=TITLE)
    organisations = list(organisations_with_reviews(workshop=workshop)[:RAW_SAMPLE])
    with translation.override("en"):
        htmls = [
            feedback_html(feedback_data(workshop=workshop, organisation=org), language="en")
            for org in organisations
        ]
    HTML(string="<p>warm-up</p>").write_pdf()
    fetcher = URLFetcher(allowed_protocols={"data"})
    started, cpu = time.perf_counter(), time.process_time()
    for html in htmls:
        HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    per_report = (time.perf_counter() - started) / len(htmls)
    cpu_per_report = (time.process_time() - cpu) / len(htmls)
    return per_report * EVALUATIONS / FEEDBACK_WORKERS, cpu_per_report * EVALUATIONS


def report(name: str, result: dict, raw: float) -> None:
    print(
        f"bench: pdf {name} pages={result['pages']} seconds={result['seconds']:.1f} "
        f"peak_mb={result['peak_mb']:.0f} raw_weasyprint_seconds={raw:.1f}",
        flush=True,
    )
    if raw and result["seconds"] > raw * 1.25:
        print(
            f"over target: {name} overhead {100 * (result['seconds'] / raw - 1):.0f} % "
            "beyond raw WeasyPrint (target 25 %)",
            file=sys.stderr,
        )
    if result["peak_mb"] > 1024:
        print(f"over target: {name} peak {result['peak_mb']:.0f} MB (target 1 GB)", file=sys.stderr)


def main() -> int:
    if "--one" in sys.argv:
        print(json.dumps(one_edition(sys.argv[sys.argv.index("--one") + 1])))
        return 0
    ensure_database(reseed="--reseed" in sys.argv)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed()
    analyse()
    print(
        f"# seeded or reused {EVALUATIONS} evaluations x {REVIEWS_EACH} reviews x {CRITERIA} "
        f"criteria in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    only = os.environ.get("BENCH_REPORTS_ONLY", "public_summary,internal_edition,feedback")
    for kind in ("public_summary", "internal_edition"):
        if kind in only:
            result = run_child(kind)
            report(kind, result, result["raw"])
    if "feedback" in only:
        inprocess = feedback_inprocess()
        print(
            f"# feedback in-process, {inprocess['n']} reports: per report "
            f"weasyprint_ms={inprocess['weasyprint_ms']:.0f} "
            f"outside_ms={inprocess['outside_ms']:.1f} "
            f"(cpu {inprocess['outside_cpu_ms']:.1f}) = "
            f"{100 * inprocess['outside_ms'] / inprocess['weasyprint_ms']:.1f} % of WeasyPrint",
            flush=True,
        )
        result = feedback_run()
        raw, raw_cpu = feedback_raw()
        # CPU time is steadier than wall time on a shared machine; it leaves PostgreSQL
        # and Redis out, and the waits in between.
        print(
            f"# feedback workers: cpu_seconds={result['cpu']:.1f} for {result['count']} reports; "
            f"WeasyPrint alone: cpu_seconds={raw_cpu:.1f} "
            f"({100 * (result['cpu'] / raw_cpu - 1):.1f} % more)",
            flush=True,
        )
        report(f"feedback x{result['count']}", result, raw)
        if result["seconds"] > 600:
            print("over target: 1,000 feedback reports took over 10 minutes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
