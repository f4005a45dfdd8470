"""The edit page of a comment, shared by the reviewers' discussion and the criteria debate:
the form, a stale save (someone saved since: both texts shown, the typed one kept, saved
again from the current revision) and the service's own refusals."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.concurrency import StaleEditError
from portal.forms import CommentEditForm, add_service_errors


def comment_edit_page(
    request: HttpRequest,
    *,
    comment,
    save: Callable[[str, int], object],
    done_url: str,
    template: str,
    context: dict,
) -> HttpResponse:
    """GET: the form with the comment's text; POST: `save(body, revision)`, then back to
    `done_url`, or the form again with what went wrong."""
    status = 200
    conflict = None
    if request.method != "POST":
        form = CommentEditForm(initial={"body": comment.body, "revision": comment.revision})
    else:
        form = CommentEditForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                save(form.cleaned_data["body"], form.cleaned_data["revision"])
            except StaleEditError as error:
                conflict = error.current_value
                data = request.POST.copy()
                data["revision"] = str(error.current)
                form = CommentEditForm(data)
                form.add_error(
                    None,
                    _(
                        "This comment was changed since you started editing it. The text "
                        "saved now is shown below; yours is still in the box. Save again to "
                        "replace it."
                    ),
                )
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your comment is saved."))
                return redirect(done_url)
    return render(
        request,
        template,
        {**context, "comment": comment, "form": form, "conflict": conflict},
        status=status,
    )


def comment_history_page(
    request: HttpRequest, *, comment, revisions, template: str, context: dict
) -> HttpResponse:
    """A comment's current text and its earlier versions (templates/portal/comments/)."""
    return render(request, template, {**context, "comment": comment, "revisions": revisions})
