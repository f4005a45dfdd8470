"""Reviewer pages (My reviews, the review page and its autosave, file downloads, answering
an assignment) and the submitters' page of released reviews.

Every assignment is reached through assignment_get_for_reviewer, which answers 404 for
conflicted, declined, confidential and other people's assignments alike; what the page
shows of the submission and of other reviews comes shaped from reviews.selectors.visibility.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from criteria.selectors import criteria_set_with_criteria
from reviews.forms.reviewing import DeclineForm, ReviewForm
from reviews.models import Assignment, CriterionScore, Review
from reviews.selectors import visibility as selectors
from reviews.services import reviewing as services
from reviews.services.reviewing import (
    ReviewClosedError,
    ReviewInput,
    ScoreInput,
    StaleReviewError,
    score_key,
)

TEMPLATE = "reviews/reviewing/review_detail.html"


def _get_assignment(request: HttpRequest, code: str) -> Assignment:
    return selectors.assignment_get_for_reviewer(code=code, user=request.user)


# --- My reviews and answering an assignment -------------------------------------------------


@login_required
@require_GET
def review_list(request):
    rows = selectors.assignment_rows_for_reviewer(user=request.user)
    return render(request, "reviews/reviewing/review_list.html", {"rows": rows})


@login_required
@require_POST
def assignment_accept(request, code: str):
    assignment = _get_assignment(request, code)
    try:
        services.assignment_accept(assignment=assignment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:review_list")
    messages.success(request, _("Thank you. You accepted this review."))
    return redirect("reviews:review_detail", code=assignment.code)


@login_required
def assignment_decline(request, code: str):
    assignment = _get_assignment(request, code)
    if assignment.state != Assignment.State.ASSIGNED:
        messages.info(request, _("You already answered this assignment."))
        return redirect("reviews:review_detail", code=assignment.code)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_decline(
                assignment=assignment, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)  # a dict error lands on its field
        else:
            messages.success(request, _("You declined the review. The AI Office was told why."))
            return redirect("reviews:review_list")
    return render(
        request,
        "reviews/reviewing/assignment_decline.html",
        {
            "assignment": assignment,
            "submission": selectors.submission_for_reviewer(assignment=assignment),
            "form": form,
        },
    )


# --- the review page ----------------------------------------------------------------------


@dataclass
class _Loaded:
    review: Review
    groups: list
    criteria: list
    saved: ReviewInput


def _load(review: Review) -> _Loaded:
    criteria_set = criteria_set_with_criteria(criteria_set=review.criteria_set)
    review.criteria_set = criteria_set
    groups = list(criteria_set.groups.all())
    criteria = [c for group in groups for c in group.criteria.all()]
    scores = list(review.scores.all())
    saved = services.review_input_from_review(review=review, scores=scores)
    return _Loaded(review=review, groups=groups, criteria=criteria, saved=saved)


def _form(loaded: _Loaded, assignment: Assignment, data=None) -> ReviewForm:
    kwargs = {
        "groups": loaded.groups,
        "min_length": assignment.workshop.justification_min_length,
    }
    if data is not None:
        return ReviewForm(data, **kwargs)
    return ReviewForm(
        initial=ReviewForm.initial_from(data=loaded.saved, revision=loaded.review.revision),
        **kwargs,
    )


def _editable(assignment: Assignment, review: Review | None) -> bool:
    return (
        review is not None
        and assignment.state == Assignment.State.ACCEPTED
        and services.review_window_open(assignment=assignment)
    )


@dataclass(frozen=True)
class _Difference:
    label: str
    saved: str
    posted: str


def _display_values(data: ReviewInput, criteria) -> dict[str, tuple[str, str]]:
    """key -> (label, value as shown) for every part of a ReviewInput, for comparisons."""
    tags = dict(CriterionScore.Tag.choices)
    yes_no = dict(CriterionScore.YesNo.choices)
    recommendations = dict(Review.Recommendation.choices)
    values = {
        "summary": (_("Summary"), data.summary),
        "strengths": (_("Strengths"), data.strengths),
        "main_gaps": (_("Main gaps"), data.main_gaps),
        "confidence": (_("Confidence"), str(data.confidence or "")),
        "recommendation": (
            _("Recommendation"),
            str(recommendations.get(data.recommendation, "")),
        ),
    }
    for criterion in criteria:
        item = data.scores.get(criterion.pk) or ScoreInput()
        name = f"{criterion.code} {criterion.title}"
        if item.not_applicable:
            level = _("Not applicable")
        elif item.level is not None:
            level = f"{item.level} — {criterion.descriptor(item.level)}"
        else:
            level = ""
        parts = {
            "level": (_("Level"), level),
            "na_reason": (_("Why it is not applicable"), item.na_reason),
            "justification": (_("Justification"), item.justification),
            "evidence": (_("Evidence"), item.evidence),
            "tag": (_("Tag"), str(tags.get(item.tag, ""))),
            "feedback_clear": (
                _("Is the criterion clear?"),
                str(yes_no.get(item.feedback_clear, "")),
            ),
            "feedback_applicable": (
                _("Is it applicable to this evaluation?"),
                str(yes_no.get(item.feedback_applicable, "")),
            ),
            "feedback_suggestion": (
                _("Suggested change to the criterion"),
                item.feedback_suggestion,
            ),
        }
        for part, (label, value) in parts.items():
            values[score_key(criterion.pk, part)] = (f"{name} — {label}", value)
    return values


def _differences(posted: ReviewInput, saved: ReviewInput, criteria) -> list[_Difference]:
    before = _display_values(saved, criteria)
    after = _display_values(posted, criteria)
    return [
        _Difference(label=label, saved=before[key][1], posted=value)
        for key, (label, value) in after.items()
        if value != before[key][1]
    ]


def _field_title(form: ReviewForm, key: str) -> str:
    for criterion in form.criteria:
        prefix = score_key(criterion.pk, "")
        if key.startswith(prefix):
            return f"{criterion.code} {criterion.title} — {form.fields[key].label}"
    return str(form.fields[key].label) if key in form.fields else ""


def _error_summary(form: ReviewForm, problems: dict[str, list[str]] | None = None) -> list:
    """(anchor id, message) for the summary at the top; problems from a refused submit
    already name their criterion, type errors get the field's title in front."""
    items = []
    if problems:
        for key, messages_ in problems.items():
            anchor = form.anchor(key) if key in form.fields else ""
            items.extend((anchor, message) for message in messages_)
        return items
    for key, errors in form.errors.items():
        if key not in form.fields or key == "revision":
            items.extend(("", message) for message in errors)
            continue
        items.extend(
            (form.anchor(key), f"{_field_title(form, key)}: {message}") for message in errors
        )
    return items


def _own_display(review: Review, loaded: _Loaded) -> selectors.DisplayReview:
    snapshot = services.review_snapshot(
        review=review, criteria_set=review.criteria_set, criteria=loaded.criteria, data=loaded.saved
    )
    return selectors.review_for_display(data=snapshot, audience=selectors.Audience.OWN)


def _review_context(
    request: HttpRequest, assignment: Assignment, review: Review | None, loaded: _Loaded | None
) -> dict:
    editable = _editable(assignment, review)
    context = {
        "assignment": assignment,
        "review": review,
        "submission": selectors.submission_for_reviewer(assignment=assignment),
        "deadline": assignment.deadline,
        "status": selectors.assignment_status(assignment=assignment),
        "editable": editable,
        "extended": assignment.deadline_override is not None,
        "other_reviews": selectors.other_reviews_shared_with_reviewer(
            user=request.user, assignment=assignment
        ),
        "workshop": assignment.workshop,
    }
    if review is not None and loaded is not None:
        if not editable:
            context["own_review"] = _own_display(review, loaded)
        if review.state == Review.State.SUBMITTED:
            context["last_version"] = review.versions.order_by("-number").first()
    return context


def _render(request, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, TEMPLATE, context, status=status)


@login_required
def review_detail(request, code: str):
    assignment = _get_assignment(request, code)
    if request.method == "POST":
        return _review_post(request, assignment)
    review = services.review_get_or_create(assignment=assignment, user=request.user)
    loaded = _load(review) if review is not None else None
    context = _review_context(request, assignment, review, loaded)
    if context["editable"]:
        context["form"] = _form(loaded, assignment)
    return _render(request, context)


def _closed_response(request, assignment, review, loaded, message, posted=None):
    """403: the page read-only, the reason, and what was sent, so that nothing is lost."""
    context = _review_context(request, assignment, review, loaded)
    context["editable"] = False
    context["closed_message"] = message
    if posted is not None and loaded is not None:
        context["refused"] = _differences(posted, loaded.saved, loaded.criteria)
        if review is not None and "own_review" not in context:
            context["own_review"] = _own_display(review, loaded)
    return _render(request, context, status=403)


def _rebound(request, loaded, assignment, revision: int) -> ReviewForm:
    """The posted form again, carrying `revision`: the text stays as the reviewer typed it."""
    data = request.POST.copy()
    data["revision"] = str(revision)
    form = _form(loaded, assignment, data=data)
    form.is_valid()
    return form


def _submit_refused(request, assignment, review, loaded, revision, posted, error) -> HttpResponse:
    """A submit with something missing: list every problem, and keep the text. A draft is
    saved as it is; a submitted review keeps its submitted version and the page keeps the
    changes (not saved, as the message says)."""
    saved = review
    if review.state == Review.State.DRAFT:
        saved = services.review_save_draft(
            review=review, user=request.user, revision=revision, data=posted
        )
        loaded = _load(saved)
    form = _rebound(request, loaded, assignment, saved.revision)
    problems = error.message_dict if hasattr(error, "error_dict") else {}
    for key, messages_ in problems.items():
        for message in messages_:
            form.add_error(key if key in form.fields else None, message)
    summary = _error_summary(form, problems) if problems else [("", m) for m in error.messages]
    context = _review_context(request, assignment, saved, loaded)
    context.update(form=form, error_summary=summary, not_submitted=True)
    return _render(request, context)


def _review_post(request, assignment: Assignment) -> HttpResponse:
    review = getattr(assignment, "review", None)
    loaded = _load(review) if review is not None else None
    if review is None:
        message = (
            _("Accept the assignment before writing the review.")
            if assignment.state != Assignment.State.ACCEPTED
            else _("Open the review page again to start the review.")
        )
        return _closed_response(request, assignment, review, loaded, message)
    form = _form(loaded, assignment, data=request.POST)
    valid = form.is_valid()
    posted = form.review_input() if valid else None
    if not _editable(assignment, review):
        message = (
            services.deadline_message(assignment=assignment)
            if assignment.state == Assignment.State.ACCEPTED
            else _("Accept the assignment before writing the review.")
        )
        return _closed_response(request, assignment, review, loaded, message, posted)
    if not valid:
        context = _review_context(request, assignment, review, loaded)
        context.update(form=form, error_summary=_error_summary(form))
        return _render(request, context)

    revision = form.cleaned_data["revision"]
    try:
        if request.POST.get("action") == "submit":
            try:
                version = services.review_submit(
                    review=review, user=request.user, revision=revision, data=posted
                )
            except ValidationError as error:
                return _submit_refused(request, assignment, review, loaded, revision, posted, error)
            messages.success(
                request,
                _(
                    "Your review was submitted (version %(number)s). You can change it and "
                    "submit again until the deadline."
                )
                % {"number": version.number},
            )
        else:
            try:
                services.review_save_draft(
                    review=review, user=request.user, revision=revision, data=posted
                )
            except ValidationError as error:
                context = _review_context(request, assignment, review, loaded)
                context.update(form=form, error_summary=[("", m) for m in error.messages])
                return _render(request, context)
            messages.success(request, _("Your draft was saved."))
    except StaleReviewError as stale:
        form = _rebound(request, loaded, assignment, stale.current_revision)
        review.refresh_from_db()
        loaded = _load(review)
        context = _review_context(request, assignment, review, loaded)
        context.update(
            form=form,
            stale=True,
            stale_differences=_differences(posted, loaded.saved, loaded.criteria),
        )
        return _render(request, context, status=409)
    except ReviewClosedError as closed:
        return _closed_response(request, assignment, review, loaded, closed.message, posted)
    return redirect("reviews:review_detail", code=assignment.code)


def _json_error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@require_POST
def review_autosave(request, code: str):
    """The autosave endpoint of static/portal/review-autosave.js: a draft save, as JSON."""
    # Not @login_required: a redirect to the login page would reach the script as a 200
    # HTML page; a logged-out autosave must fail visibly instead.
    if not request.user.is_authenticated:
        return _json_error(
            _("you are logged out. Log in again in another tab; a copy is kept in this browser."),
            401,
        )
    assignment = _get_assignment(request, code)
    review = getattr(assignment, "review", None)
    if review is None or not _editable(assignment, review):
        message = (
            services.deadline_message(assignment=assignment)
            if review is not None and assignment.state == Assignment.State.ACCEPTED
            else _("this review cannot be changed.")
        )
        return _json_error(message, 403)
    loaded = _load(review)
    form = _form(loaded, assignment, data=request.POST)
    if not form.is_valid():
        return _json_error(
            _("some answers are not valid. Save the page to see which."),
            400,
            errors={key: list(errors) for key, errors in form.errors.items()},
        )
    try:
        saved = services.review_save_draft(
            review=review,
            user=request.user,
            revision=form.cleaned_data["revision"],
            data=form.review_input(),
        )
    except StaleReviewError as stale:
        return _json_error(
            _(
                "this review was saved in another tab or window after you opened this page. "
                "Your text is kept in this browser: reload the page and restore it."
            ),
            409,
            current_revision=stale.current_revision,
        )
    except ReviewClosedError as closed:
        return _json_error(closed.message, 403)
    except ValidationError as error:
        return _json_error(" ".join(error.messages), 400)
    when = formats.time_format(timezone.localtime(saved.updated_at), "H:i")
    message = _("Saved at %(time)s") % {"time": when}
    return JsonResponse(
        {
            "revision": saved.revision,
            "saved_at": saved.updated_at.isoformat(),
            "message": message,
        }
    )


@login_required
@require_GET
def review_file(request, code: str, file_code: str):
    """A file of the latest submitted version; in an anonymous workshop, PDFs lose their
    document metadata (author, title, software) and every file gets a neutral name."""
    assignment = _get_assignment(request, code)
    file = selectors.submission_file_for_reviewer(assignment=assignment, file_code=file_code)
    anonymous = assignment.workshop.anonymous_review
    stream = file.file.open("rb")
    if anonymous and file.content_type == "application/pdf":
        from submissions.files import pdf_strip_metadata  # imports pypdf: only when needed

        with stream:
            stream = pdf_strip_metadata(source=stream)
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=selectors.reviewer_file_name(file=file, anonymous=anonymous),
        content_type=file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- submitters ----------------------------------------------------------------------------


@login_required
@require_GET
def submission_reviews(request, code: str):
    submission = selectors.submission_get_for_submitter(code=code, user=request.user)
    released = selectors.reviews_released(workshop=submission.workshop)
    reviews = (
        selectors.reviews_shared_with_submitter(user=request.user, submission=submission)
        if released
        else []
    )
    return render(
        request,
        "reviews/reviewing/submission_reviews.html",
        {"submission": submission, "released": released, "reviews": reviews},
    )
