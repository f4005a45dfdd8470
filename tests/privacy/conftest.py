"""A person with one of everything the inventory lists, and another person whose data must
never appear in the first one's export; and the reports' small workshop
(tests/reports/conftest.py), for the erasure tests that build its reports before and after
erasing people."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from assignment.models import AssignmentRun, Bid, InstanceExport, ProposedPair
from debate.models import AgendaSession, Proposal, ProposalComment, ProposalStance
from discussion.models import Comment, CommentRevision, ThreadReader
from expertise.models import Publication
from imports.models import ImportedRecord, ImportedReviewText, ImportRun, SurveyMapping
from portal.audit.context import set_request_id
from portal.models import Membership, OutgoingEmail, Workshop
from portal.services.audit import audit_record
from portal.services.tokens import api_token_create
from privacy.models import DataExport, ErasedAccount, ErasureRequest, RetentionWarning
from reports.models import (
    CriterionNote,
    FeedbackRemark,
    QuoteSelection,
    ReportJob,
    WorkshopSummary,
)
from reviews.models import (
    Concurrence,
    ConflictRecord,
    ConsolidatedAssessment,
    ConsolidatedScore,
    CriterionScore,
    ReminderLog,
    ReviewerApplication,
    ReviewerExpertise,
    ReviewerRating,
    ReviewerTie,
    ReviewVersion,
    WorkshopInvitation,
)
from submissions.models import Author, Method, Provider, RiskArea, Submission, SubmissionVersion
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    CriteriaSetFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
    ReviewFactory,
    SubmissionFileFactory,
    UserFactory,
    WorkshopFactory,
    make_pdf,
)
from tests.reports.conftest import (  # noqa: F401 - fixtures, used by name
    member_of,
    report_reviewers,
    report_set,
    report_submissions,
    report_workshop,
    scored_workshop,
)

CV = b"%PDF-1.4 Pia's curriculum vitae"
OTHER_REVIEW_TEXT = "Quentin thinks the elicitation was weak [other person's text]"


def _other_person(workshop, criteria_set):
    other = UserFactory(email="quentin.other@example.org", full_name="Quentin Other")
    submission = CompleteSubmissionFactory(
        workshop=workshop, contact=other, title="Quentin's own evaluation", state="eligible"
    )
    review = ReviewFactory(
        assignment=AssignmentFactory(submission=submission, reviewer=other),
        criteria_set=criteria_set,
        summary=OTHER_REVIEW_TEXT,
    )
    CriterionScore.objects.create(
        review=review,
        criterion=criteria_set.criteria.first(),
        level=1,
        justification="Quentin's justification [other person's text]",
    )
    OutgoingEmail.objects.create(
        to=[other.email], subject="For Quentin only", body="Dear Quentin [other person's mail]"
    )
    return other


@pytest.fixture
def seeded(db, settings):
    """Pia, with a row in every Source of the inventory and a value in every field."""
    now = timezone.now()
    earlier = now - timedelta(days=3)
    set_request_id("req-pia-0001")
    workshop = WorkshopFactory(title="Pia's workshop", event_date=now.date())
    criteria_set = CriteriaSetFactory(workshop=workshop)
    criterion, na_criterion = (
        criteria_set.criteria.get(code="REL-1"),
        criteria_set.criteria.get(code="ELI-2"),
    )
    organisation = OrganisationFactory(name="Pia Lab")
    provider = Provider.objects.get(name="Mistral AI")

    me = UserFactory(
        email="pia.person@example.org",
        full_name="Pia Person",
        timezone="Europe/Brussels",
        last_login=earlier,
    )
    me.groups.add(Group.objects.get(name=settings.STAFF_GROUP_NAME))
    other = _other_person(workshop, criteria_set)

    # --- account ---------------------------------------------------------------------
    EmailAddress.objects.create(user=me, email="pia.old@example.org", verified=False)
    TOTP.activate(me, generate_totp_secret())
    Authenticator.objects.filter(user=me).update(last_used_at=earlier)
    SocialAccount.objects.create(user=me, provider="openid_connect", uid="eulogin-pia-42")
    token, _secret = api_token_create(user=me, name="Pia's script", scopes=["submissions:read"])
    token.last_used_at = earlier
    token.revoked_at = now
    token.save()
    old_export = DataExport.objects.create(
        user=me,
        state=DataExport.State.DONE,
        progress=100,
        finished_at=earlier,
        expires_at=earlier + timedelta(days=7),
        file_size=1234,
    )
    old_export.file.save("data.zip", ContentFile(b"PK old"), save=True)

    # --- organisations ---------------------------------------------------------------
    MembershipFactory(organisation=organisation, user=me, role=Membership.Role.ADMIN)
    InvitationFactory(
        organisation=OrganisationFactory(name="Inviting Lab"),
        email="PIA.OLD@example.org",
        accepted_at=earlier,
    )
    InvitationFactory(
        organisation=OrganisationFactory(name="Revoking Lab"),
        email="pia.person@example.org",
        revoked_at=earlier,
    )
    InvitationFactory(
        organisation=organisation, email="colleague@example.org", invited_by=me, accepted_at=now
    )
    InvitationFactory(
        organisation=organisation, email="gone@example.org", invited_by=me, revoked_at=now
    )

    # --- submissions -----------------------------------------------------------------
    mine = CompleteSubmissionFactory(
        workshop=workshop,
        organisation=organisation,
        contact=me,
        title="Pia's uplift study",
        keywords="uplift, CBRN",
        language="da",
        methods_other="Expert elicitation",
        conflict_statement="Pia consulted for a provider in 2024.",
        state=Submission.State.WITHDRAWN,
        submitted_at=earlier,
        withdrawn_at=now,
    )
    mine.risk_areas.add(RiskArea.objects.get(code="loss_of_control"))
    mine.methods.add(Method.objects.get(code="red_teaming"))
    pia_pdf = make_pdf(title="Pia's report")
    my_file = SubmissionFileFactory(
        submission=mine,
        uploaded_by=me,
        original_name="pia report.pdf",
        content=pia_pdf,
        detached_at=now,
    )
    # A colleague's upload to Pia's submission: listed there, not copied into her export.
    SubmissionFileFactory(
        submission=mine, uploaded_by=other, original_name="colleague.pdf", content=b"%PDF-x"
    )
    SubmissionVersion.objects.create(submission=mine, number=1, created_by=me, metadata={})
    co_authored = CompleteSubmissionFactory(workshop=workshop, contact=other, title="Joint study")
    Author.objects.create(
        submission=co_authored, user=me, name="Pia P.", affiliation="Pia Lab", position=1
    )
    screened = CompleteSubmissionFactory(workshop=workshop, title="Screened by Pia")
    Submission.objects.filter(pk=screened.pk).update(screened_by=me, screened_at=now)

    # --- reviewing -------------------------------------------------------------------
    application = ReviewerApplicationFactory(
        workshop=workshop,
        user=me,
        state=ReviewerApplication.State.WITHDRAWN,
        statement="Pia has red-teamed models since 2019.",
        affiliation="Pia Lab",
        cv_link="https://example.org/pia",
        cv_original_name="pia-cv.pdf",
        cv_size=len(CV),
        languages=["en", "da"],
        max_reviews=4,
        cleared_for_confidential=True,
        decided_at=earlier,
        decision_reason="Strong CBRN background.",
        withdrawn_at=now,
    )
    application.cv_file.save("cv.pdf", ContentFile(CV), save=True)
    ReviewerExpertise.objects.create(
        application=application, risk_area=RiskArea.objects.get(code="cbrn"), level=3
    )
    ReviewerExpertise.objects.create(
        application=application, method=Method.objects.get(code="simulation"), level=1
    )
    ReviewerApplication.objects.filter(
        pk=ReviewerApplicationFactory(workshop=workshop, user=other).pk
    ).update(decided_by=me, decided_at=now, state=ReviewerApplication.State.APPROVED)
    ReviewerTie.objects.create(
        user=me,
        organisation=OrganisationFactory(name="Former Employer"),
        tie_type="employment",
        note="Until 2023",
        ended_at=earlier,
    )
    ReviewerTie.objects.create(user=me, provider=provider, tie_type="funding")

    reviewed = CompleteSubmissionFactory(
        workshop=workshop, contact=other, title="Evaluation Pia reviewed", state="eligible"
    )
    ConflictRecord.objects.create(
        reviewer=me,
        submission=screened,
        action=ConflictRecord.Action.BID,
        reason="Pia co-wrote a paper with the authors.",
        created_by=me,
        revoked_at=now,
        revoked_by=me,
    )
    Bid.objects.create(workshop=workshop, submission=reviewed, reviewer=me, value="eager")
    assignment = AssignmentFactory(
        submission=reviewed,
        reviewer=me,
        decline_reason="Declined once, then accepted.",
        deadline_override=now + timedelta(days=10),
        responded_at=earlier,
    )
    ReminderLog.objects.create(assignment=assignment, kind="before", deadline=now, sent_by=me)
    AssignmentFactory(submission=screened, reviewer=other, created_by=me)
    review = ReviewFactory(
        assignment=assignment,
        criteria_set=criteria_set,
        state="submitted",
        summary="Pia's summary of the evaluation.",
        strengths="Careful baselines.",
        main_gaps="No held-out tasks.",
        confidence=4,
        recommendation="yes",
        submitted_at=now,
    )
    score = CriterionScore.objects.create(
        review=review,
        criterion=criterion,
        level=3,
        justification="Pia's justification: confidence intervals are reported.",
        evidence="Section 4.2",
        tag="gap",
        feedback_clear="yes",
        feedback_applicable="no",
        feedback_suggestion="Split the criterion in two.",
    )
    CriterionScore.objects.create(
        review=review, criterion=na_criterion, not_applicable=True, na_reason="No mitigations."
    )
    ReviewVersion.objects.create(review=review, number=1, data={"summary": "Pia's first draft"})
    QuoteSelection.objects.create(
        workshop=workshop,
        score=score,
        selected_by=me,
        edited_text="Confidence intervals are reported.",
        edited_at=now,
        edited_by=me,
    )
    ReviewerRating.objects.create(
        workshop=workshop, reviewer=me, rating=5, note="Thorough.", rated_by=other
    )
    consolidation = ConsolidatedAssessment.objects.create(
        submission=reviewed,
        criteria_set=criteria_set,
        lead=me,
        state="final",
        circulated_at=earlier,
        finalised_at=now,
        finalised_by=other,
    )
    ConsolidatedScore.objects.create(
        assessment=consolidation,
        criterion=criterion,
        level=3,
        tag="aligned",
        synthesis="Pia's synthesis of the three reviews.",
    )
    Concurrence.objects.create(
        assessment=consolidation,
        reviewer=me,
        agrees=False,
        dissent_note="Pia's dissent: the level is one too high.",
    )
    ReviewerRating.objects.create(workshop=workshop, reviewer=other, rating=2, rated_by=me)
    comment = Comment.objects.create(
        submission=reviewed,
        author=me,
        body="I read REL-1 differently.",
        edited_at=now,
        removed_at=now,
        revision=2,
    )
    CommentRevision.objects.create(comment=comment, number=1, body="First thought.")
    ThreadReader.objects.create(
        submission=reviewed, user=me, unsubscribed_at=now, digest_sent_at=earlier
    )
    Publication.objects.create(
        user=me,
        title="Pia's paper on uplift studies",
        abstract="Pia's abstract.",
        year=2025,
        venue="Pia's venue",
        doi="10.1234/pia",
        url="https://example.org/pia",
        source=Publication.Source.BIBTEX,
    )
    Publication.objects.create(user=other, title="Someone else's paper")
    run = AssignmentRun.objects.create(
        workshop=workshop,
        created_by=me,
        state=AssignmentRun.State.DONE,
        published_at=now,
        published_by=me,
    )
    ProposedPair.objects.create(
        run=run, submission=reviewed, reviewer=me, score=0.75, why={"bid": "eager"}, kept=True
    )
    InstanceExport.objects.create(workshop=workshop, kind=InstanceExport.Kind.SCORES, created_by=me)
    ImportedReviewText.objects.create(
        workshop=workshop,
        submission=reviewed,
        source="openreview",
        signature="Org/2026/Submission1/Reviewer_pia",
        content={"review": "Pia's OpenReview text"},
        written_at=earlier,
        review=review,
    )
    ImportedRecord.objects.create(
        workshop=workshop,
        source="eusurvey",
        source_id="contribution-77",
        kind="submission",
        object_code=mine.code,
    )
    ImportedRecord.objects.create(
        workshop=workshop,
        source="eusurvey",
        source_id="contribution-78",
        kind="submission",
        object_code=reviewed.code,
    )

    # --- workshop ----------------------------------------------------------------------
    WorkshopInvitation.objects.create(
        workshop=workshop,
        user=me,
        kind="submitter",
        submission=mine,
        state="accepted",
        accessibility_needs="Step-free access, please.",
        dietary_needs="Vegetarian.",
        responded_at=now,
    )
    WorkshopInvitation.objects.create(workshop=workshop, user=other, kind="reviewer", invited_by=me)

    # --- work as staff -------------------------------------------------------------------
    ReportJob.objects.create(
        workshop=workshop,
        kind=ReportJob.Kind.FEEDBACK,
        organisation=organisation,
        params_hash="pia",
        state=ReportJob.State.DONE,
        created_by=me,
        released_at=now,
        released_by=me,
    )
    WorkshopSummary.objects.create(workshop=workshop, updated_by=me)
    CriterionNote.objects.create(workshop=workshop, criterion_code="REL-1", updated_by=me)
    FeedbackRemark.objects.create(workshop=workshop, organisation=organisation, updated_by=me)
    import_run = ImportRun(
        workshop=workshop, source="eusurvey", data_file_name="survey.csv", created_by=me
    )
    import_run.data_file.save("survey.csv", ContentFile(b"a,b\n"), save=True)
    SurveyMapping.objects.create(
        workshop=workshop,
        target="submissions",
        alias="Pia's survey",
        fingerprint="f" * 64,
        updated_by=me,
    )
    LogEntry.objects.create(
        user=me,
        content_type=ContentType.objects.get_for_model(Workshop),
        object_id=str(workshop.pk),
        object_repr="A workshop",
        action_flag=ADDITION,
        change_message="[]",
    )

    # --- the criteria debate -------------------------------------------------------------
    proposal = Proposal.objects.create(
        workshop=workshop,
        criteria_set=criteria_set,
        criterion=criterion,
        kind=Proposal.Kind.ANCHOR,
        title="Pia's anchor",
        proposed_text="Reported with intervals",
        level=3,
        rationale="Reviewers disagreed.",
        author=me,
        attribution_consent=True,
        withdrawn_at=now,
        outcome=Proposal.Outcome.REJECTED,
        decided_at=now,
        decided_by=me,
    )
    proposal_comment = ProposalComment.objects.create(
        proposal=proposal, author=me, body="Pia's comment", removed_at=now, edited_at=now
    )
    proposal_comment.revisions.create(number=1, body="Pia's first comment")
    ProposalStance.objects.create(proposal=proposal, user=me, stance=ProposalStance.Stance.SUPPORT)
    AgendaSession.objects.create(
        workshop=workshop,
        title="Pia's session",
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        room="Room 1",
        chair=me,
        note_taker=me,
    )

    # --- erasure and retention ---------------------------------------------------------
    ErasureRequest.objects.create(
        user=me,
        reason="Pia changed jobs.",
        state=ErasureRequest.State.REFUSED,
        decided_at=now,
        decided_by=other,
        decision_reason="Pia's reviews are still being discussed.",
    )
    RetentionWarning.objects.create(user=me, warned_at=earlier, erase_after=now)
    erased = UserFactory(email="erased-x@invalid", full_name="Former participant x")
    ErasureRequest.objects.create(
        user=erased, state=ErasureRequest.State.DONE, decided_at=earlier, decided_by=me
    )
    ErasedAccount.objects.create(user=erased, cause=ErasedAccount.Cause.REQUEST, erased_by=me)

    # --- mail and activity -------------------------------------------------------------
    OutgoingEmail.objects.create(
        to=["Pia.Person@example.org"], subject="Your review is due", body="Dear Pia", sent_at=now
    )
    audit_record(
        action="workshop.saved",
        obj=workshop,
        actor=me,
        changes={"title": ["Old", "Pia's workshop"]},
        details={"reason": "typo"},
    )
    yield SimpleNamespace(
        me=me,
        other=other,
        workshop=workshop,
        my_file=my_file,
        my_file_content=pia_pdf,
        application=application,
        old_export=old_export,
    )
    # The request id is a context variable: the next test starts without Pia's.
    set_request_id("")
