"""Invitations to the in-person workshop and their answers (RSVP).

The link in the email carries the invitation's code signed with a salt of its own, so a
token made for another purpose (an organisation invitation, a password reset) never
resolves here. The link stays valid until the end of the workshop's event day (in the
workshop's time zone) or, while no event date is set, for 60 days after it was sent.

The link alone answers nothing and shows nothing personal: an email gets forwarded or read
in a shared mailbox, and the answer holds accessibility and dietary needs, which can be
health data (special-category data, Regulation (EU) 2018/1725 Art. 10). Only the invitee,
logged in, sees and changes their answer, until the end of the event day; each answer
replaces the previous one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Membership, User, Workshop
from portal.permissions import has_perm
from portal.services.audit import audit_record
from portal.services.mail import absolute_url, email_queue_from_templates
from reviews.models import WorkshopInvitation
from reviews.selectors.applications import reviewers_of_workshop
from reviews.workshop_invitations.selectors import invitation_is_open
from submissions.models import Submission

_RSVP_SALT = "reviews.workshop_invitation.rsvp"
RSVP_MAX_AGE_DAYS = 60
NEEDS_MAX_LENGTH = 2000

Kind = WorkshopInvitation.Kind
State = WorkshopInvitation.State


class RSVPError(Exception):
    """Why an invitation cannot be answered here. `code` picks the page shown: invalid,
    expired, wrong_user (not logged in as the invitee)."""

    def __init__(self, code: str, invitation: WorkshopInvitation | None = None):
        super().__init__(code)
        self.code = code
        self.invitation = invitation


def invitation_token(*, invitation: WorkshopInvitation) -> str:
    return signing.dumps(invitation.code, salt=_RSVP_SALT, compress=False)


def invitation_url(*, invitation: WorkshopInvitation) -> str:
    path = reverse("reviews:invitation_rsvp", args=[invitation_token(invitation=invitation)])
    return absolute_url(path)


def invitation_send(
    *,
    workshop: Workshop,
    users: Iterable[User],
    kind: str,
    user: User,
    submission: Submission | None = None,
) -> list[WorkshopInvitation]:
    """Invite people to the workshop and email each a link to answer.

    One invitation per workshop and person: inviting someone again sends the link again and
    keeps the invitation as it is (kind, submission and any answer), so a reminder never
    erases an answer already given.
    """
    users = list({u.pk: u for u in users}.values())
    if kind not in Kind.values:
        raise ValidationError(_("Unknown kind of invitation."))
    if not users:
        raise ValidationError(_("Select at least one person to invite."))
    if kind == Kind.SUBMITTER:
        _check_submitters(workshop=workshop, users=users, submission=submission)
    else:
        if submission is not None:
            raise ValidationError(_("A reviewer is invited without a submission."))
        _check_reviewers(workshop=workshop, users=users)

    invitations = []
    with transaction.atomic():
        for person in users:
            # get_or_create retries a lookup if a concurrent send inserted the same pair;
            # the unique constraint (workshop, user) is what prevents a duplicate.
            invitation, created = WorkshopInvitation.objects.get_or_create(
                workshop=workshop,
                user=person,
                defaults={"kind": kind, "submission": submission, "invited_by": user},
            )
            _email_invitation(invitation=invitation, workshop=workshop, person=person)
            audit_record(
                action="workshop_invitation.sent",
                obj=invitation,
                actor=user,
                details={
                    "invitee": person.pk,
                    "kind": invitation.kind,
                    "submission": invitation.submission,
                    "again": not created,
                },
            )
            invitations.append(invitation)
    return invitations


def _check_submitters(*, workshop: Workshop, users: list[User], submission: Submission | None):
    if submission is None:
        raise ValidationError(_("A submitter is invited for a submission."))
    if submission.workshop_id != workshop.pk:
        raise ValidationError(_("This submission belongs to another workshop."))
    if submission.state != Submission.State.ELIGIBLE:
        raise ValidationError(
            _("Only submitters of eligible submissions can be invited (%(title)s).")
            % {"title": submission.title}
        )
    members = set(
        Membership.objects.filter(
            organisation_id=submission.organisation_id, user__in=users
        ).values_list("user_id", flat=True)
    )
    outsiders = [u for u in users if u.pk != submission.contact_id and u.pk not in members]
    if outsiders:
        raise ValidationError(
            _("%(names)s did not submit %(title)s.")
            % {"names": ", ".join(str(u) for u in outsiders), "title": submission.title}
        )


def _check_reviewers(*, workshop: Workshop, users: list[User]) -> None:
    approved = set(
        reviewers_of_workshop(workshop=workshop)
        .filter(pk__in=[u.pk for u in users])
        .values_list("pk", flat=True)
    )
    others = [u for u in users if u.pk not in approved]
    if others:
        raise ValidationError(
            _("%(names)s are not approved reviewers of this workshop.")
            % {"names": ", ".join(str(u) for u in others)}
        )


def _email_invitation(*, invitation: WorkshopInvitation, workshop: Workshop, person: User) -> None:
    email_queue_from_templates(
        to=[person.email],
        template_prefix="reviews/email/workshop_invitation",
        context={
            "invitation": invitation,
            "workshop": workshop,
            "person": person,
            "submission": invitation.submission,
            "url": invitation_url(invitation=invitation),
            "expires_on": workshop.event_date,
            "max_age_days": RSVP_MAX_AGE_DAYS,
        },
        language=person.preferred_language,
    )


def invitation_from_token(*, token: str) -> WorkshopInvitation:
    """Resolve an RSVP link to its invitation, or raise RSVPError('invalid' | 'expired')."""
    try:
        code = signing.loads(token, salt=_RSVP_SALT)
    except signing.BadSignature:
        raise RSVPError("invalid") from None
    invitation = (
        WorkshopInvitation.objects.select_related("workshop", "user", "submission")
        .filter(code=code)
        .first()
    )
    if invitation is None:
        raise RSVPError("invalid")
    if invitation.workshop.event_date is not None:
        invitation_check_open(invitation=invitation)
        return invitation
    try:
        signing.loads(token, salt=_RSVP_SALT, max_age=timedelta(days=RSVP_MAX_AGE_DAYS))
    except signing.SignatureExpired:
        raise RSVPError("expired", invitation) from None
    return invitation


def invitation_check(*, invitation: WorkshopInvitation, user: User | None) -> None:
    """Only the invitee, logged in, may see or change their answer (see the module's
    docstring for why the link alone is not enough): the rule reviews.answer_invitation."""
    if user is None or not has_perm(user, "reviews.answer_invitation", invitation):
        raise RSVPError("wrong_user", invitation)


def invitation_check_open(*, invitation: WorkshopInvitation) -> None:
    """Answers close at the end of the event day, in the workshop's time zone."""
    if not invitation_is_open(invitation=invitation):
        raise RSVPError("expired", invitation)


def invitation_answer(
    *,
    invitation: WorkshopInvitation,
    accept: bool,
    accessibility_needs: str = "",
    dietary_needs: str = "",
    user: User,
) -> WorkshopInvitation:
    """Accept or decline, as the invitee; answering again replaces the earlier answer."""
    invitation_check(invitation=invitation, user=user)
    invitation_check_open(invitation=invitation)
    accessibility_needs = (accessibility_needs or "").strip()
    dietary_needs = (dietary_needs or "").strip()
    errors = {}
    for name, value in (
        ("accessibility_needs", accessibility_needs),
        ("dietary_needs", dietary_needs),
    ):
        if len(value) > NEEDS_MAX_LENGTH:
            errors[name] = _("Keep this under %(max)d characters.") % {"max": NEEDS_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        invitation = WorkshopInvitation.objects.select_for_update().get(pk=invitation.pk)
        state_before = invitation.state
        invitation.state = State.ACCEPTED if accept else State.DECLINED
        # Needs can be health data: keep them only for people who attend (data minimisation,
        # EUDPR Art. 4(1)(c)); declining erases what an earlier acceptance recorded.
        invitation.accessibility_needs = accessibility_needs if accept else ""
        invitation.dietary_needs = dietary_needs if accept else ""
        invitation.responded_at = timezone.now()
        invitation.save(
            update_fields=["state", "accessibility_needs", "dietary_needs", "responded_at"]
        )
        # The answer only: the needs may be health data, and even whether any were given
        # says something about the person.
        audit_record(
            action="workshop_invitation.answered",
            obj=invitation,
            actor=user,
            changes={"state": [state_before, invitation.state]},
        )
    return invitation


@transaction.atomic
def attendee_record_export(*, workshop: Workshop, user: User, filters: dict, rows: int) -> None:
    """Record that `user` downloaded the attendee list (names, email addresses and, for
    those who accepted, accessibility and dietary needs: possibly health data) with
    `filters`, `rows` people in it."""
    audit_record(
        action="attendees.exported",
        obj=workshop,
        actor=user,
        details={"filters": filters, "rows": rows, "format": "csv"},
    )
