"""Reads and visibility for submissions: the one place that decides who sees what.

Views, downloads, exports and tasks all go through these functions.
"""

from django.db.models import BooleanField, Exists, F, Func, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from portal.models import Membership, Organisation, User, Workshop
from portal.permissions import has_perm

from .models import Author, Provider, Submission, SubmissionFile, SubmissionVersion


def submissions_visible_to(*, user: User, workshop: Workshop | None = None) -> QuerySet:
    qs = Submission.objects.select_related("workshop", "organisation", "provider", "contact")
    if workshop is not None:
        qs = qs.filter(workshop=workshop)
    if not user.is_authenticated:
        return qs.none()
    if has_perm(user, "submissions.view_all_submissions"):
        return qs
    # Members of the submitting organisation. Reviewers see what they review through the
    # reviews app's own selectors and downloads (anonymised), never through these.
    return qs.filter(
        Exists(Membership.objects.filter(organisation=OuterRef("organisation"), user=user))
    )


def submission_get_for_user(*, code: str, user: User) -> Submission:
    """The submission, or 404 for anyone who may not see it (also for guessed codes)."""
    return _visible_or_404(
        submissions_visible_to(user=user).prefetch_related(
            "risk_areas",
            "methods",
            Prefetch("authors", queryset=Author.objects.select_related("user")),
        ),
        code=code,
    )


def submission_organisation_id(code: str) -> int | None:
    """The submitting organisation's id, for the history panel (portal.audit.selectors):
    its members see their submission's history."""
    return Submission.objects.filter(code=code).values_list("organisation_id", flat=True).first()


def _visible_or_404(queryset: QuerySet, *, code: str) -> Submission:
    try:
        return queryset.get(code=code)
    except Submission.DoesNotExist:
        raise Http404 from None


def submission_current_files(*, submission: Submission) -> QuerySet:
    return submission.files.filter(detached_at__isnull=True).select_related("uploaded_by")


def submission_versions(*, submission: Submission) -> QuerySet:
    return submission.versions.select_related("created_by").prefetch_related("files")


def submission_file_get_for_user(
    *, submission_code: str, file_code: str, user: User
) -> SubmissionFile:
    """A file of a submission the user may see; a file code from elsewhere answers 404."""
    # Not submission_get_for_user: a download needs none of the relations it prefetches.
    submission = _visible_or_404(submissions_visible_to(user=user), code=submission_code)
    file = SubmissionFile.objects.filter(submission=submission, code=file_code).first()
    if file is None:
        raise Http404
    file.submission = submission
    return file


def submission_version_get_for_user(
    *, submission_code: str, number: int, user: User
) -> SubmissionVersion:
    submission = _visible_or_404(submissions_visible_to(user=user), code=submission_code)
    version = submission.versions.filter(number=number).prefetch_related("files").first()
    if version is None:
        raise Http404
    version.submission = submission
    return version


class _AmongIds(Func):
    """`column = ANY(ARRAY(subquery))` on PostgreSQL: the subquery's ids computed once, then
    looked up in the column's index, which a BitmapOr combines with other indexed conditions
    (`column IN (subquery)` in an OR is a filter over every row); `IN` elsewhere."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        column, subquery = (compiler.compile(e) for e in self.get_source_expressions())
        among = "= ANY(ARRAY{})" if connection.vendor == "postgresql" else "IN {}"
        return f"{column[0]} {among.format(subquery[0])}", (*column[1], *subquery[1])


def _search(query: str) -> Q:
    """Title, model, organisation or provider containing `query`, case-insensitively. On
    PostgreSQL the title and model name are looked up in a trigram index
    (submissions_search_trgm) and the few matching organisations and providers in the foreign
    keys' indexes: a search of 10,000 submissions reads the matches only, not every row (9 ms
    to count none)."""
    organisations = Organisation.objects.filter(name__icontains=query).order_by().values("pk")
    providers = Provider.objects.filter(name__icontains=query).order_by().values("pk")
    return (
        Q(title__icontains=query)
        | Q(model_name__icontains=query)
        | Q(_AmongIds(F("organisation_id"), organisations))
        | Q(_AmongIds(F("provider_id"), providers))
    )


def submissions_for_staff_list(
    *,
    workshop: Workshop,
    query: str = "",
    states: list[str] | None = None,
    risk_area: str = "",
    method: str = "",
    organisation_type: str = "",
    confidentiality: str = "",
    ordering: str = "-updated_at",
) -> QuerySet:
    qs = Submission.objects.filter(workshop=workshop).select_related(
        "organisation", "provider", "contact"
    )
    if query:
        qs = qs.filter(_search(query))
    if states:
        qs = qs.filter(state__in=states)
    if risk_area:
        qs = qs.filter(risk_areas__code=risk_area)
    if method:
        qs = qs.filter(methods__code=method)
    if organisation_type:
        qs = qs.filter(organisation__type=organisation_type)
    if confidentiality:
        qs = qs.filter(confidentiality=confidentiality)
    return qs.prefetch_related("risk_areas", "methods").order_by(ordering, "pk")


def submissions_listed_for(*, user: User) -> QuerySet:
    """What submissions_visible_to returns, with what a listing shows of each row loaded in
    a fixed number of queries, newest first by the primary key: stable while rows are
    added, and served by its index however many rows there are."""
    return (
        submissions_visible_to(user=user)
        .prefetch_related(
            "risk_areas",
            "methods",
            Prefetch("authors", queryset=Author.objects.order_by("position", "pk")),
        )
        .order_by("-pk")
    )
