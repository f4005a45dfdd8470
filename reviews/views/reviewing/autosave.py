"""The autosave endpoint of static/portal/review-autosave.js: a draft save, answered as
JSON ({"revision", "saved_at", "message"}, or {"error", ...} with 400, 401, 403 or 409)."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.concurrency import StaleEditError
from portal.permissions import permission_required
from reviews import lookups
from reviews.models import Assignment
from reviews.services import reviewing as services
from reviews.services.reviewing import ReviewClosedError
from reviews.views.reviewing.loading import editable, load_review, review_form


def json_error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def invalid_form_json(form) -> JsonResponse:
    """400 for an autosave whose form does not validate, with the fields' errors."""
    return json_error(
        _("some answers are not valid. Save the page to see which."),
        400,
        errors={key: list(errors) for key, errors in form.errors.items()},
    )


def saved_json(*, revision: int, updated_at) -> JsonResponse:
    """The answer to a saved autosave: the new revision and "Saved at 14:02"."""
    when = formats.time_format(timezone.localtime(updated_at), "H:i")
    return JsonResponse(
        {
            "revision": revision,
            "saved_at": updated_at.isoformat(),
            "message": _("Saved at %(time)s") % {"time": when},
        }
    )


def logged_out(request) -> JsonResponse:
    # 401 with a message rather than the login redirect: the script would read a redirect
    # as a page, not as a refusal.
    return json_error(
        _("you are signed out. Sign in again in another tab; a copy is kept in this browser."),
        401,
    )


@permission_required("reviews.see_assignment", lookup=lookups.assignment, anonymous=logged_out)
@require_POST
def review_autosave(request, assignment: Assignment):
    review = getattr(assignment, "review", None)
    if not editable(request.user, assignment, review):
        # 403 with the reason, as JSON the script shows ("Not saved: ...").
        message = (
            services.deadline_message(assignment=assignment)
            if review is not None and assignment.state == Assignment.State.ACCEPTED
            else _("this review cannot be changed.")
        )
        return json_error(message, 403)
    form = review_form(load_review(review), assignment, data=request.POST)
    if not form.is_valid():
        return invalid_form_json(form)
    try:
        saved = services.review_save_draft(
            review=review,
            user=request.user,
            revision=form.cleaned_data["revision"],
            data=form.review_input(),
        )
    except StaleEditError as stale:
        return json_error(
            _(
                "this review was saved in another tab or window after you opened this page. "
                "Your text is kept in this browser: reload the page and restore it."
            ),
            409,
            current_revision=stale.current,
        )
    except ReviewClosedError as closed:
        return json_error(closed.message, 403)
    except ValidationError as error:
        return json_error(" ".join(error.messages), 400)
    return saved_json(revision=saved.revision, updated_at=saved.updated_at)
