"""What the pages of automatic assignment read: runs of a workshop, a run's status, its
summary as the preview shows it, and one page of its diff against the assignments; a page
of a reviewer's bidding list with their bids.

Staff see everything (names included): anonymity and confidentiality apply to reviewers,
whose pages go through reviews.selectors.visibility.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KT
from django.http import Http404
from django.utils.translation import gettext as _

from assignment.matching.explain import explanation_text
from assignment.matching.options import RunSettings
from assignment.models import AssignmentRun, Bid, InstanceExport
from assignment.services.publish import assignment_run_diff
from portal.models import User, Workshop
from reviews.selectors import visibility
from reviews.selectors.visibility import BiddingRow
from submissions.models import Submission
from submissions.models.taxonomy import LABELS

DIFF_PER_PAGE = 50
RUNS_SHOWN = 20
UNFILLED_SHOWN = 50

TAB_ADDED = "added"
TAB_REMOVED = "removed"
TAB_KEPT = "kept"
TABS = (TAB_ADDED, TAB_REMOVED, TAB_KEPT)


def runs_of_workshop(*, workshop: Workshop) -> list[AssignmentRun]:
    """The newest runs, without their (possibly large) summaries."""
    return list(
        AssignmentRun.objects.filter(workshop=workshop)
        .select_related("created_by", "published_by")
        .defer("summary")
        .annotate(objective=KT("summary__objective"), imported=KT("settings__imported"))
        .order_by("-created_at", "-pk")[:RUNS_SHOWN]
    )


def run_get_for_staff(*, workshop: Workshop, code: str) -> AssignmentRun:
    run = (
        AssignmentRun.objects.filter(workshop=workshop, code=code)
        .select_related("created_by", "published_by")
        .first()
    )
    if run is None:
        raise Http404
    return run


def run_status(run: AssignmentRun) -> dict[str, Any]:
    """What the progress bar polls."""
    return {
        "state": run.state,
        "state_label": str(run.get_state_display()),
        "progress": run.progress,
        "error": run.error,
        "finished": run.state in (AssignmentRun.State.DONE, AssignmentRun.State.FAILED),
    }


# --- the summary ----------------------------------------------------------------------------


def _median_from_histogram(histogram: dict[str, int]) -> float | None:
    counts = sorted((int(load), int(n)) for load, n in histogram.items())
    total = sum(n for _load, n in counts)
    if total == 0:
        return None
    wanted = {(total - 1) // 2, total // 2}
    values = []
    seen = 0
    for load, n in counts:
        for position in wanted:
            if seen <= position < seen + n:
                values.append(load)
        seen += n
    if len(wanted) == 2 and len(values) == 1:
        values *= 2
    return sum(values) / len(values)


@dataclass
class RunSummary:
    """A done run's summary, shaped for the preview."""

    solver: str
    status: str
    objective: float | None
    lp_bound: float | None
    greedy_objective: float | None
    submissions: int
    reviewers: int
    pairs: int
    kept_pairs: int
    new_pairs: int
    affinity_mean: float | None
    affinity_min: float | None
    load_min: float | None
    load_median: float | None
    load_max: float | None
    coverage_requested: bool
    coverage_required: int
    coverage_met: int
    unfilled_total: int
    unfilled: list[dict[str, Any]]  # {"code", "title", "missing"}, the first UNFILLED_SHOWN
    explanations: list[str]
    edited: bool
    unfilled_submissions: int  # submissions with an open slot, all of them
    # The text similarity the run scored with, and its calibration (none in older runs).
    text_variant: str = ""
    text_median: float | None = None
    text_p99: float | None = None

    @property
    def coverage_complete(self) -> bool:
        return self.coverage_met == self.coverage_required

    @property
    def unfilled_more(self) -> int:
        return max(self.unfilled_submissions - len(self.unfilled), 0)

    @property
    def bound_matches(self) -> bool:
        """The solver reached the LP relaxation's optimum, so no assignment scores more."""
        return (
            self.lp_bound is not None
            and self.objective is not None
            and abs(self.lp_bound - self.objective) < 0.0005
        )


def solver_label(code: str) -> str:
    labels = {
        "min_cost_flow": _("Min-cost flow (OR-Tools)"),
        "milp": _("Integer program (HiGHS)"),
        "lagrangian": _("Min-cost flow with coverage by Lagrangian relaxation (OR-Tools)"),
        "openreview-matcher import": _("Imported from openreview-matcher"),
    }
    return str(labels.get(code, code))


def status_label(code: str) -> str:
    labels = {
        "optimal": _("optimal"),
        "time_limit": _("stopped at the time limit: best found, not proven optimal"),
        "coverage_dropped": _("optimal without coverage (coverage left out)"),
        "coverage_too_large": _("optimal without coverage (coverage left out)"),
        "near_optimal": _("near-optimal: within a proven gap of the best possible"),
        "near_optimal_time_limit": _(
            "near-optimal after the integer program's time limit: within a proven gap of "
            "the best possible"
        ),
    }
    return str(labels.get(code, code))


def text_variant_label(code: str) -> str:
    labels = {
        "tfidf_per_doc": _("TF-IDF per document"),
        "combined": _("TF-IDF and the semantic model per document"),
    }
    return str(labels.get(code, code))


def run_summary(run: AssignmentRun) -> RunSummary:
    """The preview's figures, from the summary the run stored (explanations rendered in the
    reader's language); submission titles of the first unfilled rows in one query."""
    summary = run.summary or {}
    per_sub = summary.get("affinity_per_submission") or {}
    load = summary.get("load") or {}
    coverage = summary.get("coverage") or {}
    unfilled = summary.get("unfilled") or []
    shown = unfilled[:UNFILLED_SHOWN]
    titles = dict(
        Submission.objects.filter(
            workshop_id=run.workshop_id, code__in=[u["submission"] for u in shown]
        ).values_list("code", "title")
    )
    greedy = summary.get("greedy") or {}
    text = summary.get("text") or {}
    return RunSummary(
        solver=solver_label(summary.get("solver", "")),
        status=status_label(summary.get("status", "")),
        objective=summary.get("objective"),
        lp_bound=summary.get("lp_bound"),
        greedy_objective=greedy.get("objective"),
        submissions=summary.get("submissions", 0),
        reviewers=summary.get("reviewers", 0),
        pairs=summary.get("pairs", 0),
        kept_pairs=summary.get("kept_pairs", 0),
        new_pairs=summary.get("new_pairs", 0),
        affinity_mean=per_sub.get("mean"),
        affinity_min=per_sub.get("min"),
        load_min=load.get("min"),
        load_median=_median_from_histogram(load.get("histogram") or {}),
        load_max=load.get("max"),
        coverage_requested=bool(coverage.get("requested")),
        coverage_required=coverage.get("required", 0),
        coverage_met=coverage.get("met", 0),
        unfilled_total=summary.get("unfilled_total", 0),
        unfilled=[
            {
                "code": u["submission"],
                "title": titles.get(u["submission"], ""),
                "missing": u["missing"],
            }
            for u in shown
        ],
        explanations=[explanation_text(item) for item in summary.get("explanations") or []],
        edited=bool(summary.get("edited")),
        unfilled_submissions=len(unfilled),
        text_variant=text_variant_label(text["variant"]) if text.get("variant") else "",
        text_median=text.get("median"),
        text_p99=text.get("p99"),
    )


@dataclass(frozen=True)
class SettingsLine:
    label: str
    value: str


def settings_lines(run: AssignmentRun) -> list[SettingsLine]:
    settings = RunSettings.from_json(run.settings)
    yes, no = _("yes"), _("no")
    weights = settings.weights
    return [
        SettingsLine(_("Reviewers per submission"), str(settings.k)),
        SettingsLine(_("Minimum load"), str(settings.min_load)),
        SettingsLine(
            _("Maximum load"),
            str(settings.max_load)
            if settings.max_load is not None
            else _("each reviewer's own maximum"),
        ),
        SettingsLine(
            _("Existing assignments"), _("kept") if settings.keep_existing else _("replaceable")
        ),
        SettingsLine(_("Fill open slots only"), yes if settings.fill_open_slots_only else no),
        SettingsLine(_("Coverage"), yes if settings.coverage else no),
        SettingsLine(
            _("Affinity weights"),
            ", ".join(f"{name} {value:g}" for name, value in weights.to_json().items()),
        ),
    ]


# --- the diff -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhyDocument:
    title: str  # the publication's title, or a label for the application's statement
    similarity: float


@dataclass(frozen=True)
class Why:
    score: float | None
    risk_areas: list[str]
    methods: list[str]
    bid: str
    text_similarity: float | None
    expertise_overlap: float | None
    matcher_score: float | None
    # What the score adds for text (None in runs before per-document text similarity).
    text_term: float | None = None
    documents: tuple[WhyDocument, ...] = ()
    terms: tuple[str, ...] = ()


_BID_LABELS = dict(Bid.Value.choices)


def pair_why(score: float | None, why: dict[str, Any] | None) -> Why:
    why = why or {}
    bid = why.get("bid")
    return Why(
        score=score,
        risk_areas=[str(LABELS.get(code, code)) for code in why.get("risk_areas", [])],
        methods=[str(LABELS.get(code, code)) for code in why.get("methods", [])],
        bid=str(_BID_LABELS.get(bid, "")) if bid else "",
        text_similarity=why.get("text_similarity"),
        expertise_overlap=why.get("expertise_overlap"),
        matcher_score=why.get("matcher_score"),
        text_term=why.get("text_term"),
        documents=tuple(
            WhyDocument(
                title=doc.get("title") or _("Statement of expertise"),
                similarity=doc.get("similarity", 0.0),
            )
            for doc in why.get("documents", [])
        ),
        terms=tuple(why.get("terms", [])),
    )


@dataclass(frozen=True)
class DiffRow:
    submission: Submission
    reviewer: Any  # User
    why: Why | None  # None for removed assignments: the run did not score them
    origin_label: str
    removable: bool  # a proposed pair staff may take out
    restorable: bool  # a removed assignment staff may put back


@dataclass
class DiffView:
    counts: dict[str, int]
    tab: str
    page: Page
    rows: list[DiffRow]


def _search(qs: QuerySet, query: str) -> QuerySet:
    if not query:
        return qs
    return qs.filter(
        Q(submission__title__icontains=query)
        | Q(submission__code=query)
        | Q(reviewer__email__icontains=query)
        | Q(reviewer__full_name__icontains=query)
    )


def run_diff_page(
    *, run: AssignmentRun, tab: str, page_number, query: str = "", editable: bool
) -> DiffView:
    """Counts of added / removed / kept pairs and one page (DIFF_PER_PAGE rows) of one of
    them, in a fixed number of queries whatever the size of the run."""
    diff = assignment_run_diff(run=run)
    querysets = {
        TAB_ADDED: _search(diff.added, query).order_by(
            "submission__title", "submission_id", "reviewer__email"
        ),
        TAB_REMOVED: _search(diff.removed, query).order_by(
            "submission__title", "submission_id", "reviewer__email"
        ),
        TAB_KEPT: _search(diff.kept, query).order_by(
            "submission__title", "submission_id", "reviewer__email"
        ),
    }
    tab = tab if tab in TABS else TAB_ADDED
    counts = {name: qs.count() for name, qs in querysets.items()}
    paginator = Paginator(querysets[tab], DIFF_PER_PAGE)
    # The count is known already: saves the paginator a second COUNT query.
    paginator.count = counts[tab]
    page = paginator.get_page(page_number)
    rows = []
    for item in page.object_list:
        if tab == TAB_REMOVED:
            rows.append(
                DiffRow(
                    submission=item.submission,
                    reviewer=item.reviewer,
                    why=None,
                    origin_label=str(item.get_source_display()),
                    removable=False,
                    restorable=editable,
                )
            )
        else:
            rows.append(
                DiffRow(
                    submission=item.submission,
                    reviewer=item.reviewer,
                    why=pair_why(item.score, item.why),
                    origin_label=str(item.get_origin_display()),
                    removable=editable,
                    restorable=False,
                )
            )
    return DiffView(counts=counts, tab=tab, page=page, rows=rows)


# --- bids ---------------------------------------------------------------------------------


def bidding_rows(*, user: User, workshop: Workshop, ids: list[int]) -> list[BiddingRow]:
    """The rows of one page of the reviewer's bidding list (ids already checked by
    reviews.selectors.visibility.submissions_for_bidding), with their current bids: what
    they may see of each submission is decided by visibility.bidding_rows."""
    bids = dict(
        Bid.objects.filter(reviewer=user, submission_id__in=ids).values_list(
            "submission_id", "value"
        )
    )
    return visibility.bidding_rows(workshop=workshop, ids=ids, bids=bids)


# --- the API -------------------------------------------------------------------------------


def runs_for_workshop(*, workshop: Workshop) -> QuerySet[AssignmentRun]:
    """Every run of the workshop, newest first, without their summaries (the API pages
    through them all; the staff page shows the newest RUNS_SHOWN)."""
    return (
        AssignmentRun.objects.filter(workshop=workshop)
        .select_related("workshop")
        .defer("summary")
        .order_by("-created_at", "-pk")
    )


def run_get_by_code_for_staff(*, code: str) -> AssignmentRun:
    """A run named by its code alone (the API's address of a run), for staff; 404 when no
    run has it."""
    run = (
        AssignmentRun.objects.filter(code=code)
        .select_related("workshop", "created_by", "published_by")
        .first()
    )
    if run is None:
        raise Http404
    return run


# Exports the assignment page lists: the newest, enough for the four kinds and a few runs.
INSTANCE_EXPORTS_SHOWN = 8


def instance_exports_of_workshop(*, workshop: Workshop) -> list[InstanceExport]:
    """The workshop's newest matcher files exports, with their state (one query)."""
    return list(
        InstanceExport.objects.filter(workshop=workshop).order_by("-created_at", "-pk")[
            :INSTANCE_EXPORTS_SHOWN
        ]
    )


def instance_export_get_for_staff(*, workshop: Workshop, code: str) -> InstanceExport:
    export = InstanceExport.objects.filter(workshop=workshop, code=code).first()
    if export is None:
        raise Http404
    return export
