"""Reads for erasure and retention: requests, what an erasure would delete and keep, and
what the retention run finds due."""

from dataclasses import dataclass
from datetime import datetime, time

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from assignment.models import Bid
from portal.models import Membership, User, Workshop
from portal.permissions import has_perm
from privacy.erasure import (
    BY_ADDRESS,
    DELETED,
    PSEUDONYMISED,
    STORED_FILE_DELETED,
    UNUSABLE_PASSWORD,
    Pseudonym,
)
from privacy.models import ErasedAccount, ErasureRequest
from reports.models import ReportJob
from reviews.models import (
    Assignment,
    ConflictRecord,
    Review,
    ReviewerApplication,
    ReviewerTie,
    WorkshopInvitation,
)
from submissions.models import Author, Submission, SubmissionFile, SubmissionVersion

# Reports whose figures an erasure must leave as they are.
_BUILT_REPORT_KINDS = [kind for kind in ReportJob.Kind.values if kind != ReportJob.Kind.FEEDBACK]


# --- requests ------------------------------------------------------------------------------


def erasure_requests_for_staff(*, state: str = "") -> QuerySet[ErasureRequest]:
    qs = ErasureRequest.objects.select_related("user", "decided_by").order_by("-created_at", "-pk")
    return qs.filter(state=state) if state else qs


def erasure_request_get_for_user(*, code: str, user: User) -> ErasureRequest:
    """The request, or 404 for anyone but its person and staff (also guessed codes)."""
    if not user.is_authenticated:
        raise Http404
    qs = ErasureRequest.objects.select_related("user", "decided_by")
    if not has_perm(user, "privacy.view_erasure_requests"):
        qs = qs.filter(user=user)
    try:
        return qs.get(code=code)
    except ErasureRequest.DoesNotExist:
        raise Http404 from None


def erasure_request_latest_of(*, user: User) -> ErasureRequest | None:
    """The person's latest request, for their profile page."""
    return ErasureRequest.objects.filter(user=user).order_by("-created_at", "-pk").first()


def erasure_request_open_of(*, user: User) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(user=user, state__in=ErasureRequest.OPEN_STATES).first()


def is_erased(*, user: User) -> bool:
    return ErasedAccount.objects.filter(user=user).exists()


# --- what an erasure deletes and keeps ----------------------------------------------------


def never_submitted_drafts() -> QuerySet[Submission]:
    """Submissions still in draft that were never submitted (no version was frozen)."""
    return Submission.objects.filter(
        state=Submission.State.DRAFT, submitted_at__isnull=True
    ).exclude(Exists(SubmissionVersion.objects.filter(submission=OuterRef("pk"))))


def _involving(user: User) -> Q:
    """Submissions the person is the contact or an author of."""
    return Q(contact=user) | Q(Exists(Author.objects.filter(submission=OuterRef("pk"), user=user)))


def _others_in_organisation(user: User) -> Exists:
    return Exists(
        Membership.objects.filter(organisation=OuterRef("organisation")).exclude(user=user)
    )


def drafts_to_delete(*, user: User) -> QuerySet[Submission]:
    """The person's never-submitted drafts of an organisation nobody else belongs to: no one
    else can ever submit them. A draft of an organisation with other members is theirs as
    much and stays (`drafts_to_keep`)."""
    return never_submitted_drafts().filter(_involving(user)).exclude(_others_in_organisation(user))


def drafts_to_keep(*, user: User) -> QuerySet[Submission]:
    return never_submitted_drafts().filter(_involving(user)).filter(_others_in_organisation(user))


def owner_filter(owner: str, user: User, email: str) -> dict:
    if owner == BY_ADDRESS:
        return {owner: email}
    return {owner: user.pk if owner == "pk" else user}


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        # A model of the table not installed (yet): nothing of it to erase.
        return None


def deleted_rows(label: str, *, user: User, email: str) -> QuerySet | None:
    model = _model(label)
    if model is None:
        return None
    rule = DELETED[label]
    return model._base_manager.filter(**owner_filter(rule.owner, user, email), **rule.where)


def replaced_rows(label: str, *, user: User, email: str) -> QuerySet | None:
    model = _model(label)
    if model is None:
        return None
    return model._base_manager.filter(**owner_filter(PSEUDONYMISED[label].owner, user, email))


def _something_to_clear(fields: dict) -> Q:
    """Rows where a field differs from what it becomes (a pseudonym: every row)."""
    condition = Q()
    for name, value in fields.items():
        if isinstance(value, Pseudonym) or value is UNUSABLE_PASSWORD:
            return Q()
        plain = "" if value is STORED_FILE_DELETED else value
        condition |= Q(**{f"{name}__isnull": False}) if plain is None else ~Q(**{name: plain})
    return condition


@dataclass
class ErasurePlan:
    """Counts by kind: what an erasure of the account deletes, clears and keeps.

    `deleted` and `cleared` are keyed by model label (privacy.erasure's tables); the rest
    are the cases the tables cannot say alone.
    """

    deleted: dict[str, int]
    cleared: dict[str, int]
    drafts_deleted: int
    draft_files_deleted: int
    drafts_kept: int
    submissions_kept: int
    reviews_kept: int
    reviews_in_built_reports: int
    assignments_kept: int
    bids_kept: int
    conflicts_kept: int
    ties_kept: int
    applications_kept: int
    workshop_invitations_kept: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def erasure_plan(*, user: User) -> ErasurePlan:
    email = user.email
    deleted = {}
    for label in DELETED:
        rows = deleted_rows(label, user=user, email=email)
        if rows is not None:
            deleted[label] = rows.count()
    cleared = {}
    for label, rule in PSEUDONYMISED.items():
        rows = replaced_rows(label, user=user, email=email)
        if rows is not None and label != "portal.User":
            cleared[label] = rows.filter(_something_to_clear(rule.fields)).count()
    # Closed invitations only: the open ones are deleted.
    cleared["portal.Invitation"] -= deleted.get("portal.Invitation", 0)
    to_delete = drafts_to_delete(user=user)
    drafts = never_submitted_drafts().filter(_involving(user))
    submitted_reviews = Review.objects.filter(
        assignment__reviewer=user, state=Review.State.SUBMITTED
    )
    built = ReportJob.objects.filter(
        workshop=OuterRef("assignment__workshop"),
        state=ReportJob.State.DONE,
        kind__in=_BUILT_REPORT_KINDS,
    )
    return ErasurePlan(
        deleted=deleted,
        cleared=cleared,
        drafts_deleted=to_delete.count(),
        draft_files_deleted=SubmissionFile.objects.filter(submission__in=to_delete).count(),
        drafts_kept=drafts_to_keep(user=user).count(),
        submissions_kept=Submission.objects.filter(_involving(user))
        .exclude(pk__in=drafts.values("pk"))
        .count(),
        reviews_kept=Review.objects.filter(assignment__reviewer=user)
        .exclude(pk__in=deleted_rows("reviews.Review", user=user, email=email).values("pk"))
        .count(),
        reviews_in_built_reports=submitted_reviews.filter(Exists(built)).count(),
        assignments_kept=Assignment.objects.filter(reviewer=user).count(),
        bids_kept=Bid.objects.filter(reviewer=user).count(),
        conflicts_kept=ConflictRecord.objects.filter(reviewer=user).count(),
        ties_kept=ReviewerTie.objects.filter(user=user).count(),
        applications_kept=ReviewerApplication.objects.filter(user=user).count(),
        workshop_invitations_kept=WorkshopInvitation.objects.filter(user=user).count(),
    )


# --- retention --------------------------------------------------------------------------


def accounts_exempt_from_retention() -> Q:
    """AI Office staff, superusers and administrators of the Django admin are never erased
    by retention: their accounts run the portal, and only a person decides about them."""
    return Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name=settings.STAFF_GROUP_NAME)


def participation_end(workshop) -> datetime:
    """When taking part in a workshop ends: its review deadline, or its event day if later."""
    end = workshop.review_deadline
    if workshop.event_date is not None:
        event_end = datetime.combine(workshop.event_date, time.max, tzinfo=workshop.tzinfo)
        end = max(end, event_end)
    return end


def last_participation(*, user_ids: list[int]) -> dict[int, datetime]:
    """Per person, the end of the last workshop they took part in: as a member of an
    organisation whose submission was submitted, as a reviewer (approved, or assigned), or
    as an invitee to the event. Four queries, whatever the number of people."""
    pairs: set[tuple[int, int]] = set()
    pairs.update(
        Membership.objects.filter(user_id__in=user_ids)
        .filter(organisation__submissions__submitted_at__isnull=False)
        .values_list("user_id", "organisation__submissions__workshop_id")
    )
    pairs.update(
        ReviewerApplication.objects.filter(
            user_id__in=user_ids, state=ReviewerApplication.State.APPROVED
        ).values_list("user_id", "workshop_id")
    )
    pairs.update(
        Assignment.objects.filter(reviewer_id__in=user_ids).values_list(
            "reviewer_id", "workshop_id"
        )
    )
    pairs.update(
        WorkshopInvitation.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "workshop_id"
        )
    )
    ends = {
        workshop.pk: participation_end(workshop)
        for workshop in Workshop.objects.filter(pk__in={w for _u, w in pairs})
    }
    last: dict[int, datetime] = {}
    for user_id, workshop_id in pairs:
        end = ends[workshop_id]
        if user_id not in last or end > last[user_id]:
            last[user_id] = end
    return last
