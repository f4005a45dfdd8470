import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import lookups as portal_lookups
from portal.csv import Echo, csv_safe
from portal.filters import filters_from, refused_export
from portal.forms import add_service_errors
from portal.models import Workshop
from portal.permissions import permission_required
from submissions import lookups, selectors, services
from submissions.forms import ExtensionForm, ScreeningForm, StaffSubmissionFilterForm
from submissions.models import Method, RiskArea, Submission, SubmissionVersion
from submissions.versions import version_diff as versions_compared


def _filter_form(request) -> StaffSubmissionFilterForm:
    return filters_from(
        request,
        StaffSubmissionFilterForm,
        risk_areas=list(RiskArea.objects.all()),
        methods=list(Method.objects.all()),
    )


@permission_required("submissions.view_all_submissions", lookup=portal_lookups.workshop)
def submission_list(request, workshop: Workshop):
    form = _filter_form(request)
    filters = form.filters()
    submissions = selectors.submissions_for_staff_list(workshop=workshop, **filters)
    page = Paginator(submissions, 50).get_page(form.page_number)
    return render(
        request,
        "submissions/staff/submission_list.html",
        {"workshop": workshop, "page": page, "form": form, "filters": filters},
        status=form.status,
    )


CSV_COLUMNS = [
    ("code", lambda s: s.code),
    ("title", lambda s: s.title),
    ("state", lambda s: s.state),
    ("organisation", lambda s: s.organisation.name),
    ("organisation_type", lambda s: s.organisation.type),
    ("country", lambda s: s.organisation.country.code),
    ("provider", lambda s: s.provider.name if s.provider_id else ""),
    ("model_name", lambda s: s.model_name),
    ("model_version", lambda s: s.model_version),
    ("access_level", lambda s: s.access_level),
    ("risk_areas", lambda s: ";".join(r.code for r in s.risk_areas.all())),
    ("methods", lambda s: ";".join(m.code for m in s.methods.all())),
    ("stage", lambda s: s.stage),
    ("confidentiality", lambda s: s.confidentiality),
    ("info_hazard", lambda s: "yes" if s.info_hazard else "no"),
    ("summary_consent", lambda s: s.summary_consent),
    ("submitted_at", lambda s: s.submitted_at.isoformat() if s.submitted_at else ""),
    ("ineligible_reason", lambda s: s.ineligible_reason),
]


@permission_required("submissions.view_all_submissions", lookup=portal_lookups.workshop)
def submission_export_csv(request, workshop: Workshop):
    form = _filter_form(request)
    if form.errors:
        return refused_export(form)
    filters = form.filters()
    submissions = selectors.submissions_for_staff_list(workshop=workshop, **filters)
    services.submission_record_export(
        workshop=workshop, user=request.user, filters=filters, rows=submissions.count()
    )
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow([name for name, _ in CSV_COLUMNS])
        # Chunks of 500 keep memory flat and still prefetch the taxonomies per chunk.
        for submission in submissions.iterator(chunk_size=500):
            yield writer.writerow([csv_safe(get(submission)) for _, get in CSV_COLUMNS])

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="submissions-{workshop.code}-{stamp}.csv"'
    )
    return response


@permission_required("submissions.screen_submission", lookup=lookups.submission)
def submission_screen(request, submission: Submission):
    form = ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_screen(
                submission=submission,
                user=request.user,
                eligible=form.cleaned_data["decision"] == "eligible",
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Decision saved; the submitters were told by email."))
            return redirect("submissions:detail", code=submission.code)
    return render(
        request, "submissions/staff/screen.html", {"submission": submission, "form": form}
    )


@permission_required("submissions.extend_deadline", lookup=lookups.submission)
def submission_extend(request, submission: Submission):
    form = ExtensionForm(request.POST or None, workshop=submission.workshop)
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_extend_deadline(
                submission=submission,
                user=request.user,
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Extension granted."))
            return redirect("submissions:detail", code=submission.code)
    return render(
        request, "submissions/staff/extend.html", {"submission": submission, "form": form}
    )


@permission_required("submissions.restore_submission", lookup=lookups.submission)
@require_POST
def submission_restore(request, submission: Submission):
    try:
        services.submission_restore(submission=submission, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The submission was restored."))
    return redirect("submissions:detail", code=submission.code)


@permission_required("submissions.view_version_diff", lookup=lookups.submission_version)
def version_diff(request, version: SubmissionVersion):
    submission = version.submission
    previous = submission.versions.filter(number__lt=version.number).order_by("-number").first()
    return render(
        request,
        "submissions/staff/version_diff.html",
        {
            "submission": submission,
            "version": version,
            "previous": previous,
            "diff": versions_compared(old=previous, new=version),
        },
    )
