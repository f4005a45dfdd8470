"""Where the portal keeps personal data: every model that holds some, how a row is tied to
a person, and which of its fields a person's data export contains.

One declared list, read by the data export (privacy.exports) and checked by
tests/privacy/test_inventory.py: a model that gains a field pointing to the user model
fails that test until the field is listed here (as a `person` link of a Source, or in
NOT_EXPORTED with the reason), so that a new kind of personal data cannot be forgotten.

A row belongs to a person when one of its `person` lookups names them, or one of its
`email` fields holds one of their email addresses (invitations are sent to an address,
before any account exists). A Source exports `fields` only: never another person's
identity (no field pointing to a user is ever exported; what someone did to another
person is exported without naming that person), never a secret (password hashes, token
digests, MFA secrets) and never a file's content except the person's own uploads.

Field paths may follow foreign keys ("assignment__submission"); a foreign key is exported
as its object's name, a choice as its label, a date as ISO 8601.

DERIVED lists what is computed from a person's data and stored without a link to them,
so that no Source can find it: what it is, and how long it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Nested:
    """Rows of another model exported inside each row of a Source (a review's scores)."""

    relation: str  # the reverse accessor on the Source's row, e.g. "scores"
    model: str
    title: Promise
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    key: str
    category: str
    model: str  # "app_label.ModelName"
    title: Promise
    fields: tuple[str, ...]
    person: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    nested: tuple[Nested, ...] = ()
    # A FileField whose file (the person's own upload) goes into the ZIP under files/, and
    # the field holding the name it was uploaded with.
    file: str = ""
    file_name: str = ""
    # Rows a lookup cannot name: a function in privacy.selectors (CUSTOM_ROWS).
    custom: str = ""


CATEGORIES: dict[str, Promise] = {
    "account": _("Account and sign-in"),
    "organisations": _("Organisations"),
    "submissions": _("Submissions"),
    "reviewing": _("Reviewing"),
    "workshop": _("Workshop attendance"),
    "staff": _("Work as AI Office staff"),
    "mail": _("Emails sent to you"),
    "activity": _("Activity log"),
}

SOURCES: tuple[Source, ...] = (
    # --- account ---------------------------------------------------------------------
    Source(
        key="account",
        category="account",
        model="portal.User",
        title=_("Your account"),
        person=("pk",),
        fields=(
            "email",
            "full_name",
            "preferred_language",
            "timezone",
            "date_joined",
            "last_login",
            "is_active",
            "groups",
        ),
    ),
    Source(
        key="email_addresses",
        category="account",
        model="account.EmailAddress",
        title=_("Email addresses"),
        person=("user",),
        fields=("email", "verified", "primary"),
    ),
    Source(
        # The kind and dates only: an authenticator's `data` holds its secret.
        key="authenticators",
        category="account",
        model="mfa.Authenticator",
        title=_("Two-factor authentication"),
        person=("user",),
        fields=("type", "created_at", "last_used_at"),
    ),
    Source(
        # Not `extra_data`: what the identity provider sent may include its tokens.
        key="social_accounts",
        category="account",
        model="socialaccount.SocialAccount",
        title=_("Sign-in through EU Login or another provider"),
        person=("user",),
        fields=("provider", "uid", "date_joined", "last_login"),
    ),
    Source(
        # Never the digest of the secret.
        key="api_tokens",
        category="account",
        model="portal.ApiToken",
        title=_("API tokens"),
        person=("user",),
        fields=(
            "name",
            "prefix",
            "scopes",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ),
    ),
    Source(
        key="data_exports",
        category="account",
        model="privacy.DataExport",
        title=_("Your data exports"),
        person=("user",),
        fields=("code", "state", "created_at", "finished_at", "expires_at", "file_size"),
    ),
    Source(
        key="erasure_requests",
        category="account",
        model="privacy.ErasureRequest",
        title=_("Your requests to delete your account"),
        person=("user",),
        fields=("code", "state", "reason", "created_at", "decided_at", "decision_reason"),
    ),
    Source(
        key="retention_warnings",
        category="account",
        model="privacy.RetentionWarning",
        title=_("Warnings before deletion for inactivity"),
        person=("user",),
        fields=("warned_at", "erase_after"),
    ),
    # --- organisations -----------------------------------------------------------------
    Source(
        key="memberships",
        category="organisations",
        model="portal.Membership",
        title=_("Memberships"),
        person=("user",),
        fields=("organisation", "role", "created_at"),
    ),
    Source(
        key="invitations_received",
        category="organisations",
        model="portal.Invitation",
        title=_("Invitations to join an organisation"),
        person=("accepted_by",),
        email=("email",),
        fields=(
            "organisation",
            "email",
            "role",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ),
    ),
    Source(
        # Without the invitee's address: theirs, not yours.
        key="invitations_sent",
        category="organisations",
        model="portal.Invitation",
        title=_("Invitations you sent"),
        person=("invited_by",),
        fields=("organisation", "role", "created_at", "accepted_at", "revoked_at"),
    ),
    # --- submissions -------------------------------------------------------------------
    Source(
        key="submissions_as_contact",
        category="submissions",
        model="submissions.Submission",
        title=_("Submissions you are the contact person of"),
        person=("contact",),
        fields=(
            "code",
            "workshop",
            "organisation",
            "title",
            "state",
            "abstract",
            "keywords",
            "language",
            "model_name",
            "model_version",
            "risk_areas",
            "threat_scenario",
            "methods",
            "methods_other",
            "elicitation",
            "results_summary",
            "relevance_statement",
            "provider_ties",
            "conflict_statement",
            "created_at",
            "submitted_at",
            "withdrawn_at",
        ),
    ),
    Source(
        # Authors are rows of their own (name, affiliation), linked to an account when the
        # author has one.
        key="authorships",
        category="submissions",
        model="submissions.Author",
        title=_("Submissions you are an author of"),
        person=("user",),
        fields=("submission__code", "submission", "name", "affiliation", "position"),
    ),
    Source(
        key="submission_versions",
        category="submissions",
        model="submissions.SubmissionVersion",
        title=_("Versions you submitted"),
        person=("created_by",),
        fields=("submission__code", "submission", "number", "created_at"),
    ),
    Source(
        key="submission_files",
        category="submissions",
        model="submissions.SubmissionFile",
        title=_("Files you uploaded"),
        person=("uploaded_by",),
        fields=(
            "code",
            "submission",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "detached_at",
        ),
        file="file",
        file_name="original_name",
    ),
    Source(
        key="submissions_screened",
        category="staff",
        model="submissions.Submission",
        title=_("Submissions you screened"),
        person=("screened_by",),
        fields=("code", "workshop", "title", "state", "screened_at"),
    ),
    # --- reviewing ---------------------------------------------------------------------
    Source(
        key="reviewer_applications",
        category="reviewing",
        model="reviews.ReviewerApplication",
        title=_("Applications to review"),
        person=("user",),
        fields=(
            "code",
            "workshop",
            "state",
            "statement",
            "affiliation",
            "cv_link",
            "cv_original_name",
            "cv_size",
            "languages",
            "max_reviews",
            "cleared_for_confidential",
            "decided_at",
            "decision_reason",
            "withdrawn_at",
            "created_at",
            "updated_at",
        ),
        nested=(
            Nested(
                relation="expertise",
                model="reviews.ReviewerExpertise",
                title=_("Expertise"),
                fields=("risk_area", "method", "level"),
            ),
        ),
        file="cv_file",
        file_name="cv_original_name",
    ),
    Source(
        key="reviewer_ties",
        category="reviewing",
        model="reviews.ReviewerTie",
        title=_("Ties you declared"),
        person=("user",),
        fields=("organisation", "provider", "tie_type", "note", "created_at", "ended_at"),
    ),
    Source(
        key="conflicts",
        category="reviewing",
        model="reviews.ConflictRecord",
        title=_("Conflicts of interest recorded about you"),
        person=("reviewer",),
        fields=("submission__code", "submission", "action", "reason", "created_at", "revoked_at"),
    ),
    Source(
        key="bids",
        category="reviewing",
        model="assignment.Bid",
        title=_("Bids"),
        person=("reviewer",),
        fields=("workshop", "submission__code", "submission", "value", "updated_at"),
    ),
    Source(
        key="assignments",
        category="reviewing",
        model="reviews.Assignment",
        title=_("Review assignments"),
        person=("reviewer",),
        fields=(
            "code",
            "workshop",
            "submission__code",
            "submission",
            "state",
            "source",
            "decline_reason",
            "deadline_override",
            "created_at",
            "responded_at",
        ),
        nested=(
            Nested(
                relation="reminders",
                model="reviews.ReminderLog",
                title=_("Reminders sent to you"),
                fields=("kind", "deadline", "sent_at"),
            ),
        ),
    ),
    Source(
        key="reviews",
        category="reviewing",
        model="reviews.Review",
        title=_("Reviews you wrote"),
        person=("assignment__reviewer",),
        fields=(
            "code",
            "assignment__submission__code",
            "assignment__submission",
            "criteria_set",
            "state",
            "summary",
            "strengths",
            "main_gaps",
            "confidence",
            "recommendation",
            "created_at",
            "updated_at",
            "submitted_at",
        ),
        nested=(
            Nested(
                relation="scores",
                model="reviews.CriterionScore",
                title=_("Scores"),
                fields=(
                    "criterion",
                    "level",
                    "not_applicable",
                    "na_reason",
                    "justification",
                    "evidence",
                    "tag",
                    "feedback_clear",
                    "feedback_applicable",
                    "feedback_suggestion",
                ),
            ),
            Nested(
                relation="versions",
                model="reviews.ReviewVersion",
                title=_("Submitted versions"),
                fields=("number", "created_at", "data"),
            ),
        ),
    ),
    Source(
        key="consolidations_led",
        category="reviewing",
        model="reviews.ConsolidatedAssessment",
        title=_("Consolidated assessments you led"),
        person=("lead",),
        fields=(
            "code",
            "submission__code",
            "submission",
            "criteria_set",
            "state",
            "circulated_at",
            "finalised_at",
            "created_at",
            "updated_at",
        ),
        nested=(
            Nested(
                relation="scores",
                model="reviews.ConsolidatedScore",
                title=_("Consolidated scores"),
                fields=("criterion", "level", "tag", "synthesis"),
            ),
        ),
    ),
    Source(
        key="concurrences",
        category="reviewing",
        model="reviews.Concurrence",
        title=_("Your answers to consolidated assessments"),
        person=("reviewer",),
        fields=(
            "assessment__code",
            "assessment__submission__code",
            "agrees",
            "dissent_note",
            "created_at",
            "updated_at",
        ),
    ),
    Source(
        key="quotes",
        category="reviewing",
        model="reports.QuoteSelection",
        title=_("Your justifications quoted in a workshop summary"),
        person=("score__review__assignment__reviewer",),
        fields=("workshop", "score__criterion", "edited_text", "selected_at"),
    ),
    Source(
        key="ratings",
        category="reviewing",
        model="reviews.ReviewerRating",
        title=_("Ratings of your reviewing by AI Office staff"),
        person=("reviewer",),
        fields=("workshop", "rating", "note", "updated_at"),
    ),
    Source(
        key="discussion_comments",
        category="reviewing",
        model="discussion.Comment",
        title=_("Your comments in reviewers' discussions"),
        person=("author",),
        fields=(
            "submission__code",
            "submission",
            "readers",
            "body",
            "created_at",
            "edited_at",
            "removed_at",
        ),
        nested=(
            Nested(
                relation="revisions",
                model="discussion.CommentRevision",
                title=_("Earlier versions"),
                fields=("number", "body", "created_at"),
            ),
        ),
    ),
    Source(
        key="publications",
        category="reviewing",
        model="expertise.Publication",
        title=_("Your publications and evaluations listed for reviewer matching"),
        person=("user",),
        fields=("kind", "title", "abstract", "year", "venue", "doi", "url", "source", "created_at"),
    ),
    Source(
        key="discussion_subscriptions",
        category="reviewing",
        model="discussion.ThreadReader",
        title=_("Your email settings for reviewers' discussions"),
        person=("user",),
        fields=("submission__code", "submission", "unsubscribed_at"),
    ),
    Source(
        key="proposed_pairs",
        category="reviewing",
        model="assignment.ProposedPair",
        title=_("Automatic assignment proposals naming you"),
        person=("reviewer",),
        fields=("run__code", "submission__code", "submission", "score", "why", "origin", "kept"),
    ),
    Source(
        # Reviews from an earlier platform, written under the placeholder account of an
        # anonymous signature (imports.sources.openreview).
        key="imported_review_texts",
        category="reviewing",
        model="imports.ImportedReviewText",
        title=_("Imported reviews"),
        person=("review__assignment__reviewer",),
        fields=("code", "submission", "signature", "content", "written_at"),
    ),
    Source(
        key="import_records",
        category="activity",
        model="imports.ImportedRecord",
        title=_("Records imported from earlier platforms about you"),
        custom="import_records",
        fields=("source", "source_id", "kind", "object_code", "updated_at"),
    ),
    # --- workshop ----------------------------------------------------------------------
    Source(
        key="workshop_invitations",
        category="workshop",
        model="reviews.WorkshopInvitation",
        title=_("Invitations to the workshop and your answers"),
        person=("user",),
        fields=(
            "code",
            "workshop",
            "kind",
            "submission",
            "state",
            "accessibility_needs",
            "dietary_needs",
            "created_at",
            "responded_at",
        ),
    ),
    # --- work as staff (without the people it was about) ------------------------------
    Source(
        key="workshop_invitations_sent",
        category="staff",
        model="reviews.WorkshopInvitation",
        title=_("Workshop invitations you sent"),
        person=("invited_by",),
        fields=("workshop", "kind", "created_at"),
    ),
    Source(
        key="applications_decided",
        category="staff",
        model="reviews.ReviewerApplication",
        title=_("Reviewer applications you decided"),
        person=("decided_by",),
        fields=("code", "workshop", "state", "decided_at"),
    ),
    Source(
        key="conflicts_decided",
        category="staff",
        model="reviews.ConflictRecord",
        title=_("Conflict decisions you recorded or revoked"),
        person=("created_by", "revoked_by"),
        fields=("submission__code", "action", "created_at", "revoked_at"),
    ),
    Source(
        key="assignments_made",
        category="staff",
        model="reviews.Assignment",
        title=_("Review assignments you made"),
        person=("created_by",),
        fields=("code", "workshop", "submission__code", "created_at"),
    ),
    Source(
        key="reminders_sent",
        category="staff",
        model="reviews.ReminderLog",
        title=_("Review reminders you sent"),
        person=("sent_by",),
        fields=("kind", "deadline", "sent_at"),
    ),
    Source(
        key="ratings_given",
        category="staff",
        model="reviews.ReviewerRating",
        title=_("Ratings you gave"),
        person=("rated_by",),
        fields=("workshop", "rating", "updated_at"),
    ),
    Source(
        key="assignment_runs",
        category="staff",
        model="assignment.AssignmentRun",
        title=_("Automatic assignment runs you started or published"),
        person=("created_by", "published_by"),
        fields=("code", "workshop", "state", "created_at", "published_at"),
    ),
    Source(
        key="instance_exports",
        category="staff",
        model="assignment.InstanceExport",
        title=_("Matcher files you asked for"),
        person=("created_by",),
        fields=("code", "workshop", "kind", "created_at"),
    ),
    Source(
        key="report_jobs",
        category="staff",
        model="reports.ReportJob",
        title=_("Reports you generated or released"),
        person=("created_by", "released_by"),
        fields=("code", "workshop", "kind", "created_at", "released_at"),
    ),
    Source(
        key="summaries_edited",
        category="staff",
        model="reports.WorkshopSummary",
        title=_("Workshop summaries you edited"),
        person=("updated_by",),
        fields=("workshop", "updated_at"),
    ),
    Source(
        key="criterion_notes_edited",
        category="staff",
        model="reports.CriterionNote",
        title=_("Criterion notes you edited"),
        person=("updated_by",),
        fields=("workshop", "criterion_code", "updated_at"),
    ),
    Source(
        key="quotes_chosen",
        category="staff",
        model="reports.QuoteSelection",
        title=_("Quotes you chose or edited"),
        person=("selected_by", "edited_by"),
        fields=("code", "workshop", "selected_at", "edited_at"),
    ),
    Source(
        key="feedback_remarks_edited",
        category="staff",
        model="reports.FeedbackRemark",
        title=_("Feedback remarks you edited"),
        person=("updated_by",),
        fields=("workshop", "organisation", "updated_at"),
    ),
    Source(
        key="criteria_proposals",
        category="workshop",
        model="debate.Proposal",
        title=_("Your proposals to change the criteria"),
        person=("author",),
        fields=(
            "code",
            "workshop",
            "kind",
            "title",
            "proposed_text",
            "level",
            "rationale",
            "attribution_consent",
            "created_at",
            "withdrawn_at",
            "outcome",
        ),
    ),
    Source(
        key="proposal_comments",
        category="workshop",
        model="debate.ProposalComment",
        title=_("Your comments on proposals to change the criteria"),
        person=("author",),
        fields=("code", "proposal__code", "body", "created_at", "edited_at", "removed_at"),
        nested=(
            Nested(
                relation="revisions",
                model="debate.ProposalCommentRevision",
                title=_("Earlier versions"),
                fields=("number", "body", "created_at"),
            ),
        ),
    ),
    Source(
        key="proposal_stances",
        category="workshop",
        model="debate.ProposalStance",
        title=_("Your support or objection to proposals"),
        person=("user",),
        fields=("proposal__code", "stance", "created_at"),
    ),
    Source(
        key="proposal_outcomes_recorded",
        category="staff",
        model="debate.Proposal",
        title=_("Outcomes of proposals you recorded"),
        person=("decided_by",),
        fields=("code", "workshop", "outcome", "decided_at"),
    ),
    Source(
        key="agenda_sessions",
        category="staff",
        model="debate.AgendaSession",
        title=_("Workshop sessions you chair or take notes in"),
        person=("chair", "note_taker"),
        fields=("code", "workshop", "title", "starts_at", "ends_at", "room"),
    ),
    Source(
        key="import_runs",
        category="staff",
        model="imports.ImportRun",
        title=_("Imports you ran"),
        person=("created_by",),
        fields=("code", "workshop", "source", "target", "data_file_name", "created_at"),
    ),
    Source(
        key="survey_mappings",
        category="staff",
        model="imports.SurveyMapping",
        title=_("Survey mappings you saved"),
        person=("updated_by",),
        fields=("workshop", "alias", "target", "updated_at"),
    ),
    Source(
        # What was changed, not its name (object_repr may name someone else).
        key="admin_log",
        category="staff",
        model="admin.LogEntry",
        title=_("Changes you made in the administration site"),
        person=("user",),
        fields=("action_time", "action_flag", "content_type", "object_id"),
    ),
    # --- mail and activity ---------------------------------------------------------------
    Source(
        # The outbox: kept OUTGOING_EMAIL_RETENTION_DAYS after sending (or after writing,
        # for an email the flush gave up on), then deleted by the daily retention run.
        key="emails",
        category="mail",
        model="portal.OutgoingEmail",
        title=_("Emails sent to you"),
        custom="emails",
        fields=("subject", "body", "created_at", "sent_at"),
    ),
    Source(
        key="erasure_decisions",
        category="staff",
        model="privacy.ErasureRequest",
        title=_("Erasure requests you decided"),
        person=("decided_by",),
        fields=("code", "state", "decided_at"),
    ),
    Source(
        key="erasures_carried_out",
        category="staff",
        model="privacy.ErasedAccount",
        title=_("Accounts you erased"),
        person=("erased_by",),
        fields=("code", "cause", "erased_at"),
    ),
    Source(
        key="audit_events",
        category="activity",
        model="portal.AuditEvent",
        title=_("Things you did, as recorded in the audit log"),
        person=("actor",),
        fields=(
            "created_at",
            "action",
            "object_type",
            "object_code",
            "workshop",
            "changes",
            "details",
            "request_id",
        ),
    ),
)

# Fields pointing to a person that no Source follows, and why.
NOT_EXPORTED: dict[tuple[str, str], str] = {
    ("privacy.ErasedAccount", "user"): (
        "an erased account cannot sign in to ask for its data; the row keeps only the "
        "pseudonym's code"
    ),
    ("portal.Organisation", "members"): "the same rows as portal.Membership (memberships)",
    ("reviews.ConsolidatedAssessment", "finalised_by"): "staff's decision, not about them",
}


@dataclass(frozen=True)
class Derived:
    model: str
    what: str
    retention: str


DERIVED: tuple[Derived, ...] = (
    Derived(
        model="expertise.TextEmbedding",
        what=(
            "Vectors of the optional semantic model (assignment.matching.semantic), one per "
            "text: submissions' titles and abstracts, reviewers' publications and "
            "application statements. Keyed by the model's name and the SHA-256 of the "
            "exact text; no link to the person, so not in the data export (384 numbers "
            "that say nothing read on their own)."
        ),
        retention=(
            "Erasing an account deletes the vectors of the person's publications and "
            "statements at once (by their hashes). The daily retention run deletes every "
            "vector whose text no workshop would embed any more: edited or deleted texts, "
            "drafts, declined or withdrawn applicants' "
            "(assignment.services.embeddings.text_embeddings_purge_orphans)."
        ),
    ),
)


def sources_by_key() -> dict[str, Source]:
    return {source.key: source for source in SOURCES}
