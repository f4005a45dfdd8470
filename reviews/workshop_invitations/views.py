"""Workshop invitations: staff pick and invite people, invitees answer (RSVP) once logged in,
staff read and export the attendee list."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal import lookups as portal_lookups
from portal.csv import Echo, csv_safe
from portal.filters import filters_from, refused_export
from portal.forms import add_service_errors
from portal.models import Workshop
from portal.permissions import permission_required
from reviews import lookups
from reviews.models import ReviewerApplication, WorkshopInvitation
from reviews.workshop_invitations import selectors, services
from reviews.workshop_invitations.forms import (
    AttendeeFilterForm,
    InvitationListForm,
    RSVPForm,
    SelectionForm,
)
from reviews.workshop_invitations.services import RSVPError
from submissions.models import Submission

PER_PAGE = 50

Kind = WorkshopInvitation.Kind


def _sent_message(request, count: int) -> None:
    messages.success(
        request,
        ngettext(
            "Invitation sent to %(count)d person. Anyone invited before got the link again; "
            "answers already given are kept.",
            "Invitations sent to %(count)d people. Anyone invited before got the link again; "
            "answers already given are kept.",
            count,
        )
        % {"count": count},
    )


@permission_required("reviews.invite_to_workshop", lookup=portal_lookups.workshop)
def invite_submitters(request, workshop: Workshop):
    """Eligible submissions with their mean level and the reviewers' recommendations;
    ticking some and sending invites each one's contact person."""
    if request.method == "POST":
        form = SelectionForm(
            request.POST,
            queryset=Submission.objects.filter(
                workshop=workshop, state=Submission.State.ELIGIBLE
            ).select_related("contact"),
        )
        if form.is_valid():
            submissions = list(form.cleaned_data["selected"])
            try:
                # All or nothing: a refused row must not leave half the emails queued.
                with transaction.atomic():
                    for submission in submissions:
                        services.invitation_send(
                            workshop=workshop,
                            users=[submission.contact],
                            kind=Kind.SUBMITTER,
                            user=request.user,
                            submission=submission,
                        )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                _sent_message(request, len({s.contact_id for s in submissions}))
                return redirect(request.get_full_path())
        else:
            messages.error(request, " ".join(form.errors.get("selected", [])))
    filter_form = filters_from(request, InvitationListForm)
    sort = filter_form.filters()["sort"] or "mean"
    page = selectors.submissions_for_invitation(
        workshop=workshop, sort=sort, page_number=filter_form.page_number
    )
    return render(
        request,
        "reviews/workshop_invitations/submitters.html",
        {
            "workshop": workshop,
            "page": page,
            "sort": sort,
            "filter_form": filter_form,
            "section": "submitters",
        },
        status=filter_form.status,
    )


@permission_required("reviews.invite_to_workshop", lookup=portal_lookups.workshop)
@require_POST
def invite_reviewers(request, workshop: Workshop):
    form = SelectionForm(
        request.POST,
        queryset=ReviewerApplication.objects.filter(
            workshop=workshop,
            state=ReviewerApplication.State.APPROVED,
            user__is_active=True,
        ).select_related("user"),
    )
    if form.is_valid():
        users = [application.user for application in form.cleaned_data["selected"]]
        try:
            services.invitation_send(
                workshop=workshop, users=users, kind=Kind.REVIEWER, user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _sent_message(request, len(users))
    else:
        messages.error(request, " ".join(form.errors.get("selected", [])))
    return redirect("reviews:reviewer_ratings", workshop_code=workshop.code)


@permission_required("reviews.view_attendees", lookup=portal_lookups.workshop)
def attendee_list(request, workshop: Workshop):
    form = filters_from(request, AttendeeFilterForm)
    filters = form.filters()
    invitations = selectors.invitations_for_staff(workshop=workshop, **filters)
    page = Paginator(invitations, PER_PAGE).get_page(form.page_number)
    counts = selectors.invitation_state_counts(workshop=workshop)
    return render(
        request,
        "reviews/workshop_invitations/attendees.html",
        {
            "workshop": workshop,
            "page": page,
            "form": form,
            "filters": filters,
            "state_counts": [
                (state, label, counts[state]) for state, label in WorkshopInvitation.State.choices
            ],
            "total": sum(counts.values()),
            "section": "attendees",
        },
        status=form.status,
    )


def _organisation(invitation: WorkshopInvitation) -> str:
    if invitation.submission_id:
        return invitation.submission.organisation.name
    return invitation.affiliation or ""


CSV_COLUMNS = [
    ("name", lambda i: i.user.full_name),
    ("email", lambda i: i.user.email),
    ("kind", lambda i: i.kind),
    ("state", lambda i: i.state),
    ("organisation", _organisation),
    ("submission_code", lambda i: i.submission.code if i.submission_id else ""),
    ("submission_title", lambda i: i.submission.title if i.submission_id else ""),
    ("accessibility_needs", lambda i: i.accessibility_needs),
    ("dietary_needs", lambda i: i.dietary_needs),
    ("language", lambda i: i.user.preferred_language),
    ("invited_at", lambda i: i.created_at.isoformat()),
    ("responded_at", lambda i: i.responded_at.isoformat() if i.responded_at else ""),
]


@permission_required("reviews.view_attendees", lookup=portal_lookups.workshop)
def attendee_export_csv(request, workshop: Workshop):
    form = filters_from(request, AttendeeFilterForm)
    if form.errors:
        return refused_export(form)
    filters = form.filters()
    invitations = selectors.invitations_for_staff(workshop=workshop, **filters)
    services.attendee_record_export(
        workshop=workshop, user=request.user, filters=filters, rows=invitations.count()
    )
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow([name for name, _get in CSV_COLUMNS])
        for invitation in invitations.iterator(chunk_size=500):
            yield writer.writerow([csv_safe(get(invitation)) for _name, get in CSV_COLUMNS])

    suffix = "-".join(value for value in (filters["state"], filters["kind"]) if value)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    name = f"attendees-{workshop.code}{'-' + suffix if suffix else ''}-{stamp}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


_RSVP_STATUS = {"invalid": 404, "expired": 410, "wrong_user": 404}


def _rsvp_problem(request, error: RSVPError):
    return render(
        request,
        "reviews/workshop_invitations/rsvp_problem.html",
        {"problem": error.code},
        status=_RSVP_STATUS[error.code],
    )


# These pages concern one person's answer: no shared cache may keep them.
@permission_required("reviews.open_invitation_link", login_required=False)
@never_cache
def invitation_rsvp(request, token: str):
    """The link in an invitation email. Without login it shows only the workshop and a way
    to log in; the invitee, logged in, goes on to their answer page; anyone else logged in
    gets 404. It never writes, whatever the method: see the services' docstring for why."""
    try:
        invitation = services.invitation_from_token(token=token)
        if request.user.is_authenticated:
            services.invitation_check(invitation=invitation, user=request.user)
    except RSVPError as error:
        return _rsvp_problem(request, error)
    if not request.user.is_authenticated:
        return render(
            request,
            "reviews/workshop_invitations/rsvp_login.html",
            {"workshop": invitation.workshop},
        )
    return redirect("reviews:invitation_answer", code=invitation.code)


@permission_required("reviews.answer_invitation", lookup=lookups.invitation)
@never_cache
def invitation_answer(request, invitation: WorkshopInvitation):
    """The invitee's answer and needs, shown and changed only to the invitee; reached from
    the emailed link or the dashboard."""
    if not selectors.invitation_is_open(invitation=invitation):
        return _rsvp_problem(request, RSVPError("expired", invitation))
    initial = {
        "answer": {"accepted": "accept", "declined": "decline"}.get(invitation.state),
        "accessibility_needs": invitation.accessibility_needs,
        "dietary_needs": invitation.dietary_needs,
    }
    form = RSVPForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_answer(
                invitation=invitation,
                accept=form.cleaned_data["answer"] == "accept",
                accessibility_needs=form.cleaned_data["accessibility_needs"],
                dietary_needs=form.cleaned_data["dietary_needs"],
                user=request.user,
            )
        except RSVPError as error:
            return _rsvp_problem(request, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if form.cleaned_data["answer"] == "accept":
                messages.success(request, _("Thank you. We look forward to seeing you."))
            else:
                messages.success(request, _("Thank you for letting us know."))
            return redirect("reviews:invitation_answer", code=invitation.code)
    return render(
        request,
        "reviews/workshop_invitations/rsvp.html",
        {
            "invitation": invitation,
            "workshop": invitation.workshop,
            "form": form,
            "deadline": selectors.event_day_end(workshop=invitation.workshop),
        },
    )
