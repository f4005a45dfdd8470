"""One workshop with every object the portal's URLs name, and one user per persona.

Built once per test module (see conftest.py) and rolled back at the end; every request of
the matrix runs in a savepoint that is rolled back too, so a POST never changes what the
next request sees.

Personas (the issue's list):
  anonymous            nobody signed in
  no_org               signed in, no organisation, no role
  evaluator            member of the organisation that owns the submission
  org_admin            administrator of that organisation
  other_evaluator      administrator of another organisation
  reviewer             approved reviewer, assigned to the submission (accepted)
  reviewer_unassigned  approved reviewer, not assigned
  reviewer_conflicted  approved reviewer with a declared tie to the owning organisation
  reviewer_declined    approved reviewer who declined the assignment
  reviewer_uncleared   approved reviewer assigned to an "AI Office only" submission,
                       without clearance (the assignment predates the change of
                       confidentiality)
  staff                AI Office staff with TOTP active
  staff_nomfa          AI Office staff without a second factor
  superuser            Django superuser with TOTP active, member of nothing
"""

import json
from datetime import timedelta
from types import SimpleNamespace

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assignment.models import AssignmentRun, Bid, InstanceExport, ProposedPair
from criteria.models import CriteriaSet
from imports.services import import_run_create, import_run_preview
from portal.models import Membership
from portal.services import organisations as organisation_services
from portal.services.tokens import api_token_create
from privacy.models import DataExport
from reports.models import FeedbackRemark, QuoteSelection, ReportJob
from reviews.models import (
    Assignment,
    ConflictRecord,
    ConsolidatedAssessment,
    ConsolidatedScore,
    CriterionScore,
    Review,
    ReviewerApplication,
    ReviewVersion,
    WorkshopInvitation,
)
from reviews.services.reviewing import ReviewInput, review_snapshot
from reviews.workshop_invitations import services as workshop_invitation_services
from submissions import services as submission_services
from submissions.models import Submission
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    CriterionScoreFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
    ReviewerTieFactory,
    ReviewFactory,
    SubmissionFactory,
    SubmissionFileFactory,
    UserFactory,
    WorkshopFactory,
)

PERSONAS = (
    "anonymous",
    "no_org",
    "evaluator",
    "org_admin",
    "other_evaluator",
    "reviewer",
    "reviewer_unassigned",
    "reviewer_conflicted",
    "reviewer_declined",
    "reviewer_uncleared",
    "staff",
    "staff_nomfa",
    "superuser",
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _user(email: str, name: str, **extra):
    return UserFactory(email=email, full_name=name, **extra)


def _with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    return user


def _staff_group():
    return Group.objects.get_or_create(name=settings.STAFF_GROUP_NAME)[0]


def _reviewer(workshop, email: str, name: str, **application):
    user = _user(email, name)
    ReviewerApplicationFactory(
        workshop=workshop, user=user, state=ReviewerApplication.State.APPROVED, **application
    )
    return user


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.workshop = WorkshopFactory(title="Matrix workshop")
    # A call staff hold back as a draft: nobody else may see it, or anything under it (404).
    w.draft_workshop = WorkshopFactory(title="Draft workshop", phase_override="draft")
    w.organisation = OrganisationFactory(name="Owning Lab")
    w.other_organisation = OrganisationFactory(name="Other Lab")

    # --- people -------------------------------------------------------------------------
    w.no_org = _user("noorg@example.org", "Nora Noorg")
    w.evaluator = _user("evaluator@example.org", "Erik Evaluator")
    w.evaluator_membership = MembershipFactory(
        organisation=w.organisation, user=w.evaluator, role=Membership.Role.MEMBER
    )
    w.org_admin = _user("orgadmin@example.org", "Anna Admin")
    MembershipFactory(organisation=w.organisation, user=w.org_admin, role=Membership.Role.ADMIN)
    w.other_evaluator = _user("other@example.org", "Olga Other")
    MembershipFactory(
        organisation=w.other_organisation, user=w.other_evaluator, role=Membership.Role.ADMIN
    )
    w.reviewer = _reviewer(w.workshop, "reviewer@example.org", "Rui Reviewer")
    w.reviewer_unassigned = _reviewer(w.workshop, "unassigned@example.org", "Una Unassigned")
    w.reviewer_conflicted = _reviewer(w.workshop, "conflicted@example.org", "Cora Conflicted")
    w.tie = ReviewerTieFactory(user=w.reviewer_conflicted, organisation=w.organisation)
    w.reviewer_declined = _reviewer(w.workshop, "declined@example.org", "Dan Declined")
    w.reviewer_uncleared = _reviewer(w.workshop, "uncleared@example.org", "Uli Uncleared")
    w.staff = _with_totp(_user("staff@example.org", "Sofie Staff"))
    w.staff.groups.add(_staff_group())
    w.staff_nomfa = _user("staff-nomfa@example.org", "Sam Nomfa")
    w.staff_nomfa.groups.add(_staff_group())
    w.superuser = _with_totp(
        _user("root@example.org", "Root Superuser", is_staff=True, is_superuser=True)
    )
    w.application = ReviewerApplication.objects.get(workshop=w.workshop, user=w.reviewer)
    w.unassigned_application = ReviewerApplication.objects.get(
        workshop=w.workshop, user=w.reviewer_unassigned
    )

    # --- organisation invitations ---------------------------------------------------------
    w.org_invitation = InvitationFactory(
        organisation=w.organisation, email="invitee@example.org", invited_by=w.org_admin
    )
    w.org_invitation_token = organisation_services.invitation_token(invitation=w.org_invitation)

    # --- submissions ----------------------------------------------------------------------
    w.submission = CompleteSubmissionFactory(
        workshop=w.workshop, organisation=w.organisation, contact=w.evaluator, title="Owned study"
    )
    w.file = SubmissionFileFactory(submission=w.submission)
    submission_services.submission_submit(submission=w.submission, user=w.evaluator)
    w.submission.refresh_from_db()
    w.submission.state = Submission.State.ELIGIBLE
    w.submission.save(update_fields=["state"])
    w.version_number = w.submission.versions.order_by("-number").values_list("number", flat=True)[0]
    w.draft = SubmissionFactory(
        workshop=w.workshop, organisation=w.organisation, contact=w.evaluator, title="Draft study"
    )
    w.confidential = CompleteSubmissionFactory(
        workshop=w.workshop,
        organisation=w.other_organisation,
        contact=w.other_evaluator,
        title="Confidential study",
        state=Submission.State.ELIGIBLE,
    )

    # --- criteria -------------------------------------------------------------------------
    w.criteria_set = CriteriaSet.objects.filter(workshop=w.workshop).order_by("-version").first()
    w.criteria_group = w.criteria_set.groups.order_by("position").first()
    w.criterion = w.criteria_set.criteria.order_by("position").first()

    # --- assignments and reviews ----------------------------------------------------------
    w.assignment = AssignmentFactory(
        submission=w.submission, workshop=w.workshop, reviewer=w.reviewer
    )
    w.review = ReviewFactory(assignment=w.assignment, criteria_set=w.criteria_set)
    w.score = CriterionScoreFactory(
        review=w.review, criterion=w.criterion, tag=CriterionScore.Tag.ALIGNED
    )
    w.declined_assignment = AssignmentFactory(
        submission=w.submission,
        workshop=w.workshop,
        reviewer=w.reviewer_declined,
        state=Assignment.State.DECLINED,
    )
    w.uncleared_assignment = AssignmentFactory(
        submission=w.confidential, workshop=w.workshop, reviewer=w.reviewer_uncleared
    )
    # The submission became "AI Office only" after the assignment was made.
    Submission.objects.filter(pk=w.confidential.pk).update(
        confidentiality=Submission.Confidentiality.AI_OFFICE_ONLY
    )
    w.confidential.refresh_from_db()
    w.confidential_file = SubmissionFileFactory(submission=w.confidential)

    # --- automatic assignment ------------------------------------------------------------
    w.bid = Bid.objects.create(
        workshop=w.workshop,
        submission=w.submission,
        reviewer=w.reviewer_unassigned,
        value=Bid.Value.EAGER,
    )
    w.run = AssignmentRun.objects.create(
        workshop=w.workshop,
        created_by=w.staff,
        state=AssignmentRun.State.DONE,
        finished_at=timezone.now(),
    )
    ProposedPair.objects.create(
        run=w.run,
        submission=w.submission,
        reviewer=w.reviewer_unassigned,
        origin=ProposedPair.Origin.SOLVER,
        score=0.5,
    )
    # openreview-matcher files the worker built, and some it has not built yet.
    w.instance_export = InstanceExport(
        workshop=w.workshop,
        kind=InstanceExport.Kind.MAX_LOADS,
        created_by=w.staff,
        state=InstanceExport.State.DONE,
        progress=100,
        finished_at=timezone.now(),
        file_name="max_loads.csv",
        content_type="text/csv; charset=utf-8",
    )
    w.instance_export.file.save("max_loads.csv", ContentFile(b"r@example.org,5\n"), save=True)
    w.queued_instance_export = InstanceExport.objects.create(
        workshop=w.workshop, kind=InstanceExport.Kind.SCORES, created_by=w.staff
    )

    # --- reports --------------------------------------------------------------------------
    w.summary_job = _report_job(w, ReportJob.Kind.PUBLIC_SUMMARY)
    w.feedback_job = _report_job(w, ReportJob.Kind.FEEDBACK, organisation=w.organisation)
    w.feedback_job.released_at = timezone.now()
    w.feedback_job.released_by = w.staff
    w.feedback_job.save(update_fields=["released_at", "released_by"])
    w.quote = QuoteSelection.objects.create(workshop=w.workshop, score=w.score, selected_by=w.staff)
    w.remark = FeedbackRemark.objects.create(
        workshop=w.workshop, organisation=w.organisation, remarks_md="Well documented."
    )

    # --- workshop invitations -------------------------------------------------------------
    w.workshop_invitation = WorkshopInvitation.objects.create(
        workshop=w.workshop,
        user=w.evaluator,
        kind=WorkshopInvitation.Kind.SUBMITTER,
        submission=w.submission,
        dietary_needs="Vegetarian",
        accessibility_needs="Step-free access",
        invited_by=w.staff,
    )
    w.rsvp_token = workshop_invitation_services.invitation_token(invitation=w.workshop_invitation)

    _build_review_states(w)

    # --- automatic assignment: runs in other states, a call put back to draft -------------
    now = timezone.now()
    w.published_run = AssignmentRun.objects.create(
        workshop=w.workshop,
        created_by=w.staff,
        state=AssignmentRun.State.DONE,
        finished_at=now,
        published_at=now,
        published_by=w.staff,
    )
    # A run code of another workshop (and a run under a draft one).
    w.draft_run = AssignmentRun.objects.create(
        workshop=w.draft_workshop,
        created_by=w.staff,
        state=AssignmentRun.State.DONE,
        finished_at=now,
    )
    # Staff held this call back as a draft after approving a reviewer for it.
    w.redrafted_workshop = WorkshopFactory(title="Redrafted workshop")
    ReviewerApplicationFactory(
        workshop=w.redrafted_workshop,
        user=w.reviewer_unassigned,
        state=ReviewerApplication.State.APPROVED,
    )
    w.redrafted_workshop.phase_override = "draft"
    w.redrafted_workshop.save(update_fields=["phase_override"])
    _add_report_states(w)
    _add_import_states(w)
    _add_eusurvey_states(w)
    w.api_token, _secret = api_token_create(
        user=w.evaluator, name="Evaluator's script", scopes=["submissions:read"]
    )
    _add_submission_api_states(w)
    _add_erasure_states(w)
    _add_reopen_states(w)
    _add_data_exports(w)
    _add_debate_states(w)
    _add_discussion_states(w)
    _add_consolidation_states(w)
    _add_expertise_states(w)
    return w


# --- the criteria debate: a participant (the reviewer accepted the workshop invitation) -----
def _add_debate_states(w) -> None:
    from debate.models import (  # noqa: PLC0415 -- the debate's rows only
        AgendaSession,
        Proposal,
        ProposalComment,
    )

    WorkshopInvitation.objects.create(
        workshop=w.workshop,
        user=w.reviewer,
        kind=WorkshopInvitation.Kind.REVIEWER,
        state=WorkshopInvitation.State.ACCEPTED,
        invited_by=w.staff,
    )
    w.proposal = Proposal.objects.create(
        workshop=w.workshop,
        criteria_set=w.criteria_set,
        criterion=w.criterion,
        kind=Proposal.Kind.REWORD,
        title="Clearer wording",
        proposed_text="Reported with uncertainty",
        rationale="Reviewers read it differently.",
        author=w.reviewer,
    )
    w.accepted_proposal = Proposal.objects.create(
        workshop=w.workshop,
        criteria_set=w.criteria_set,
        criterion=w.criterion,
        kind=Proposal.Kind.REWORD,
        title="Accepted wording",
        proposed_text="Reported with confidence intervals",
        rationale="Agreed in the session.",
        author=w.staff,
        outcome=Proposal.Outcome.ACCEPTED,
    )
    now = timezone.now()
    w.agenda_session = AgendaSession.objects.create(
        workshop=w.workshop,
        title="Reliability criteria",
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=1),
        room="Room A",
        chair=w.staff,
        note_taker=w.reviewer,
    )
    w.agenda_session.proposals.set([w.proposal])
    w.agenda_session.criteria.set([w.criterion])
    # The reviewer's comment on their proposal (edited once, so that it has a history).
    w.proposal_comment = ProposalComment.objects.create(
        proposal=w.proposal, author=w.reviewer, body="I would add intervals.", revision=2
    )
    w.proposal_comment.revisions.create(number=1, body="Intervals?")


# --- reviews: states the reviews rows need (added for them; nothing above changes) ---------


def _build_review_states(w) -> None:
    now = timezone.now()
    # Applications in the other states: no_org's pending one with an uploaded CV, and
    # other_evaluator's withdrawn one.
    w.pending_application = ReviewerApplicationFactory(workshop=w.workshop, user=w.no_org)
    w.pending_application.cv_file.save("cv.pdf", ContentFile(PDF), save=False)
    w.pending_application.cv_original_name = "cv.pdf"
    w.pending_application.save()
    w.withdrawn_application = ReviewerApplicationFactory(
        workshop=w.workshop,
        user=w.other_evaluator,
        state=ReviewerApplication.State.WITHDRAWN,
        withdrawn_at=now,
    )
    w.conflicted_application = ReviewerApplication.objects.get(
        workshop=w.workshop, user=w.reviewer_conflicted
    )
    w.ended_tie = ReviewerTieFactory(
        user=w.reviewer_conflicted, organisation=w.other_organisation, ended_at=now
    )
    # A conflict staff recorded (the tie already conflicts this pair): staff may revoke it.
    w.conflict_record = ConflictRecord.objects.create(
        reviewer=w.reviewer_conflicted,
        submission=w.submission,
        action=ConflictRecord.Action.RECORDED,
        reason="Co-author of the study",
        created_by=w.staff,
    )

    # The reviewer's assignment not answered yet, on another organisation's submission.
    w.unanswered_submission = CompleteSubmissionFactory(
        workshop=w.workshop,
        organisation=w.other_organisation,
        contact=w.other_evaluator,
        title="Unanswered study",
        state=Submission.State.ELIGIBLE,
    )
    w.unanswered_assignment = AssignmentFactory(
        submission=w.unanswered_submission,
        workshop=w.workshop,
        reviewer=w.reviewer,
        state=Assignment.State.ASSIGNED,
    )

    # A past call: the review deadline and the event day passed, reviews released. The
    # reviewer submitted their review of the owning organisation's study; the evaluator's
    # invitation to its workshop can no longer be answered.
    w.released_workshop = WorkshopFactory(
        title="Released workshop",
        submission_opens_at=now - timedelta(days=90),
        submission_closes_at=now - timedelta(days=60),
        review_deadline=now - timedelta(days=2),
        reviews_released_at=now - timedelta(days=1),
        event_date=(now - timedelta(days=1)).date(),
    )
    ReviewerApplicationFactory(
        workshop=w.released_workshop, user=w.reviewer, state=ReviewerApplication.State.APPROVED
    )
    w.released_submission = CompleteSubmissionFactory(
        workshop=w.released_workshop,
        organisation=w.organisation,
        contact=w.evaluator,
        title="Reviewed study",
        state=Submission.State.ELIGIBLE,
    )
    w.submitted_assignment = AssignmentFactory(
        submission=w.released_submission, workshop=w.released_workshop, reviewer=w.reviewer
    )
    w.submitted_review = ReviewFactory(
        assignment=w.submitted_assignment, state=Review.State.SUBMITTED, submitted_at=now
    )
    criteria_set = w.submitted_review.criteria_set
    ReviewVersion.objects.create(
        review=w.submitted_review,
        number=1,
        data=review_snapshot(
            review=w.submitted_review,
            criteria_set=criteria_set,
            criteria=list(criteria_set.criteria.select_related("group")),
            data=ReviewInput(summary="Released summary", confidence=4, recommendation="yes"),
            number=1,
            submitted_at=now,
        ),
    )
    w.expired_invitation = WorkshopInvitation.objects.create(
        workshop=w.released_workshop,
        user=w.evaluator,
        kind=WorkshopInvitation.Kind.SUBMITTER,
        submission=w.released_submission,
        invited_by=w.staff,
    )


# --- reports: more job states, and a workshop with a submitted review ------------------


def _add_report_states(w) -> None:
    """Jobs of the main workshop besides the released feedback and the public summary: a
    failed one (retry), a queued one (nothing to download yet) and a finished feedback
    report not yet released. A workshop of its own holds an evaluation of w.organisation
    with a submitted review, by a reviewer who is no persona: remarks are written only to
    an organisation with a reviewed evaluation, and nothing of the main workshop changes."""
    w.failed_job = ReportJob.objects.create(
        workshop=w.workshop,
        kind=ReportJob.Kind.INTERNAL_EDITION,
        params_hash="internal-failed",
        state=ReportJob.State.FAILED,
        error="Template broke.",
        finished_at=timezone.now(),
        created_by=w.staff,
    )
    w.queued_job = ReportJob.objects.create(
        workshop=w.workshop,
        kind=ReportJob.Kind.SCORES_CSV,
        params_hash="scores-queued",
        created_by=w.staff,
    )
    w.unreleased_feedback_job = _report_job(w, ReportJob.Kind.FEEDBACK, organisation=w.organisation)
    w.reports_workshop = WorkshopFactory(title="Reviewed workshop")
    reviewed = CompleteSubmissionFactory(
        workshop=w.reports_workshop,
        organisation=w.organisation,
        contact=w.evaluator,
        state=Submission.State.ELIGIBLE,
        title="Reviewed study",
    )
    ReviewFactory(
        assignment=AssignmentFactory(
            submission=reviewed,
            workshop=w.reports_workshop,
            reviewer=_user("report-reviewer@example.org", "Rita Reported"),
        ),
        state="submitted",
        submitted_at=timezone.now(),
    )


def _report_job(w, kind, *, organisation=None) -> ReportJob:
    job = ReportJob(
        workshop=w.workshop,
        kind=kind,
        organisation=organisation,
        params_hash=f"{kind}-{organisation.pk if organisation else ''}",
        state=ReportJob.State.DONE,
        progress=100,
        finished_at=timezone.now(),
        file_name=f"{kind}.pdf",
        content_type="application/pdf",
        created_by=w.staff,
    )
    job.file.save(f"{kind}.pdf", ContentFile(PDF), save=False)
    job.file_size = len(PDF)
    job.save()
    return job


def _add_import_states(w) -> None:
    """A previewed OpenReview import of the main workshop: one submission to create (no
    PDF, allowed by its options), for the staff's import pages and API."""
    note = {
        "id": "matrixNote1",
        "forum": "matrixNote1",
        "invitations": ["Matrix/-/Submission"],
        "cdate": 1767225600000,
        "content": {"title": {"value": "Imported study"}, "authors": {"value": ["I. Mported"]}},
    }
    w.import_run = import_run_preview(
        run=import_run_create(
            workshop=w.workshop,
            source="openreview",
            data_file=SimpleUploadedFile("notes.json", json.dumps([note]).encode()),
            options={"organisation": w.other_organisation.code, "without_pdf": True},
            user=w.staff,
        )
    )


# --- imports: an EU Survey run whose preview is ready (its mapping page) -------------------


def _add_eusurvey_states(w) -> None:
    from django.core.files.base import ContentFile

    from imports.models import ImportRun

    w.eusurvey_run = ImportRun(
        workshop=w.workshop,
        source=ImportRun.Source.EUSURVEY,
        target="submissions",
        data_file_name="export.csv",
        state=ImportRun.State.PREVIEWED,
        created_by=w.staff,
        preview={
            "columns": ["Contribution ID", "1. Title", "2. Abstract"],
            "mapping": {"1. Title": "title"},
            "rows": [],
            "counts": {"create": 0, "update": 0, "skip": 0, "refuse": 0},
        },
    )
    csv = "Contribution ID,1. Title,2. Abstract\r\nc-1,A title,An abstract\r\n"
    w.eusurvey_run.data_file.save("export.csv", ContentFile(csv.encode()), save=False)
    w.eusurvey_run.save()


# --- the submissions API: a file the draft's submitters may remove ------------------------


def _add_submission_api_states(w) -> None:
    w.draft_file = SubmissionFileFactory(submission=w.draft)


# --- privacy: an erasure request waiting for a decision ----------------------------------


def _add_erasure_states(w) -> None:
    from privacy.services.erasure import erasure_request_create

    w.erasure_request = erasure_request_create(user=w.no_org, reason="Leaving the field")


# --- reviews: a submitted review staff may reopen (the reports workshop's) ----------------


def _add_reopen_states(w) -> None:
    w.reopenable_assignment = Assignment.objects.select_related("submission").get(
        workshop=w.reports_workshop
    )


# --- privacy: the evaluator's data exports ----------------------------------------------


def _add_data_exports(w) -> None:
    """The evaluator's own data exports: one to download, one expired."""
    now = timezone.now()
    w.data_export = DataExport.objects.create(
        user=w.evaluator,
        state=DataExport.State.DONE,
        progress=100,
        finished_at=now,
        expires_at=now + timedelta(days=7),
    )
    w.data_export.file.save("data.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=True)
    w.expired_data_export = DataExport.objects.create(
        user=w.evaluator,
        state=DataExport.State.DONE,
        progress=100,
        finished_at=now - timedelta(days=8),
        expires_at=now - timedelta(days=1),
    )
    w.expired_data_export.file.save("data.zip", ContentFile(b"PK\x05\x06"), save=True)


def _add_discussion_states(w) -> None:
    """The reviewers' discussion: the reviewer submitted their review of the released
    study (the thread is open to them) and not yet of the owning study (it is not, under
    the default "after their own review"); a comment of theirs and one of staff for the
    AI Office only. Comments are imported here: nothing above depends on the app."""
    from discussion.models import Comment  # noqa: PLC0415 -- only this part needs it

    w.discussion_comment = Comment.objects.create(
        submission=w.released_submission, author=w.reviewer, body="I read C1 differently."
    )
    w.discussion_staff_comment = Comment.objects.create(
        submission=w.released_submission,
        author=w.staff,
        by_staff=True,
        readers=Comment.Readers.AI_OFFICE,
        body="Note for the AI Office.",
    )


def _add_consolidation_states(w) -> None:
    """A draft consolidated assessment led by the reviewer (on the owned submission), and a
    circulated one led by staff on the released submission, which the reviewer reviews."""
    w.consolidation = ConsolidatedAssessment.objects.create(
        submission=w.submission, criteria_set=w.criteria_set, lead=w.reviewer
    )
    ConsolidatedScore.objects.create(assessment=w.consolidation, criterion=w.criterion, level=1)
    w.circulated_consolidation = ConsolidatedAssessment.objects.create(
        submission=w.released_submission,
        criteria_set=w.submitted_review.criteria_set,
        lead=w.staff,
        state=ConsolidatedAssessment.State.CIRCULATED,
        circulated_at=timezone.now(),
    )


def _add_expertise_states(w) -> None:
    """A publication on the reviewer's list: theirs to edit and delete, 404 for others."""
    from expertise.models import Publication  # noqa: PLC0415 -- only this part needs it

    w.publication = Publication.objects.create(
        user=w.reviewer, title="Red-teaming at scale", year=2025, venue="Matrix Journal"
    )
