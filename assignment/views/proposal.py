"""A finished run's proposal, while it is open: hand edits (a pair added or taken out) and
publishing, which turns it into assignments and emails the reviewers concerned. A run
that is not done, or already published, is refused (403) by the permission."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assignment import lookups, selectors
from assignment.forms import PairForm, PublishForm
from assignment.models import AssignmentRun
from assignment.services import ui as ui_services
from assignment.services.proposal import proposed_pair_add, proposed_pair_remove
from assignment.views.runs import run_url
from portal.models import User
from portal.permissions import permission_required
from submissions.models import Submission


def _pair_target(run: AssignmentRun, form: PairForm):
    """The submission and reviewer a pair form names, or a ValidationError to show."""
    submission = Submission.objects.filter(
        workshop_id=run.workshop_id, code=form.cleaned_data["submission"]
    ).first()
    if submission is None:
        raise ValidationError(
            _("No submission of this call has the code “%(code)s”.")
            % {"code": form.cleaned_data["submission"]}
        )
    reviewer = User.objects.filter(email__iexact=form.cleaned_data["reviewer"]).first()
    if reviewer is None:
        raise ValidationError(
            _("Nobody has the email address %(email)s.") % {"email": form.cleaned_data["reviewer"]}
        )
    return submission, reviewer


def _back_to_run(request, run: AssignmentRun):
    """Back to the page the form was on (tab, page, search), within this run only."""
    back = request.POST.get("next", "")
    if back.startswith("?"):
        return redirect(run_url(run) + back)
    return redirect(run_url(run))


def _form_errors(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


def _edit_pair(request, run: AssignmentRun, change, *, refused: str, done: str):
    """Apply `change(submission, reviewer)` to the pair the form names; say what happened
    (`refused` with the reasons, or `done`) and go back to the page the form was on."""
    form = PairForm(request.POST)
    if not form.is_valid():
        for error in _form_errors(form):
            messages.error(request, error)
        return _back_to_run(request, run)
    try:
        submission, reviewer = _pair_target(run, form)
        change(submission, reviewer)
    except ValidationError as error:
        messages.error(request, refused % {"reason": " ".join(error.messages)})
    else:
        messages.success(request, done % {"reviewer": reviewer, "title": submission.title})
    return _back_to_run(request, run)


@permission_required("assignment.edit_proposal", lookup=lookups.run)
@require_POST
def pair_add(request, run: AssignmentRun):
    def add(submission, reviewer):
        proposed_pair_add(run=run, submission=submission, reviewer=reviewer, user=request.user)

    return _edit_pair(
        request,
        run,
        add,
        refused=_("Not added: %(reason)s"),
        done=_("%(reviewer)s added to “%(title)s”."),
    )


@permission_required("assignment.edit_proposal", lookup=lookups.run)
@require_POST
def pair_remove(request, run: AssignmentRun):
    def remove(submission, reviewer):
        pair = run.pairs.filter(submission=submission, reviewer=reviewer).first()
        if pair is None:
            raise ValidationError(_("This pair is not in the proposal."))
        proposed_pair_remove(pair=pair, user=request.user)

    return _edit_pair(
        request,
        run,
        remove,
        refused=_("Not removed: %(reason)s"),
        done=_("%(reviewer)s taken off “%(title)s”."),
    )


@permission_required("assignment.publish_run", lookup=lookups.run)
@require_http_methods(["GET", "POST"])
def run_publish(request, run: AssignmentRun):
    """Confirmation page (GET) and publishing (POST)."""
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = ui_services.assignment_run_publish_and_notify(run=run, user=request.user)
        except ValidationError as error:
            messages.error(
                request,
                _("Not published; nothing changed. %(reasons)s")
                % {"reasons": " ".join(error.messages)},
            )
            return redirect(run_url(run))
        messages.success(
            request,
            _(
                "Published: %(created)s assignments created, %(removed)s removed, %(kept)s "
                "kept. The reviewers concerned are being emailed."
            )
            % {
                "created": len(result.created),
                "removed": len(result.removed),
                "kept": result.kept,
            },
        )
        return redirect(run_url(run))
    diff = selectors.run_diff_page(run=run, tab="", page_number=1, editable=False)
    return render(
        request,
        "assignment/publish.html",
        {"workshop": run.workshop, "run": run, "form": form, "counts": diff.counts},
        status=400 if form.is_bound else 200,
    )
