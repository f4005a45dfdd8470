"""The review page: the submission as the reviewer may see it, the review form while the
review may change (read-only otherwise), other reviewers' reviews as the workshop allows,
and saving or submitting with every refusal explained and nothing typed lost."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.concurrency import StaleEditError
from portal.forms import add_service_errors
from portal.permissions import permission_required
from reviews import lookups
from reviews.forms.reviewing import ReviewForm
from reviews.models import Assignment, Review
from reviews.selectors import visibility as selectors
from reviews.services import reviewing as services
from reviews.services.reviewing import ReviewClosedError, ReviewInput, score_key
from reviews.views.reviewing.differences import review_differences
from reviews.views.reviewing.loading import Loaded, editable, load_review, review_form

TEMPLATE = "reviews/reviewing/review_detail.html"


@permission_required("reviews.see_assignment", lookup=lookups.assignment)
def review_detail(request, assignment: Assignment):
    if request.method == "POST":
        return _review_post(request, assignment)
    review = services.review_get_or_create(assignment=assignment, user=request.user)
    loaded = load_review(review) if review is not None else None
    context = _review_context(request, assignment, review, loaded)
    if context["editable"]:
        context["form"] = review_form(loaded, assignment)
    return _render(request, context)


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


def _own_display(review: Review, loaded: Loaded) -> selectors.DisplayReview:
    snapshot = services.review_snapshot(
        review=review, criteria_set=review.criteria_set, criteria=loaded.criteria, data=loaded.saved
    )
    return selectors.review_for_display(data=snapshot, audience=selectors.Audience.OWN)


def _review_context(
    request: HttpRequest, assignment: Assignment, review: Review | None, loaded: Loaded | None
) -> dict:
    can_edit = editable(request.user, assignment, review)
    context = {
        "assignment": assignment,
        "review": review,
        "submission": selectors.submission_for_reviewer(assignment=assignment),
        "deadline": assignment.deadline,
        "status": selectors.assignment_status(assignment=assignment),
        "editable": can_edit,
        "extended": assignment.deadline_override is not None,
        "other_reviews": selectors.other_reviews_shared_with_reviewer(
            user=request.user, assignment=assignment
        ),
        "workshop": assignment.workshop,
        "discussion_open": selectors.others_open_to_reviewer(assignment=assignment),
    }
    if review is not None and loaded is not None:
        if not can_edit:
            context["own_review"] = _own_display(review, loaded)
        if review.state == Review.State.SUBMITTED:
            context["last_version"] = review.versions.order_by("-number").first()
    return context


def _render(request, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, TEMPLATE, context, status=status)


def _closed_response(request, assignment, review, loaded, message, posted=None):
    """403: the page read-only, the reason, and what was sent, so that nothing is lost."""
    context = _review_context(request, assignment, review, loaded)
    context["editable"] = False
    context["closed_message"] = message
    if posted is not None and loaded is not None:
        context["refused"] = review_differences(posted, loaded.saved, loaded.criteria)
        if review is not None and "own_review" not in context:
            context["own_review"] = _own_display(review, loaded)
    return _render(request, context, status=403)


def _rebound(request, loaded, assignment, revision: int) -> ReviewForm:
    """The posted form again, carrying `revision`: the text stays as the reviewer typed it."""
    data = request.POST.copy()
    data["revision"] = str(revision)
    form = review_form(loaded, assignment, data=data)
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
        loaded = load_review(saved)
    form = _rebound(request, loaded, assignment, saved.revision)
    problems = error.message_dict if hasattr(error, "error_dict") else {}
    if problems:
        add_service_errors(form, error)
    summary = _error_summary(form, problems) if problems else [("", m) for m in error.messages]
    context = _review_context(request, assignment, saved, loaded)
    context.update(form=form, error_summary=summary, not_submitted=True)
    return _render(request, context)


def _review_post(request, assignment: Assignment) -> HttpResponse:
    review = getattr(assignment, "review", None)
    loaded = load_review(review) if review is not None else None
    if review is None:
        message = (
            services.accept_first_message()
            if assignment.state != Assignment.State.ACCEPTED
            else _("Open the review page again to start the review.")
        )
        return _closed_response(request, assignment, review, loaded, message)
    form = review_form(loaded, assignment, data=request.POST)
    valid = form.is_valid()
    posted = form.review_input() if valid else None
    if not editable(request.user, assignment, review):
        message = (
            services.deadline_message(assignment=assignment)
            if assignment.state == Assignment.State.ACCEPTED
            else services.accept_first_message()
        )
        return _closed_response(request, assignment, review, loaded, message, posted)
    if not valid:
        context = _review_context(request, assignment, review, loaded)
        context.update(form=form, error_summary=_error_summary(form))
        return _render(request, context)
    try:
        return _review_save(request, assignment, loaded, form, posted)
    except StaleEditError as stale:
        form = _rebound(request, loaded, assignment, stale.current)
        review.refresh_from_db()
        loaded = load_review(review)
        context = _review_context(request, assignment, review, loaded)
        context.update(
            form=form,
            stale=True,
            stale_differences=review_differences(posted, loaded.saved, loaded.criteria),
        )
        return _render(request, context, status=409)
    except ReviewClosedError as closed:
        return _closed_response(request, assignment, review, loaded, closed.message, posted)


def _review_save(
    request, assignment: Assignment, loaded: Loaded, form: ReviewForm, posted: ReviewInput
) -> HttpResponse:
    """Submit, or save a draft; StaleEditError and ReviewClosedError go to the caller."""
    review = loaded.review
    revision = form.cleaned_data["revision"]
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
    return redirect("reviews:review_detail", code=assignment.code)
