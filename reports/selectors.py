"""Reads of report jobs for the pages: who sees which job is decided here and in rules."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from criteria.models import CriteriaSet, Criterion
from portal.models import User, Workshop
from portal.permissions import has_perm
from portal.selectors import organisations_visible_to
from reports.data import organisations_with_reviews, quotable_scores, scored_criteria_set
from reports.models import (
    CriterionNote,
    FeedbackRemark,
    QuoteSelection,
    ReportJob,
    WorkshopSummary,
)
from reviews.models import CriterionScore


def scored_criteria(*, workshop: Workshop) -> tuple:
    """The newest criteria-set version with submitted reviews, and its criteria in reading
    order: what the summary texts and the quotes are written against."""
    criteria_set = scored_criteria_set(workshop=workshop, version=None)
    if criteria_set is None:
        return None, []
    return criteria_set, list(
        Criterion.objects.filter(criteria_set=criteria_set).order_by(
            "group__position", "position", "pk"
        )
    )


def summary_texts(*, workshop: Workshop) -> tuple[WorkshopSummary | None, dict[str, str]]:
    """The summary's texts as saved: its executive summary and insights (None before the
    first save), and the notes per criterion code."""
    notes = dict(
        CriterionNote.objects.filter(workshop=workshop).values_list("criterion_code", "notes_md")
    )
    return WorkshopSummary.objects.filter(workshop=workshop).first(), notes


def executive_summary_missing(*, workshop: Workshop) -> bool:
    """Whether the summary editions would print "No executive summary has been written
    yet" (nothing saved, or only blanks)."""
    text = (
        WorkshopSummary.objects.filter(workshop=workshop)
        .values_list("executive_summary_md", flat=True)
        .first()
    )
    return not (text or "").strip()


def _released_to(user: User) -> Q:
    """Finished feedback reports that staff released to an organisation `user` belongs to."""
    return Q(
        kind=ReportJob.Kind.FEEDBACK,
        state=ReportJob.State.DONE,
        released_at__isnull=False,
        organisation__memberships__user=user,
    )


def report_jobs_visible_to(*, user: User) -> QuerySet[ReportJob]:
    """Staff see every job; anyone else only what they may download: the finished
    feedback reports released to their organisations."""
    jobs = ReportJob.objects.select_related("workshop", "organisation")
    if not user.is_authenticated:
        return jobs.none()
    if has_perm(user, "reports.manage_reports"):
        return jobs
    return jobs.filter(_released_to(user))


def report_job_get_for_user(*, workshop: Workshop, code: str, user: User) -> ReportJob:
    """A job of the workshop, or 404 for anyone who may not see it."""
    job = report_jobs_visible_to(user=user).filter(workshop=workshop, code=code).first()
    if job is None:
        raise Http404
    return job


def report_job_get_for_download(*, code: str, user: User) -> ReportJob:
    """A job whose file `user` may see, else 404: also for staff while there is no file
    yet, and never 403 (a report one may not see must not be told apart from one that
    does not exist)."""
    job = (
        report_jobs_visible_to(user=user)
        .filter(code=code, state=ReportJob.State.DONE)
        .exclude(file="")
        .first()
    )
    if job is None:
        raise Http404
    return job


def released_feedback_for_user(*, user: User) -> QuerySet[ReportJob]:
    """The feedback reports released to the organisations `user` belongs to (for staff
    too, who belong to none unless they are members themselves)."""
    return (
        ReportJob.objects.filter(_released_to(user))
        .select_related("workshop", "organisation")
        .order_by("-released_at", "-pk")
    )


def report_jobs_for_workshop(*, workshop: Workshop) -> QuerySet[ReportJob]:
    return ReportJob.objects.filter(workshop=workshop).select_related("created_by", "organisation")


def feedback_organisations_for_staff(*, workshop: Workshop, search: str = "") -> QuerySet:
    """Organisations with a reviewed evaluation in the workshop (those that get a feedback
    report), with whether staff wrote remarks to them and the state of their newest
    feedback report, in one query."""
    newest = ReportJob.objects.filter(
        workshop=workshop, kind=ReportJob.Kind.FEEDBACK, organisation=OuterRef("pk")
    ).order_by("-created_at", "-pk")
    organisations = organisations_with_reviews(workshop=workshop).annotate(
        has_remarks=Exists(
            FeedbackRemark.objects.filter(workshop=workshop, organisation=OuterRef("pk")).exclude(
                remarks_md=""
            )
        ),
        feedback_state=Subquery(newest.values("state")[:1]),
        feedback_created_at=Subquery(newest.values("created_at")[:1]),
        feedback_released_at=Subquery(newest.values("released_at")[:1]),
    )
    search = search.strip()
    if search:
        organisations = organisations.filter(name__icontains=search)
    return organisations


def feedback_remark_get_for_user(
    *, workshop: Workshop, organisation_code: str, user: User
) -> FeedbackRemark:
    """Staff's remarks to an organisation in this workshop: the saved ones, or new ones
    (unsaved, at revision 0, which the first save names). 404 unless `user` may see the
    organisation (staff: every one; others: their own) and it has a reviewed evaluation
    here: without one it gets no feedback report, so remarks would never be printed."""
    organisation = (
        organisations_visible_to(user=user)
        .filter(
            code=organisation_code,
            pk__in=organisations_with_reviews(workshop=workshop).values("pk"),
        )
        .first()
    )
    if organisation is None:
        raise Http404
    remark = (
        FeedbackRemark.objects.filter(workshop=workshop, organisation=organisation)
        .select_related("updated_by")
        .first()
    )
    if remark is None:
        remark = FeedbackRemark(workshop=workshop, organisation=organisation, revision=0)
    # Both are at hand: no query when the view reads them.
    remark.workshop, remark.organisation = workshop, organisation
    return remark


def quote_candidates(
    *, workshop: Workshop, criteria_set: CriteriaSet | None, criterion_code: str
) -> QuerySet[CriterionScore]:
    """The justifications of one criterion staff may quote, chosen ones marked (their
    QuoteSelection rides along), tagged gap first."""
    return (
        quotable_scores(workshop=workshop)
        .filter(criterion__criteria_set=criteria_set, criterion__code=criterion_code)
        .select_related("criterion", "quote_selection__edited_by")
        .order_by("-tag", "pk")
    )


def quote_selections_count(*, workshop: Workshop) -> int:
    return QuoteSelection.objects.filter(workshop=workshop).count()


def quote_selection_get_for_user(*, workshop: Workshop, code: str, user: User) -> QuoteSelection:
    """A quote chosen for the summary: staff's choice, seen by staff alone (404 to others
    until the summary prints it, anonymised)."""
    selection = None
    if has_perm(user, "reports.manage_reports"):
        selection = (
            QuoteSelection.objects.filter(workshop=workshop, code=code)
            .select_related("workshop", "score__criterion", "edited_by")
            .first()
        )
    if selection is None:
        raise Http404
    return selection


def snapshot_text(job: ReportJob) -> str:
    """One line a person can read: what the report was built from."""
    snap = job.snapshot or {}
    if not snap:
        return ""
    parts = []
    if "evaluations" in snap:
        parts.append(
            ngettext("%(n)d evaluation", "%(n)d evaluations", snap["evaluations"])
            % {"n": snap["evaluations"]}
        )
    if "reviewers" in snap:
        parts.append(
            ngettext("%(n)d reviewer", "%(n)d reviewers", snap["reviewers"])
            % {"n": snap["reviewers"]}
        )
    if "reviews" in snap:
        parts.append(
            ngettext("%(n)d review", "%(n)d reviews", snap["reviews"]) % {"n": snap["reviews"]}
        )
    if snap.get("criteria_set_version"):
        parts.append(_("criteria v%(version)s") % {"version": snap["criteria_set_version"]})
    if snap.get("include_ai_office_only"):
        parts.append(_("AI-Office-only evaluations counted"))
    if job.page_count:
        parts.append(ngettext("%(n)d page", "%(n)d pages", job.page_count) % {"n": job.page_count})
    return ", ".join(parts)


def job_status(job: ReportJob, *, download_url: str) -> dict:
    """The JSON the progress bar polls."""
    return {
        "code": job.code,
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "progress": job.progress,
        "error": job.error if job.state == ReportJob.State.FAILED else "",
        "finished_at": (
            formats.date_format(timezone.localtime(job.finished_at), "DATETIME_FORMAT")
            if job.finished_at
            else ""
        ),
        "snapshot": snapshot_text(job),
        "download_url": download_url if job.state == ReportJob.State.DONE else "",
        "download_label": _("Download"),
    }


def report_job_get_by_code_for_user(*, code: str, user: User) -> ReportJob:
    """A job named by its code alone (the API's address of a job), or 404 for anyone who
    may not see it: as report_job_get_for_user, without the workshop in the address."""
    job = report_jobs_visible_to(user=user).filter(code=code).first()
    if job is None:
        raise Http404
    return job
