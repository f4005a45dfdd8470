"""Who sees which submission and which review: the one place that applies conflicts of
interest, anonymity and confidentiality for the review process. Views, downloads, exports
and PDFs reuse these functions; templates never decide visibility.

Besides querysets, this module shapes what a reader gets: the submission as a reviewer may
see it (no identity in an anonymous workshop), and a submitted review as another reviewer
or the submitters may see it (labels instead of names, fields meant for the AI Office
removed). Templates render those shapes as they are.
"""

from __future__ import annotations

import enum
import string
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, JSONField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.languages import EU_LANGUAGES
from portal.models import Membership, User, Workshop
from reviews.models import (
    Assignment,
    Bid,
    ConflictRecord,
    CriterionScore,
    Review,
    ReviewerApplication,
    ReviewerTie,
    ReviewVersion,
)
from reviews.selectors.conflicts import conflicted_pairs, has_conflict
from submissions.models import Submission, SubmissionFile, SubmissionVersion
from submissions.models.taxonomy import LABELS as TAXONOMY_LABELS

REVIEWABLE_STATES = (Submission.State.ELIGIBLE,)


def _cleared_for_confidential(user: User) -> Q:
    return Q(
        Exists(
            ReviewerApplication.objects.filter(
                workshop=OuterRef("workshop"),
                user=user,
                state=ReviewerApplication.State.APPROVED,
                cleared_for_confidential=True,
            )
        )
    )


def assignments_for_reviewer(*, user: User, workshop: Workshop | None = None) -> QuerySet:
    """A reviewer's live assignments: eligible submissions, not declined, confidentiality
    respected. Conflicts are excluded by `assignment_get_for_reviewer` and by the
    dashboard, which checks the few pairs it shows."""
    qs = Assignment.objects.filter(reviewer=user).exclude(state=Assignment.State.DECLINED)
    if workshop is not None:
        qs = qs.filter(workshop=workshop)
    qs = qs.filter(submission__state__in=REVIEWABLE_STATES)
    qs = qs.filter(
        ~Q(submission__confidentiality=Submission.Confidentiality.AI_OFFICE_ONLY)
        | _cleared_for_confidential(user)
    )
    # Staff-recorded conflicts are cheap to exclude here; computed ones are re-checked per
    # pair where a single assignment is opened.
    qs = qs.exclude(
        Exists(
            ConflictRecord.objects.filter(
                submission=OuterRef("submission"),
                reviewer=user,
                revoked_at__isnull=True,
                action__in=[ConflictRecord.Action.RECORDED, ConflictRecord.Action.BID],
            )
        )
    )
    return qs.select_related("workshop", "submission", "submission__provider", "review")


def assignment_get_for_reviewer(*, code: str, user: User) -> Assignment:
    """The assignment, or 404 (never 403): conflicted, declined, withdrawn, confidential
    and other people's assignments all look like they do not exist."""
    assignment = (
        assignments_for_reviewer(user=user)
        .select_related("review__criteria_set")
        .filter(code=code)
        .first()
    )
    if assignment is None or has_conflict(reviewer=user, submission=assignment.submission):
        raise Http404
    return assignment


def _labels_in_order(reviewer_ids: list[int]) -> dict[int, str]:
    labels = {}
    for index, reviewer_id in enumerate(reviewer_ids):
        letters = string.ascii_uppercase
        suffix = letters[index % 26] + (str(index // 26) if index >= 26 else "")
        labels[reviewer_id] = _("Reviewer %(letter)s") % {"letter": suffix}
    return labels


def reviewer_labels(*, submission: Submission) -> dict[int, str]:
    """reviewer_id -> "Reviewer A", "Reviewer B", ... stable by assignment order."""
    return _labels_in_order(
        list(
            Assignment.objects.filter(submission=submission)
            .order_by("created_at", "pk")
            .values_list("reviewer_id", flat=True)
        )
    )


def reviewer_labels_by_submission(*, submission_ids: list[int]) -> dict[int, dict[int, str]]:
    """`reviewer_labels` of many submissions in one query (the reports' annexes)."""
    ordered: dict[int, list[int]] = {pk: [] for pk in submission_ids}
    for submission_id, reviewer_id in (
        Assignment.objects.filter(submission_id__in=submission_ids)
        .order_by("created_at", "pk")
        .values_list("submission_id", "reviewer_id")
    ):
        ordered[submission_id].append(reviewer_id)
    return {pk: _labels_in_order(ids) for pk, ids in ordered.items()}


def other_reviews_for_reviewer(*, user: User, assignment: Assignment) -> QuerySet:
    """Other reviewers' submitted reviews of the same submission, if the workshop allows."""
    workshop = assignment.workshop
    none = Review.objects.none()
    policy = workshop.review_visibility
    if policy == Workshop.ReviewVisibility.NEVER:
        return none
    if policy == Workshop.ReviewVisibility.AFTER_OWN:
        own = getattr(assignment, "review", None)
        if own is None or own.state != Review.State.SUBMITTED:
            return none
    return (
        Review.objects.filter(
            assignment__submission=assignment.submission, state=Review.State.SUBMITTED
        )
        .exclude(assignment__reviewer=user)
        .select_related("assignment__reviewer")
        .prefetch_related("scores__criterion")
    )


def reviews_released(*, workshop: Workshop, now: datetime | None = None) -> bool:
    released = workshop.reviews_released_at
    return released is not None and released <= (now or timezone.now())


def reviews_released_to_submitter(*, user: User, submission: Submission) -> QuerySet:
    """Submitters see submitted reviews only after staff release them, never who wrote them."""
    is_member = Membership.objects.filter(
        user=user, organisation_id=submission.organisation_id
    ).exists()
    if not is_member or not reviews_released(workshop=submission.workshop):
        return Review.objects.none()
    return (
        Review.objects.filter(assignment__submission=submission, state=Review.State.SUBMITTED)
        .prefetch_related("scores__criterion")
        .order_by("assignment__created_at", "pk")
    )


# --- the reviewer's list ------------------------------------------------------------------


class AssignmentStatus(enum.StrEnum):
    TODO = "todo"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    LATE = "late"


@dataclass(frozen=True)
class AssignmentRow:
    assignment: Assignment
    status: AssignmentStatus
    deadline: datetime
    # Staff assigned it and the reviewer has not answered yet: offer Accept / Decline.
    needs_answer: bool

    @property
    def status_label(self) -> str:
        return {
            AssignmentStatus.TODO: _("To do"),
            AssignmentStatus.DRAFT: _("Draft"),
            AssignmentStatus.SUBMITTED: _("Submitted"),
            AssignmentStatus.LATE: _("Late"),
        }[self.status]

    @property
    def review(self) -> Review | None:
        return getattr(self.assignment, "review", None)


def assignment_status(*, assignment: Assignment, now: datetime | None = None) -> AssignmentStatus:
    """To do until the first save, draft after it, late once the deadline passed unsubmitted."""
    review = getattr(assignment, "review", None)
    if review is not None and review.state == Review.State.SUBMITTED:
        return AssignmentStatus.SUBMITTED
    if (now or timezone.now()) > assignment.deadline:
        return AssignmentStatus.LATE
    # A review row is created when the page is first opened; revision 1 means never saved.
    if review is not None and review.revision > 1:
        return AssignmentStatus.DRAFT
    return AssignmentStatus.TODO


def assignment_rows_for_reviewer(*, user: User, now: datetime | None = None) -> list[AssignmentRow]:
    """The reviewer's dashboard: live assignments without any conflicted pair, soonest
    deadline first.

    Computed conflicts are checked set-based per workshop (conflicted_pairs), so the number
    of queries does not grow with the number of assignments.
    """
    if not user.is_authenticated:
        return []
    assignments = list(assignments_for_reviewer(user=user))
    workshops = {a.workshop_id: a.workshop for a in assignments}
    conflicted: set[tuple[int, int]] = set()
    for workshop in workshops.values():
        conflicted |= conflicted_pairs(
            workshop=workshop,
            reviewer_ids={user.pk},
            submission_ids={a.submission_id for a in assignments if a.workshop_id == workshop.pk},
        )
    now = now or timezone.now()
    rows = [
        AssignmentRow(
            assignment=a,
            status=assignment_status(assignment=a, now=now),
            deadline=a.deadline,
            needs_answer=a.state == Assignment.State.ASSIGNED,
        )
        for a in assignments
        if (a.submission_id, user.pk) not in conflicted
    ]
    rows.sort(key=lambda row: (row.deadline, row.assignment.created_at, row.assignment.pk))
    return rows


# --- the submission as a reviewer sees it -------------------------------------------------


@dataclass(frozen=True)
class ReviewerFile:
    code: str
    name: str  # what the page shows and the download is called
    kind_label: str
    size: int


@dataclass(frozen=True)
class ReviewerSubmission:
    """What a reviewer may see of a submission: its latest submitted version.

    `identity` (organisation, authors, contact, conflict-of-interest details) is empty
    in an anonymous workshop; nothing else here names the submitters.
    """

    title: str
    anonymous: bool
    version_number: int | None
    submitted_at: datetime | None
    details: list[tuple[str, str]] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)
    identity: list[tuple[str, str]] = field(default_factory=list)
    files: list[ReviewerFile] = field(default_factory=list)


def _label(name: str) -> str:
    return str(Submission._meta.get_field(name).verbose_name).capitalize()


def _choice(name: str, value) -> str:
    choices = dict(Submission._meta.get_field(name).choices or [])
    return str(choices.get(value, value)) if value else ""


def _as_date(value) -> str:
    """An ISO date from a version's metadata, formatted for the active language."""
    if not value:
        return ""
    try:
        return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)


def submission_latest_version(*, submission: Submission) -> SubmissionVersion | None:
    """The version reviewers review: the last one submitted, with its files."""
    return (
        SubmissionVersion.objects.filter(submission=submission)
        .order_by("-number")
        .prefetch_related("files")
        .first()
    )


def reviewer_file_name(*, file: SubmissionFile, anonymous: bool) -> str:
    """File names often carry the organisation or an author's name: an anonymous workshop
    gets a neutral one, with the original extension."""
    if not anonymous:
        return file.original_name
    extension = file.original_name.rpartition(".")[2].lower() if "." in file.original_name else ""
    stem = "main-document" if file.kind == SubmissionFile.Kind.MAIN else f"supplement-{file.code}"
    return f"{stem}.{extension}" if extension else stem


def submission_for_reviewer(*, assignment: Assignment) -> ReviewerSubmission:
    """The submission of an assignment the reviewer may see (assignment_get_for_reviewer),
    from its latest submitted version; identity only when the workshop is not anonymous."""
    submission = assignment.submission
    anonymous = assignment.workshop.anonymous_review
    version = submission_latest_version(submission=submission)
    meta = version.metadata if version is not None else {}
    access_flags = ("access_logits", "access_chain_of_thought", "access_fine_tuning")
    access = [_label(name) for name in (*access_flags, "access_activations") if meta.get(name)]
    access_level = ", ".join(
        filter(None, [_choice("access_level", meta.get("access_level")), *access])
    )
    methods = [str(TAXONOMY_LABELS.get(code, code)) for code in meta.get("methods", [])]
    if meta.get("methods_other"):
        methods.append(meta["methods_other"])
    start, end = _as_date(meta.get("evaluation_start")), _as_date(meta.get("evaluation_end"))
    details: list[tuple[str, str]] = [
        (_("Model provider"), meta.get("provider", "")),
        (_("Model"), " ".join(filter(None, [meta.get("model_name"), meta.get("model_version")]))),
        (_label("model_version_date"), _as_date(meta.get("model_version_date"))),
        (_label("version_type"), _choice("version_type", meta.get("version_type"))),
        (_label("release_channel"), _choice("release_channel", meta.get("release_channel"))),
        (_label("access_level"), access_level),
        (
            _("Risk areas"),
            ", ".join(str(TAXONOMY_LABELS.get(c, c)) for c in meta.get("risk_areas", [])),
        ),
        (_("Methods"), ", ".join(methods)),
        (_("Evaluation period"), f"{start} – {end}" if start or end else ""),
        (_label("stage"), _choice("stage", meta.get("stage"))),
        (_label("artefacts"), _choice("artefacts", meta.get("artefacts"))),
        (_label("confidentiality"), _choice("confidentiality", meta.get("confidentiality"))),
        (_label("language"), str(dict(EU_LANGUAGES).get(meta.get("language"), ""))),
        (_label("keywords"), meta.get("keywords", "")),
    ]
    if meta.get("info_hazard"):
        details.append((_label("info_hazard"), _("Yes")))
    texts = [
        (_label(name), meta.get(name, ""))
        for name in (
            "abstract",
            "threat_scenario",
            "elicitation",
            "results_summary",
            "relevance_statement",
        )
    ]
    identity: list[tuple[str, str]] = []
    if not anonymous:
        tie_labels = dict(Submission.ProviderTie.choices)
        ties = [str(tie_labels.get(tie, tie)) for tie in meta.get("provider_ties", [])]
        identity = [
            (_("Organisation"), submission.organisation.name),
            (
                _("Authors"),
                "; ".join(
                    f"{a['name']} ({a['affiliation']})" if a.get("affiliation") else a["name"]
                    for a in meta.get("authors", [])
                ),
            ),
            (
                _("Contact person"),
                f"{submission.contact.full_name} ({submission.contact.email})"
                if submission.contact.full_name
                else submission.contact.email,
            ),
            (_label("provider_ties"), ", ".join(ties)),
            (_label("conflict_statement"), meta.get("conflict_statement", "")),
        ]
    files = []
    if version is not None:
        for file in sorted(version.files.all(), key=lambda f: (f.kind != "main", f.uploaded_at)):
            files.append(
                ReviewerFile(
                    code=file.code,
                    name=reviewer_file_name(file=file, anonymous=anonymous),
                    kind_label=str(file.get_kind_display()),
                    size=file.size,
                )
            )
    return ReviewerSubmission(
        title=meta.get("title", submission.title),
        anonymous=anonymous,
        version_number=version.number if version is not None else None,
        submitted_at=version.created_at if version is not None else None,
        details=[(label, value) for label, value in details if value],
        texts=[(label, value) for label, value in texts if value],
        identity=[(label, value) for label, value in identity if value],
        files=files,
    )


def submission_file_for_reviewer(*, assignment: Assignment, file_code: str) -> SubmissionFile:
    """A file of the latest submitted version, or 404: older versions, the working copy
    and other submissions' files are not the reviewer's to download."""
    latest = (
        SubmissionVersion.objects.filter(submission=assignment.submission_id)
        .order_by("-number")
        .values("pk")[:1]
    )
    file = SubmissionFile.objects.filter(
        submission=assignment.submission_id, code=file_code, versions=Subquery(latest)
    ).first()
    if file is None:
        raise Http404
    return file


# --- submitted reviews as others see them ---------------------------------------------------


class Audience(enum.StrEnum):
    OWN = "own"  # the reviewer's own review, read-only
    REVIEWER = "reviewer"  # another reviewer of the same submission
    SUBMITTER = "submitter"  # the submitting organisation, after release


# Feedback on a criterion is for the AI Office's work on the criteria; tags, confidence and
# the recommendation to invite are for the selection of the workshop, not for submitters.
_HIDDEN_SCORE_KEYS = {
    Audience.OWN: frozenset(),
    Audience.REVIEWER: frozenset({"feedback_clear", "feedback_applicable", "feedback_suggestion"}),
    Audience.SUBMITTER: frozenset(
        {"tag", "feedback_clear", "feedback_applicable", "feedback_suggestion"}
    ),
}
_HIDDEN_OVERALL_KEYS = {
    Audience.OWN: frozenset(),
    Audience.REVIEWER: frozenset(),
    Audience.SUBMITTER: frozenset({"confidence", "recommendation"}),
}


@dataclass(frozen=True)
class DisplayScore:
    code: str
    title: str
    level_label: str
    not_applicable: bool
    na_reason: str = ""
    justification: str = ""
    evidence: str = ""
    tag_label: str = ""
    feedback: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class DisplayGroup:
    code: str
    title: str
    scores: list[DisplayScore]


@dataclass(frozen=True)
class DisplayReview:
    label: str
    groups: list[DisplayGroup]
    summary: str = ""
    strengths: str = ""
    main_gaps: str = ""
    confidence: int | None = None
    recommendation_label: str = ""
    criteria_set_label: str = ""


def review_for_display(*, data: dict, audience: Audience, label: str = "") -> DisplayReview:
    """A review snapshot (reviews.services.reviewing.review_snapshot) cut to what the
    audience may read, with labels in the active language."""
    hidden = _HIDDEN_SCORE_KEYS[audience]
    yes_no = dict(CriterionScore.YesNo.choices)
    groups: list[DisplayGroup] = []
    for item in data.get("scores", []):
        if not groups or groups[-1].code != item.get("group"):
            groups.append(
                DisplayGroup(
                    code=item.get("group", ""), title=item.get("group_title", ""), scores=[]
                )
            )
        if item.get("not_applicable"):
            level_label = _("Not applicable")
        elif item.get("level") is None:
            level_label = _("Not scored")
        else:
            level_label = f"{item['level']} — {item.get('descriptor', '')}".rstrip(" —")
        feedback = []
        if "feedback_clear" not in hidden:
            feedback = [
                (_("Is the criterion clear?"), str(yes_no.get(item.get("feedback_clear"), ""))),
                (
                    _("Is it applicable to this evaluation?"),
                    str(yes_no.get(item.get("feedback_applicable"), "")),
                ),
                (_("Suggested change to the criterion"), item.get("feedback_suggestion", "")),
            ]
            feedback = [(name, value) for name, value in feedback if value]
        tag = item.get("tag", "") if "tag" not in hidden else ""
        groups[-1].scores.append(
            DisplayScore(
                code=item.get("criterion", ""),
                title=item.get("title", ""),
                level_label=level_label,
                not_applicable=bool(item.get("not_applicable")),
                na_reason=item.get("na_reason", ""),
                justification=item.get("justification", ""),
                evidence=item.get("evidence", ""),
                tag_label=str(dict(CriterionScore.Tag.choices).get(tag, "")) if tag else "",
                feedback=feedback,
            )
        )
    overall = data.get("overall", {})
    hidden_overall = _HIDDEN_OVERALL_KEYS[audience]
    recommendation = "" if "recommendation" in hidden_overall else overall.get("recommendation")
    criteria_set = data.get("criteria_set") or {}
    return DisplayReview(
        label=label,
        groups=groups,
        summary=overall.get("summary", ""),
        strengths=overall.get("strengths", ""),
        main_gaps=overall.get("main_gaps", ""),
        confidence=None if "confidence" in hidden_overall else overall.get("confidence"),
        recommendation_label=(
            str(dict(Review.Recommendation.choices).get(recommendation, ""))
            if recommendation
            else ""
        ),
        criteria_set_label=(
            f"{criteria_set.get('title', '')} v{criteria_set.get('version', '')}"
            if criteria_set
            else ""
        ),
    )


def _with_submitted_data(qs: QuerySet) -> QuerySet:
    """Annotate `submitted_data`: the latest submitted snapshot. Others read that, never
    the live rows, which hold whatever the reviewer is editing before submitting again."""
    latest = ReviewVersion.objects.filter(review=OuterRef("pk")).order_by("-number")
    return qs.prefetch_related(None).annotate(
        submitted_data=Subquery(latest.values("data")[:1], output_field=JSONField())
    )


def other_reviews_shared_with_reviewer(
    *, user: User, assignment: Assignment
) -> list[DisplayReview]:
    """Other reviewers' submitted reviews per other_reviews_for_reviewer, as "Reviewer B"
    unless the workshop shows reviewer names to reviewers."""
    reviews = _with_submitted_data(other_reviews_for_reviewer(user=user, assignment=assignment))
    reviews = list(reviews.order_by("assignment__created_at", "pk"))
    if not reviews:
        return []
    labels = reviewer_labels(submission=assignment.submission)
    names_visible = assignment.workshop.reviewer_names_visible
    shared = []
    for review in reviews:
        if review.submitted_data is None:
            continue
        reviewer = review.assignment.reviewer
        label = (
            str(reviewer)
            if names_visible
            else labels.get(reviewer.pk, _("Reviewer %(letter)s") % {"letter": "?"})
        )
        shared.append(
            review_for_display(data=review.submitted_data, audience=Audience.REVIEWER, label=label)
        )
    return shared


def submission_get_for_submitter(*, code: str, user: User) -> Submission:
    """A submission of one of the user's organisations, or 404 for everyone else (staff
    included: this is the submitters' view)."""
    if not user.is_authenticated:
        raise Http404
    submission = (
        Submission.objects.filter(
            code=code,
            organisation__in=Membership.objects.filter(user=user).values("organisation"),
        )
        .select_related("workshop", "organisation")
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def reviews_shared_with_submitter(*, user: User, submission: Submission) -> list[DisplayReview]:
    """The released reviews of a submission as its submitters read them: "Reviewer A",
    never a name, without tags, criterion feedback, confidence or recommendation."""
    reviews = list(
        _with_submitted_data(
            reviews_released_to_submitter(user=user, submission=submission)
        ).select_related("assignment")
    )
    if not reviews:
        return []
    labels = reviewer_labels(submission=submission)
    return [
        review_for_display(
            data=review.submitted_data,
            audience=Audience.SUBMITTER,
            label=labels.get(review.assignment.reviewer_id, ""),
        )
        for review in reviews
        if review.submitted_data is not None
    ]


# --- bidding ------------------------------------------------------------------------------


def bidding_workshop_get(*, code: str, user: User) -> tuple[Workshop, ReviewerApplication]:
    """The workshop and the user's approved application to review it, or 404 for anyone
    who is not an active approved reviewer of it (staff included)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    application = (
        ReviewerApplication.objects.filter(
            workshop__code=code, user=user, state=ReviewerApplication.State.APPROVED
        )
        .select_related("workshop")
        .first()
    )
    if application is None:
        raise Http404
    return application.workshop, application


def _conflicted_for_bidding(user: User) -> Q:
    """Submissions hidden from the reviewer's bidding list because of a conflict of
    interest, in SQL so that pagination counts stay right.

    The same rules as reviews.selectors.conflicts (membership of the submitting
    organisation, an active tie to it or to the model's provider, unless staff dismissed
    the computed conflict; a conflict staff recorded), and as reviews.matching.bids, which
    refuses bids on exactly these pairs. A conflict the reviewer declared by bidding does
    not hide the submission: they may still change that bid.
    """
    records = ConflictRecord.objects.filter(
        submission=OuterRef("pk"), reviewer=user, revoked_at__isnull=True
    )
    ties = ReviewerTie.objects.filter(user=user, ended_at__isnull=True)
    computed = (
        Q(organisation__in=Membership.objects.filter(user=user).values("organisation_id"))
        | Q(organisation__in=ties.filter(organisation__isnull=False).values("organisation_id"))
        | Q(provider__in=ties.filter(provider__isnull=False).values("provider_id"))
    )
    dismissed = Exists(records.filter(action=ConflictRecord.Action.DISMISSED))
    recorded = Exists(records.filter(action=ConflictRecord.Action.RECORDED))
    return recorded | (computed & ~dismissed)


def submissions_for_bidding(
    *, user: User, application: ReviewerApplication, risk_area: str = ""
) -> QuerySet[Submission]:
    """The submissions an approved reviewer may bid on, in title order: eligible ones of
    the workshop, "AI Office only" ones only when cleared, none they are conflicted with
    (except by their own conflict bid)."""
    qs = Submission.objects.filter(workshop_id=application.workshop_id, state__in=REVIEWABLE_STATES)
    if not application.cleared_for_confidential:
        qs = qs.exclude(confidentiality=Submission.Confidentiality.AI_OFFICE_ONLY)
    qs = qs.exclude(_conflicted_for_bidding(user))
    if risk_area:
        qs = qs.filter(risk_areas__code=risk_area)
    return qs.order_by("title", "pk")


@dataclass(frozen=True)
class BiddingRow:
    """One submission as a bidding reviewer may see it. `organisation` and `authors` are
    empty in an anonymous workshop; the contact person is never shown here."""

    pk: int
    code: str
    title: str
    abstract: str
    risk_areas: list[str]
    methods: list[str]
    model: str
    organisation: str
    authors: list[str]
    bid: str  # a Bid.Value, or "" for no bid


def bidding_rows(*, user: User, workshop: Workshop, ids: list[int]) -> list[BiddingRow]:
    """The rows of one page of `submissions_for_bidding` (ids already checked by it), with
    the reviewer's current bids, in a constant number of queries."""
    anonymous = workshop.anonymous_review
    qs = (
        Submission.objects.filter(pk__in=ids)
        .select_related("provider")
        .prefetch_related("risk_areas", "methods")
    )
    if not anonymous:
        qs = qs.select_related("organisation").prefetch_related("authors")
    bids = dict(
        Bid.objects.filter(reviewer=user, submission_id__in=ids).values_list(
            "submission_id", "value"
        )
    )
    by_id = {submission.pk: submission for submission in qs}
    rows = []
    for pk in ids:
        submission = by_id.get(pk)
        if submission is None:
            continue
        methods = [str(m.label) for m in submission.methods.all()]
        if submission.methods_other:
            methods.append(submission.methods_other)
        model = " ".join(
            filter(
                None,
                [
                    submission.provider.name if submission.provider_id else "",
                    submission.model_name,
                    submission.model_version,
                ],
            )
        )
        rows.append(
            BiddingRow(
                pk=submission.pk,
                code=submission.code,
                title=submission.title,
                abstract=submission.abstract,
                risk_areas=[str(area.label) for area in submission.risk_areas.all()],
                methods=methods,
                model=model,
                organisation="" if anonymous else submission.organisation.name,
                authors=[]
                if anonymous
                else [
                    f"{a.name} ({a.affiliation})" if a.affiliation else a.name
                    for a in submission.authors.all()
                ],
                bid=bids.get(pk, ""),
            )
        )
    return rows
