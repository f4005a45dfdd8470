"""Reads and visibility for reviewer applications and ties.

Views, the CV download and the coming conflict and assignment code all go through these.
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from expertise.models import Publication
from portal.models import Organisation, User, Workshop
from portal.permissions import has_perm
from reviews.models import ReviewerApplication, ReviewerExpertise, ReviewerTie
from submissions.models import Method, Provider, RiskArea


def _expertise_prefetch() -> Prefetch:
    return Prefetch(
        "expertise",
        queryset=ReviewerExpertise.objects.select_related("risk_area", "method").order_by(
            "risk_area__position", "method__position", "pk"
        ),
    )


def application_get_for_user(*, code: str, user: User) -> ReviewerApplication:
    """The application, or 404 for anyone but its applicant and staff (also guessed codes)."""
    if not user.is_authenticated:
        raise Http404
    qs = ReviewerApplication.objects.select_related("workshop", "user", "decided_by")
    if not has_perm(user, "reviews.view_all_applications"):
        qs = qs.filter(user=user)
    try:
        return qs.prefetch_related(_expertise_prefetch()).get(code=code)
    except ReviewerApplication.DoesNotExist:
        raise Http404 from None


def application_of_user_for_workshop(
    *, user: User, workshop: Workshop
) -> ReviewerApplication | None:
    return (
        ReviewerApplication.objects.filter(user=user, workshop=workshop)
        .prefetch_related(_expertise_prefetch())
        .first()
    )


def applications_of_user(*, user: User) -> QuerySet[ReviewerApplication]:
    """A person's own applications, for their dashboard."""
    return (
        ReviewerApplication.objects.filter(user=user)
        .select_related("workshop")
        .order_by("-created_at")
    )


def applications_for_staff_list(
    *,
    workshop: Workshop,
    query: str = "",
    state: str = "",
    risk_area: str = "",
    min_level: int = 1,
) -> QuerySet[ReviewerApplication]:
    qs = ReviewerApplication.objects.filter(workshop=workshop).select_related("user")
    if query:
        qs = qs.filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query))
    if state:
        qs = qs.filter(state=state)
    if risk_area:
        qs = qs.filter(
            Exists(
                ReviewerExpertise.objects.filter(
                    application=OuterRef("pk"), risk_area__code=risk_area, level__gte=min_level
                )
            )
        )
    # How many publications each applicant listed: a subquery, no query per row.
    publications = (
        Publication.objects.filter(user=OuterRef("user_id"))
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = qs.annotate(
        publication_count=Coalesce(Subquery(publications, output_field=IntegerField()), 0)
    )
    return qs.prefetch_related(_expertise_prefetch()).order_by("-created_at", "pk")


def application_state_counts(*, workshop: Workshop) -> dict[str, int]:
    """Applications per state, every state present (zero included)."""
    rows = (
        ReviewerApplication.objects.filter(workshop=workshop)
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(ReviewerApplication.State.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def reviewers_of_workshop(*, workshop: Workshop) -> QuerySet[User]:
    """The people approved to review for the workshop.

    Conflict checks and assignment build on this; a pending, declined or withdrawn
    application makes nobody a reviewer.
    """
    # A semi-join (EXISTS), not a join with DISTINCT: DISTINCT compares every selected
    # column, so a caller's annotations (the ratings page's seven subqueries) were computed
    # for all reviewers before a page of 50 was cut.
    return User.objects.filter(approved_application_exists(workshop), is_active=True).order_by(
        "email"
    )


def approved_applications(workshop: Workshop) -> QuerySet[ReviewerApplication]:
    return ReviewerApplication.objects.filter(
        workshop=workshop, state=ReviewerApplication.State.APPROVED
    )


def approved_application_exists(workshop: Workshop) -> Exists:
    return Exists(approved_applications(workshop).filter(user=OuterRef("pk")))


def ties_of_user(*, user: User, active_only: bool = True) -> QuerySet[ReviewerTie]:
    qs = ReviewerTie.objects.filter(user=user).select_related("organisation", "provider")
    if active_only:
        qs = qs.filter(ended_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def tie_get_for_user(*, code: str, user: User) -> ReviewerTie:
    """One of the person's own ties, or 404: nobody manages another person's ties."""
    if not user.is_authenticated:
        raise Http404
    try:
        return ReviewerTie.objects.select_related("organisation", "provider").get(
            code=code, user=user
        )
    except ReviewerTie.DoesNotExist:
        raise Http404 from None


def risk_areas() -> QuerySet[RiskArea]:
    return RiskArea.objects.order_by("position", "code")


def methods() -> QuerySet[Method]:
    return Method.objects.order_by("position", "code")


def tie_organisation_choices() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


def tie_provider_choices() -> QuerySet[Provider]:
    return Provider.objects.order_by("name")


def ties_visible_to(*, user: User, workshop: Workshop | None = None) -> QuerySet[ReviewerTie]:
    """A person's own ties and, for staff, the ties of everyone who applied to review (each
    application's page shows its applicant's), of one workshop's applicants if given."""
    if not user.is_authenticated:
        return ReviewerTie.objects.none()
    visible = Q(user=user)
    if has_perm(user, "reviews.view_all_applications"):
        applicants = ReviewerApplication.objects.all()
        if workshop is not None:
            applicants = applicants.filter(workshop=workshop)
            visible = Q(pk__in=[])
        visible |= Q(user__in=applicants.values("user_id"))
    return (
        ReviewerTie.objects.filter(visible)
        .select_related("organisation", "provider", "user")
        .order_by("-created_at", "-pk")
    )


def application_codes_of_reviewers(*, workshop: Workshop, user_ids) -> dict[int, str]:
    """user id -> the code of their application to the workshop (how staff pages name a
    reviewer), in one query."""
    return dict(
        ReviewerApplication.objects.filter(
            workshop=workshop, user_id__in=list(user_ids)
        ).values_list("user_id", "code")
    )
