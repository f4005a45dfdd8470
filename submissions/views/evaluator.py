from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import lookups as portal_lookups
from portal import selectors as portal_selectors
from portal.audit.selectors import audit_history_for
from portal.concurrency import StaleEditError
from portal.filters import ListFilterForm, filters_from
from portal.ids import may_name_a_row
from portal.models import Workshop
from portal.permissions import has_perm, permission_required
from submissions import lookups, selectors, services
from submissions.files import sanitise_filename
from submissions.forms import (
    AuthorFormSet,
    FileUploadForm,
    SubmissionCreateForm,
    SubmissionForm,
)
from submissions.models import Submission
from submissions.uploads import too_large_message


@permission_required("portal.use_portal")
def submission_list(request):
    form = filters_from(request, ListFilterForm)
    submissions = selectors.submissions_visible_to(user=request.user).order_by("-updated_at")
    page = Paginator(submissions, 25).get_page(form.page_number)
    return render(
        request,
        "submissions/submission_list.html",
        {"page": page, "form": form},
        status=form.status,
    )


@permission_required("submissions.create_submission", lookup=portal_lookups.workshop)
def submission_create(request, workshop: Workshop):
    organisations = portal_selectors.organisations_of_user(user=request.user)
    if not organisations.exists():
        messages.info(request, _("Create or join an organisation before submitting an evaluation."))
        return redirect("portal:organisation_create")
    form = SubmissionCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_create(
                workshop=workshop,
                organisation=form.cleaned_data["organisation"],
                user=request.user,
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft created. Fill in the sections and submit."))
            return redirect("submissions:edit", code=submission.code)
    return render(
        request, "submissions/submission_create.html", {"form": form, "workshop": workshop}
    )


def _author_initial(submission):
    return [{"name": a.name, "affiliation": a.affiliation} for a in submission.authors.all()]


def _edit_context(submission, form, authors, upload_form=None, missing=None):
    return {
        "submission": submission,
        "form": form,
        "authors": authors,
        "upload_form": upload_form or FileUploadForm(),
        "files": selectors.submission_current_files(submission=submission),
        "missing": missing,
    }


@permission_required("submissions.edit_submission", lookup=lookups.submission)
def submission_edit(request, submission: Submission):
    if request.method != "POST":
        form = SubmissionForm(instance=submission, initial={"revision": submission.revision})
        authors = AuthorFormSet(initial=_author_initial(submission), prefix="authors")
        return render(
            request, "submissions/submission_edit.html", _edit_context(submission, form, authors)
        )

    form = SubmissionForm(request.POST, instance=submission)
    authors = AuthorFormSet(request.POST, prefix="authors")
    if not (form.is_valid() and authors.is_valid()):
        messages.error(request, _("Some fields need attention. Nothing was saved yet."))
        return render(
            request,
            "submissions/submission_edit.html",
            _edit_context(submission, form, authors),
            status=400,
        )
    data = form.cleaned_data
    provider = data.get("provider")
    if provider is not None and provider.pk is None:
        provider = services.provider_get_or_create(name=provider.name)
    fields = {
        name: data[name]
        for name in form.Meta.fields
        if name not in ("risk_areas", "methods", "provider")
    }
    fields["provider"] = provider
    author_rows = [
        row for row in authors.cleaned_data if row and not row.get("DELETE") and row.get("name")
    ]
    try:
        submission = services.submission_update(
            submission=submission,
            user=request.user,
            revision=data["revision"],
            fields=fields,
            risk_areas=list(data["risk_areas"]),
            methods=list(data["methods"]),
            authors=author_rows,
        )
    except StaleEditError:
        messages.error(
            request,
            _(
                "Someone else saved this submission after you opened it, so your changes "
                "were not saved. Your version is shown below: copy what you need, reload "
                "the page to see the latest version, and apply your changes again."
            ),
        )
        return render(
            request,
            "submissions/submission_edit.html",
            {**_edit_context(submission, form, authors), "stale": True},
            status=409,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return render(
            request,
            "submissions/submission_edit.html",
            _edit_context(submission, form, authors),
            status=400,
        )
    upload_form = _handle_files(request, submission)
    if upload_form is not None:
        # The metadata above is saved; only the file needs another try.
        messages.error(request, _("Your other changes were saved, but the file was not."))
        form = SubmissionForm(instance=submission, initial={"revision": submission.revision})
        return render(
            request,
            "submissions/submission_edit.html",
            _edit_context(submission, form, authors, upload_form=upload_form),
            status=400,
        )
    if "submit" in request.POST:
        return _submit(request, submission)
    messages.success(request, _("Draft saved."))
    return redirect("submissions:edit", code=submission.code)


def _handle_files(request, submission) -> FileUploadForm | None:
    """Attach an uploaded file or detach one; return the upload form if it failed.

    The file inputs sit at the end of the one edit form, so a file that is refused (even
    one stopped mid-stream for its size) never costs the person the fields above it. A
    refusal is recorded in the audit log after the attempt, which rolled back.
    """
    remove = request.POST.get("remove_file")
    if remove and may_name_a_row(remove):
        file = submission.files.filter(code=remove, detached_at__isnull=True).first()
        if file is not None:
            services.submission_file_detach(submission=submission, file=file, user=request.user)
    too_large = getattr(request, "upload_too_large", None)
    upload_form = FileUploadForm(request.POST, request.FILES)
    if too_large:
        upload_form.is_valid()
        upload_form.errors.clear()
        upload_form.add_error("upload", too_large_message(too_large))
        _refused(request, submission, file_name=too_large.get("name"), reason="too_large")
        return upload_form
    if "upload" not in request.FILES:
        return None
    if not upload_form.is_valid():
        errors = upload_form.errors.as_data()
        reason = errors["upload"][0].code if "upload" in errors else "invalid_kind"
        _refused(request, submission, file_name=request.FILES["upload"].name, reason=reason)
        return upload_form
    upload = upload_form.cleaned_data["upload"]
    try:
        services.submission_file_attach(
            submission=submission,
            user=request.user,
            upload=upload,
            kind=upload_form.cleaned_data["kind"],
        )
    except ValidationError as error:
        upload_form.add_error("upload", error)
        _refused(request, submission, file_name=upload.name, reason=services.refusal_reason(error))
        return upload_form
    return None


def _refused(request, submission, *, file_name: str | None, reason: str) -> None:
    services.submission_file_refuse(
        submission=submission,
        user=request.user,
        kind=request.POST.get("kind", ""),
        file_name=sanitise_filename(file_name) if file_name else "",
        reason=reason or "invalid",
    )


def _submit(request, submission):
    try:
        version = services.submission_submit(submission=submission, user=request.user)
    except ValidationError as error:
        form = SubmissionForm(instance=submission, initial={"revision": submission.revision})
        authors = AuthorFormSet(initial=_author_initial(submission), prefix="authors")
        messages.error(request, _("Your changes were saved, but the evaluation was not submitted."))
        fields = {
            message: field
            for field, message in services.submission_missing_items(submission=submission)
        }
        missing = [(form.anchor(fields.get(message, "")), message) for message in error.messages]
        return render(
            request,
            "submissions/submission_edit.html",
            _edit_context(submission, form, authors, missing=missing),
            status=400,
        )
    messages.success(
        request,
        _("Submitted (version %(number)s). A receipt was emailed to your organisation.")
        % {"number": version.number},
    )
    return redirect("submissions:detail", code=submission.code)


@permission_required("submissions.see_submission", lookup=lookups.submission)
def submission_detail(request, submission: Submission):
    return render(
        request,
        "submissions/submission_detail.html",
        {
            "submission": submission,
            "files": selectors.submission_current_files(submission=submission),
            "versions": selectors.submission_versions(submission=submission),
            "can_edit": has_perm(request.user, "submissions.edit_submission", submission),
            "can_withdraw": has_perm(request.user, "submissions.withdraw_submission", submission),
            "history": audit_history_for(
                user=request.user, object_type="submission", code=submission.code
            ),
        },
    )


@permission_required("submissions.withdraw_submission", lookup=lookups.submission)
def submission_withdraw(request, submission: Submission):
    if request.method == "POST":
        try:
            services.submission_withdraw(submission=submission, user=request.user)
        except ValidationError as error:
            # Its state changed after the page was loaded (withdrawn or screened meanwhile).
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The submission was withdrawn."))
        return redirect("submissions:detail", code=submission.code)
    return render(request, "submissions/submission_withdraw.html", {"submission": submission})


@permission_required("submissions.edit_submission", lookup=lookups.submission)
@require_POST
def submission_submit(request, submission: Submission):
    return _submit(request, submission)
