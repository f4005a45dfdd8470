"""Reads of report jobs for the pages: who sees which job is decided here and in rules."""

from __future__ import annotations

import rules
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.models import Organisation, User, Workshop
from reports.models import FeedbackRemark, QuoteSelection, ReportJob


def scored_criteria(*, workshop: Workshop) -> tuple:
    """The newest criteria-set version with submitted reviews, and its criteria in reading
    order: what the summary texts and the quotes are written against."""
    from criteria.models import Criterion
    from reports.data import scored_criteria_set

    criteria_set = scored_criteria_set(workshop=workshop, version=None)
    if criteria_set is None:
        return None, []
    return criteria_set, list(
        Criterion.objects.filter(criteria_set=criteria_set).order_by(
            "group__position", "position", "pk"
        )
    )


def report_jobs_for_workshop(*, workshop: Workshop) -> QuerySet[ReportJob]:
    return ReportJob.objects.filter(workshop=workshop).select_related("created_by", "organisation")


def report_job_get_for_staff(*, workshop: Workshop, code: str) -> ReportJob:
    job = ReportJob.objects.filter(workshop=workshop, code=code).select_related("workshop").first()
    if job is None:
        raise Http404
    return job


def feedback_organisations_for_staff(*, workshop: Workshop, search: str = "") -> QuerySet:
    """Organisations with a reviewed evaluation in the workshop (those that get a feedback
    report), with whether staff wrote remarks to them and the state of their newest
    feedback report, in one query."""
    from reports.data import organisations_with_reviews

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


def feedback_organisation_get_for_staff(*, workshop: Workshop, code: str) -> Organisation:
    """404 for an organisation without a reviewed evaluation in this workshop: it gets no
    feedback report here, so remarks to it would never be printed."""
    from reports.data import organisations_with_reviews

    organisation = organisations_with_reviews(workshop=workshop).filter(code=code).first()
    if organisation is None:
        raise Http404
    return organisation


def quote_selection_get_for_staff(*, workshop: Workshop, code: str) -> QuoteSelection:
    selection = (
        QuoteSelection.objects.filter(workshop=workshop, code=code)
        .select_related("score__criterion", "edited_by")
        .first()
    )
    if selection is None:
        raise Http404
    return selection


def report_job_get_for_download(*, code: str, user: User) -> ReportJob:
    """The job if `user` may download its file, else 404 (never 403: a report one may not
    see must not be told apart from one that does not exist)."""
    job = ReportJob.objects.filter(code=code).select_related("workshop").first()
    # rules' own check, not user.has_perm(): a superuser who is not staff gets no
    # organisation's feedback by Django's blanket grant.
    if job is None or not rules.has_perm("reports.download_report", user, job):
        raise Http404
    return job


def released_feedback_for_user(*, user: User) -> QuerySet[ReportJob]:
    return (
        ReportJob.objects.filter(
            kind=ReportJob.Kind.FEEDBACK,
            state=ReportJob.State.DONE,
            released_at__isnull=False,
            organisation__memberships__user=user,
        )
        .select_related("workshop", "organisation")
        .order_by("-released_at", "-pk")
    )


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
