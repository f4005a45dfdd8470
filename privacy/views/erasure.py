"""Erasure pages: a person's request from their profile, and AI Office staff's list,
detail (what would be erased and what kept) and decision."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal.filters import filters_from
from portal.forms import add_service_errors
from portal.permissions import has_perm, permission_required
from privacy import lookups, selectors, tasks
from privacy.forms import ErasureDecisionForm, ErasureFilterForm, ErasureRequestForm
from privacy.models import ErasureRequest
from privacy.services.erasure import (
    erasure_request_approve,
    erasure_request_create,
    erasure_request_refuse,
    erasure_request_withdraw,
)

State = ErasureRequest.State


@permission_required("privacy.request_erasure")
def erasure_request_view(request):
    form = ErasureRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                erasure_request_create(user=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your request was sent to the AI Office. You will receive an email "
                        "once it is decided."
                    ),
                )
                return redirect("portal:profile")
        status = 400
    return render(
        request,
        "privacy/erasure_request.html",
        {"form": form, "open_request": selectors.erasure_request_open_of(user=request.user)},
        status=status,
    )


@permission_required("privacy.withdraw_erasure", lookup=lookups.erasure_request)
@require_POST
def erasure_withdraw(request, erasure_request: ErasureRequest):
    try:
        erasure_request_withdraw(erasure_request=erasure_request, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request was withdrawn. Your account stays as it is."))
    return redirect("portal:profile")


@permission_required("privacy.view_erasure_requests")
def staff_erasure_list(request):
    form = filters_from(request, ErasureFilterForm)
    requests = selectors.erasure_requests_for_staff(**form.filters())
    page = Paginator(requests, 25).get_page(form.page_number)
    return render(
        request, "privacy/staff/erasure_list.html", {"form": form, "page": page}, status=form.status
    )


@permission_required("privacy.view_erasure_requests", lookup=lookups.erasure_request)
def staff_erasure_detail(request, erasure_request: ErasureRequest):
    return _render_detail(request, erasure_request)


@permission_required("privacy.decide_erasure", lookup=lookups.erasure_request)
@require_POST
def staff_erasure_decide(request, erasure_request: ErasureRequest):
    form = ErasureDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            if approve:
                erasure_request_approve(
                    erasure_request=erasure_request,
                    decided_by=request.user,
                    reason=form.cleaned_data["reason"],
                    enqueue=tasks.erasure_dispatch,
                )
            else:
                erasure_request_refuse(
                    erasure_request=erasure_request,
                    decided_by=request.user,
                    reason=form.cleaned_data["reason"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Approved: the account is being erased.")
                if approve
                else _("Refused. The person was told by email, with your reason."),
            )
            return redirect("privacy:staff_erasure_detail", code=erasure_request.code)
    return _render_detail(request, erasure_request, form=form, status=400)


def _render_detail(request, erasure_request: ErasureRequest, *, form=None, status=200):
    done = erasure_request.state == State.DONE
    counts = erasure_request.result if done else None
    if counts is None and erasure_request.is_open:
        counts = selectors.erasure_plan(user=erasure_request.user).as_dict()
    can_decide = has_perm(request.user, "privacy.decide_erasure", erasure_request)
    return render(
        request,
        "privacy/staff/erasure_detail.html",
        {
            "erasure_request": erasure_request,
            "plan": plan_sections(counts) if counts else None,
            "done": done,
            "can_decide": can_decide,
            "form": form or (ErasureDecisionForm() if can_decide else None),
        },
        status=status,
    )


# --- what an erasure deletes, clears and keeps, in words -----------------------------------


def _deleted_line(label: str, n: int) -> str | None:
    lines = {
        "account.EmailAddress": ngettext("%(n)s email address", "%(n)s email addresses", n),
        "mfa.Authenticator": ngettext(
            "%(n)s second factor (authenticator app or recovery codes)",
            "%(n)s second factors (authenticator app, recovery codes)",
            n,
        ),
        "socialaccount.SocialAccount": ngettext(
            "%(n)s linked EU Login account", "%(n)s linked EU Login accounts", n
        ),
        "portal.ApiToken": ngettext("%(n)s API token", "%(n)s API tokens", n),
        "portal.Membership": ngettext(
            "%(n)s membership of an organisation", "%(n)s memberships of organisations", n
        ),
        "portal.Invitation": ngettext(
            "%(n)s open invitation to an organisation, addressed to them",
            "%(n)s open invitations to organisations, addressed to them",
            n,
        ),
        "reviews.ReviewerExpertise": ngettext(
            "%(n)s declared area of expertise", "%(n)s declared areas of expertise", n
        ),
        "reviews.Review": ngettext(
            "%(n)s review never submitted (a draft)", "%(n)s reviews never submitted (drafts)", n
        ),
        "privacy.DataExport": ngettext(
            "%(n)s export of their data", "%(n)s exports of their data", n
        ),
    }
    line = lines.get(label)
    return line % {"n": n} if line else None


def _cleared_line(label: str, n: int) -> str | None:
    lines = {
        "reviews.ReviewerApplication": ngettext(
            "statement, affiliation, CV and languages of %(n)s reviewer application",
            "statements, affiliations, CVs and languages of %(n)s reviewer applications",
            n,
        ),
        "reviews.ReviewerTie": ngettext(
            "the note on %(n)s declared tie", "the notes on %(n)s declared ties", n
        ),
        "reviews.WorkshopInvitation": ngettext(
            "accessibility and dietary needs given for %(n)s workshop",
            "accessibility and dietary needs given for %(n)s workshops",
            n,
        ),
        "reviews.Assignment": ngettext(
            "the reason for declining %(n)s assignment",
            "the reasons for declining %(n)s assignments",
            n,
        ),
        "reviews.ReviewerRating": ngettext(
            "staff's note on %(n)s rating of their reviewing",
            "staff's notes on %(n)s ratings of their reviewing",
            n,
        ),
        "portal.Invitation": ngettext(
            "their address on %(n)s past invitation to an organisation",
            "their address on %(n)s past invitations to organisations",
            n,
        ),
    }
    line = lines.get(label)
    return line % {"n": n} if line else None


def _kept_lines(counts: dict) -> list[str]:
    def line(key, singular, plural):
        n = counts.get(key, 0)
        return ngettext(singular, plural, n) % {"n": n} if n else None

    lines = [
        line(
            "reviews_kept",
            "%(n)s submitted review and its scores, attributed to the pseudonym: it counts in "
            "the workshop's figures.",
            "%(n)s submitted reviews and their scores, attributed to the pseudonym: they count "
            "in the workshops' figures.",
        ),
        line(
            "reviews_in_built_reports",
            "%(n)s of these reviews is counted in a report already built; the report's "
            "figures stay the same.",
            "%(n)s of these reviews are counted in a report already built; the reports' "
            "figures stay the same.",
        ),
        line(
            "submissions_kept",
            "%(n)s submitted evaluation they are the contact or an author of: it is the "
            "organisation's and stays as submitted.",
            "%(n)s submitted evaluations they are the contact or an author of: they are the "
            "organisations' and stay as submitted.",
        ),
        line(
            "drafts_kept",
            "%(n)s draft of an organisation with other members stays with it; their "
            "authorship is removed.",
            "%(n)s drafts of organisations with other members stay with them; their "
            "authorship is removed.",
        ),
        line(
            "assignments_kept",
            "%(n)s assignment, explaining who reviewed what.",
            "%(n)s assignments, explaining who reviewed what.",
        ),
        line(
            "bids_kept",
            "%(n)s bid, which fed assignment runs whose results stay.",
            "%(n)s bids, which fed assignment runs whose results stay.",
        ),
        line(
            "conflicts_kept",
            "%(n)s conflict-of-interest record, explaining past assignments.",
            "%(n)s conflict-of-interest records, explaining past assignments.",
        ),
        line(
            "ties_kept",
            "%(n)s declared tie (without its note), explaining conflict decisions.",
            "%(n)s declared ties (without their notes), explaining conflict decisions.",
        ),
        line(
            "applications_kept",
            "%(n)s reviewer application (its state and load only), explaining assignments.",
            "%(n)s reviewer applications (their state and load only), explaining assignments.",
        ),
        line(
            "workshop_invitations_kept",
            "%(n)s invitation to a workshop (whether they attended).",
            "%(n)s invitations to workshops (whether they attended).",
        ),
    ]
    return [text for text in lines if text]


def plan_sections(counts: dict) -> dict[str, list[str]]:
    deleted = []
    if counts.get("drafts_deleted"):
        n = counts["drafts_deleted"]
        deleted.append(
            ngettext(
                "%(n)s draft never submitted, of an organisation nobody else belongs to",
                "%(n)s drafts never submitted, of organisations nobody else belongs to",
                n,
            )
            % {"n": n}
        )
    if counts.get("draft_files_deleted"):
        n = counts["draft_files_deleted"]
        deleted.append(
            ngettext("%(n)s file of those drafts", "%(n)s files of those drafts", n) % {"n": n}
        )
    for label, n in counts.get("deleted", {}).items():
        if n and (text := _deleted_line(label, n)):
            deleted.append(text)
    cleared = [
        _(
            "Their name and email address, replaced by a pseudonym, and their password: the "
            "account can no longer sign in."
        )
    ]
    for label, n in counts.get("cleared", {}).items():
        if n and (text := _cleared_line(label, n)):
            cleared.append(text)
    return {"deleted": deleted, "cleared": cleared, "kept": _kept_lines(counts)}
