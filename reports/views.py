"""Report pages: staff generate reports, follow their progress, retry, release and delete
them, write the summary's texts and their remarks to each organisation, pick and edit
quotes; members download released feedback."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from portal import lookups as portal_lookups
from portal.concurrency import StaleEditError
from portal.filters import filters_from
from portal.forms import add_service_errors
from portal.models import Workshop
from portal.permissions import permission_required
from reports import lookups, selectors
from reports.data import quotable_scores
from reports.editions.markup import render_markdown
from reports.forms import (
    CriterionNoteForm,
    GenerateForm,
    QuoteEditForm,
    QuoteFilterForm,
    RemarkFilterForm,
    RemarkForm,
    SummaryForm,
)
from reports.models import CriterionNote, FeedbackRemark, QuoteSelection, ReportJob, WorkshopSummary
from reports.services import quotes, report_jobs, texts
from reviews.models import CriterionScore

Kind = ReportJob.Kind
QUOTES_PER_PAGE = 50
ORGANISATIONS_PER_PAGE = 25


def _download_url(job: ReportJob) -> str:
    return reverse("reports:download", args=[job.code])


def _index_url(workshop: Workshop) -> str:
    return reverse("reports:index", args=[workshop.code])


def _render_staff(request, template: str, workshop: Workshop, context: dict, status: int = 200):
    """A staff reports page, under the aggregates navigation with its Reports tab current."""
    return render(
        request,
        template,
        {"workshop": workshop, "section": "reports", **context},
        status=status,
    )


def _stale_summary_message() -> str:
    return _(
        "Someone else saved these texts after you opened this page. Nothing was saved and "
        "your texts are kept below; open the page in a new tab to compare, then save again "
        "to replace theirs."
    )


def _stale_message() -> str:
    return _(
        "Someone else saved this text after you opened it. Your text is kept below and "
        "nothing was saved; compare it with theirs, then save again to replace theirs."
    )


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_GET
def report_index(request, workshop: Workshop):
    jobs = list(selectors.report_jobs_for_workshop(workshop=workshop)[:200])
    rows = [
        {
            "job": job,
            "snapshot": selectors.snapshot_text(job),
            "status_url": reverse("reports:status", args=[workshop.code, job.code]),
            "retryable": job.state == ReportJob.State.FAILED or report_jobs.report_job_is_lost(job),
            "download_url": _download_url(job),
        }
        for job in jobs
    ]
    return _render_staff(
        request,
        "reports/staff/index.html",
        workshop,
        {"rows": rows, "form": GenerateForm(), "kinds": Kind},
    )


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_POST
def report_generate(request, workshop: Workshop):
    form = GenerateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_index_url(workshop))
    kind = form.cleaned_data["kind"]
    try:
        if kind == Kind.FEEDBACK:
            jobs = report_jobs.report_jobs_request_feedback(
                workshop=workshop, params=form.params(), user=request.user
            )
            messages.success(
                request,
                ngettext(
                    "%(count)d feedback report queued.",
                    "%(count)d feedback reports queued.",
                    len(jobs),
                )
                % {"count": len(jobs)},
            )
        else:
            job = report_jobs.report_job_request(
                workshop=workshop, kind=kind, params=form.params(), user=request.user
            )
            messages.success(
                request,
                _("%(report)s: %(state)s.")
                % {"report": job.get_kind_display(), "state": job.get_state_display()},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_index_url(workshop))


@permission_required("reports.manage_reports", lookup=lookups.job)
@require_GET
def report_status(request, job: ReportJob):
    response = JsonResponse(selectors.job_status(job, download_url=_download_url(job)))
    response["Cache-Control"] = "no-store"
    return response


@permission_required("reports.manage_reports", lookup=lookups.job)
@require_POST
def report_retry(request, job: ReportJob):
    try:
        report_jobs.report_job_retry(job=job, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is queued again."))
    return redirect(_index_url(job.workshop))


@permission_required("reports.manage_reports", lookup=lookups.job)
@require_POST
def report_release(request, job: ReportJob):
    release = request.POST.get("release") != "0"
    try:
        report_jobs.report_job_release(job=job, user=request.user, release=release)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Released to %(organisation)s.") % {"organisation": job.organisation}
            if release
            else _("Withdrawn from %(organisation)s.") % {"organisation": job.organisation},
        )
    return redirect(_index_url(job.workshop))


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_POST
def report_release_all(request, workshop: Workshop):
    count = report_jobs.report_jobs_release_feedback(workshop=workshop, user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d feedback report released.", "%(count)d feedback reports released.", count
        )
        % {"count": count},
    )
    return redirect(_index_url(workshop))


@permission_required("reports.download_report", lookup=lookups.job_file)
@require_GET
def report_download(request, job: ReportJob):
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file_name,
        content_type=job.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("portal.use_portal")
@require_GET
def feedback_reports(request):
    """An organisation member's released feedback reports."""
    return render(
        request,
        "reports/feedback_list.html",
        {"jobs": list(selectors.released_feedback_for_user(user=request.user))},
    )


# --- staff's texts ----------------------------------------------------------------------


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
def summary_edit(request, workshop: Workshop):
    _criteria_set, criteria = selectors.scored_criteria(workshop=workshop)
    notes = dict(
        CriterionNote.objects.filter(workshop=workshop).values_list("criterion_code", "notes_md")
    )
    summary = WorkshopSummary.objects.filter(workshop=workshop).first()
    status = 200
    if request.method == "POST":
        form = SummaryForm(request.POST)
        note_forms = [
            CriterionNoteForm(request.POST, prefix=f"note-{index}")
            for index, _criterion in enumerate(criteria)
        ]
        if form.is_valid() and all(note.is_valid() for note in note_forms):
            try:
                texts.summary_texts_save(
                    workshop=workshop,
                    executive_summary_md=form.cleaned_data["executive_summary_md"],
                    insights_md=form.cleaned_data["insights_md"],
                    notes={
                        note.cleaned_data["criterion_code"]: note.cleaned_data["notes_md"]
                        for note in note_forms
                    },
                    user=request.user,
                    version=form.cleaned_data["version"],
                )
            except StaleEditError as error:
                # Nothing saved; the texts stay as typed, and saving again replaces theirs.
                data = request.POST.copy()
                data["version"] = error.current
                form = SummaryForm(data)
                form.is_valid()
                form.add_error(None, _stale_summary_message())
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(request, _("Summary texts saved."))
                return redirect(reverse("reports:summary_edit", args=[workshop.code]))
        else:
            status = 400
    else:
        form = SummaryForm(
            initial={
                "executive_summary_md": summary.executive_summary_md if summary else "",
                "insights_md": summary.insights_md if summary else "",
                "version": texts.summary_texts_version(workshop=workshop),
            }
        )
        note_forms = [
            CriterionNoteForm(
                prefix=f"note-{index}",
                initial={
                    "criterion_code": criterion.code,
                    "notes_md": notes.get(criterion.code, ""),
                },
            )
            for index, criterion in enumerate(criteria)
        ]
    return _render_staff(
        request,
        "reports/staff/summary_form.html",
        workshop,
        {"form": form, "notes": list(zip(criteria, note_forms, strict=True))},
        status=status,
    )


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_GET
def quote_list(request, workshop: Workshop):
    criteria_set, criteria = selectors.scored_criteria(workshop=workshop)
    form = filters_from(request, QuoteFilterForm, criteria=criteria)
    code = form.filters()["criterion"] or (criteria[0].code if criteria else "")
    scores = (
        quotable_scores(workshop=workshop)
        .filter(criterion__criteria_set=criteria_set, criterion__code=code)
        .select_related("criterion", "quote_selection__edited_by")
        .order_by("-tag", "pk")
    )
    page = Paginator(scores, QUOTES_PER_PAGE).get_page(form.page_number)
    return _render_staff(
        request,
        "reports/staff/quotes.html",
        workshop,
        {
            "criteria": criteria,
            "current": code,
            "page": page,
            "form": form,
            "selected_count": QuoteSelection.objects.filter(workshop=workshop).count(),
        },
        status=form.status,
    )


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_POST
def quote_toggle(request, workshop: Workshop):
    score_id = request.POST.get("score", "")
    score = get_object_or_404(
        CriterionScore,
        pk=int(score_id) if score_id.isdigit() else 0,
        review__assignment__workshop=workshop,
    )
    try:
        if request.POST.get("action") == "remove":
            quotes.quote_remove(workshop=workshop, score=score)
            messages.success(request, _("Quote removed from the summary."))
        else:
            quotes.quote_select(workshop=workshop, score=score, user=request.user)
            messages.success(request, _("Quote added to the summary."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    url = reverse("reports:quotes", args=[workshop.code])
    page = request.POST.get("page", "")
    query = urlencode({"criterion": score.criterion.code, "page": page if page.isdigit() else 1})
    return redirect(f"{url}?{query}")


def _posted_revision(request) -> int:
    value = request.POST.get("revision", "")
    # A missing or mangled revision can match no saved one: the edit is refused as stale.
    return int(value) if value.isdigit() else -1


@permission_required("reports.manage_reports", lookup=lookups.quote_selection)
def quote_edit(request, selection: QuoteSelection):
    """Edit or revert the text the summary prints for a chosen quote."""
    workshop = selection.workshop
    back = (
        reverse("reports:quotes", args=[workshop.code])
        + f"?criterion={selection.score.criterion.code}"
    )
    status = 200
    stale = None
    if request.method == "POST":
        form = QuoteEditForm(request.POST)
        revert = request.POST.get("action") == "revert"
        if not revert and not form.is_valid():
            status = 400
        else:
            try:
                if revert:
                    quotes.quote_revert(
                        selection=selection,
                        revision=_posted_revision(request),
                        user=request.user,
                    )
                    messages.success(request, _("The quote prints the reviewer's words again."))
                else:
                    quotes.quote_edit(
                        selection=selection,
                        text=form.cleaned_data["text"],
                        revision=_posted_revision(request),
                        user=request.user,
                    )
                    messages.success(request, _("The quote's printed text was saved."))
                return redirect(back)
            except StaleEditError as error:
                stale = error
                data = request.POST.copy()
                data["revision"] = str(error.current)
                form = QuoteEditForm(data)
                selection = selectors.quote_selection_get_for_user(
                    workshop=workshop, code=selection.code, user=request.user
                )
                status = 409
            except ValidationError as error:
                if getattr(error, "code", None) == "gone":
                    messages.error(request, " ".join(error.messages))
                    return redirect(back)
                add_service_errors(form, error)
                status = 400
    else:
        form = QuoteEditForm(
            initial={
                "text": selection.edited_text or selection.score.justification,
                "revision": selection.revision,
            }
        )
    return _render_staff(
        request,
        "reports/staff/quote_edit.html",
        workshop,
        {
            "selection": selection,
            "form": form,
            "stale": stale,
            "stale_message": _stale_message() if stale else "",
            "stale_html": linebreaksbr(stale.current_value, autoescape=True) if stale else "",
            "back_url": back,
        },
        status=status,
    )


# --- staff's remarks to each organisation ----------------------------------------------


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_GET
def remark_list(request, workshop: Workshop):
    form = filters_from(request, RemarkFilterForm)
    query = form.filters()["q"].strip()
    organisations = selectors.feedback_organisations_for_staff(workshop=workshop, search=query)
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(form.page_number)
    return _render_staff(
        request,
        "reports/staff/remarks.html",
        workshop,
        {"page": page, "query": query, "form": form, "states": ReportJob.State},
        status=form.status,
    )


@permission_required("reports.manage_reports", lookup=lookups.feedback_remark)
def remark_edit(request, remark: FeedbackRemark):
    workshop, organisation = remark.workshop, remark.organisation
    status = 200
    stale = None
    preview = None
    if request.method == "POST":
        form = RemarkForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["remarks_md"]
            if "preview" in request.POST:
                # Nothing is saved: the form comes back with the same revision.
                preview = render_markdown(text)
            else:
                try:
                    texts.feedback_remark_save(
                        workshop=workshop,
                        organisation=organisation,
                        remarks_md=text,
                        user=request.user,
                        revision=form.cleaned_data["revision"],
                    )
                except StaleEditError as error:
                    stale = error
                    data = request.POST.copy()
                    data["revision"] = str(error.current)
                    form = RemarkForm(data)
                    status = 409
                except ValidationError as error:
                    add_service_errors(form, error)
                    status = 400
                else:
                    messages.success(
                        request,
                        _("Remarks to %(organisation)s saved.") % {"organisation": organisation},
                    )
                    return redirect(reverse("reports:remarks", args=[workshop.code]))
        else:
            status = 400
    else:
        form = RemarkForm(initial={"remarks_md": remark.remarks_md, "revision": remark.revision})
    return _render_staff(
        request,
        "reports/staff/remark_edit.html",
        workshop,
        {
            "organisation": organisation,
            "remark": remark,
            "form": form,
            "preview": preview,
            "stale": stale,
            "stale_message": _stale_message() if stale else "",
            "stale_html": render_markdown(stale.current_value) if stale else "",
        },
        status=status,
    )


# --- retention -------------------------------------------------------------------------


@permission_required("reports.manage_reports", lookup=lookups.job)
def report_delete(request, job: ReportJob):
    """GET asks for confirmation; POST deletes the job and, once committed, its file."""
    workshop = job.workshop
    if request.method == "POST":
        try:
            report_jobs.report_job_delete(job=job, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(report)s of %(date)s deleted.")
                % {
                    "report": job.get_kind_display(),
                    "date": formats.date_format(
                        timezone.localtime(job.created_at), "DATETIME_FORMAT"
                    ),
                },
            )
        return redirect(_index_url(workshop))
    return _render_staff(
        request,
        "reports/staff/delete_confirm.html",
        workshop,
        {"job": job, "snapshot": selectors.snapshot_text(job)},
    )
