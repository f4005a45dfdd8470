"""What erasure does to a person's data, as data.

Erasure is pseudonymisation (privacy.services.erasure.account_pseudonymise): the account
row stays, under a pseudonym, so that every figure already built from what the person did
(submitted reviews and scores, bids, conflicts, assignments) is the same afterwards; what
identifies the person is replaced (PSEUDONYMISED), deleted (DELETED), or, where a record
must stay, kept attributed to the pseudonym (KEPT, with the reason). The three tables are
read by the service and cross-checked by tests: every relation of another model to the
account is named in one of them, so a new model holding a person's data cannot be
forgotten. The inventory of personal data (privacy.inventory) lists the same fields.

Owners are lookups from a row to the person: a foreign key path to the account, or
`BY_ADDRESS` for rows that hold the person's email address rather than their account.
"""

from dataclasses import dataclass, field

# Rows that name the person by email address (an invitation to an organisation).
BY_ADDRESS = "email__iexact"


@dataclass(frozen=True)
class Pseudonym:
    """A replacement built from the erased account's code (ErasedAccount.code)."""

    template: str

    def for_code(self, code: str) -> str:
        return self.template.format(code=code)


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


# The account's address and name. Not translated: stored, and read by everyone alike.
PSEUDONYM_EMAIL = Pseudonym("erased-{code}@invalid")
PSEUDONYM_NAME = Pseudonym("Former participant {code}")
# A password nobody knows (Django's unusable password).
UNUSABLE_PASSWORD = _Marker("UNUSABLE_PASSWORD")
# A file field: the stored file is deleted (once the transaction commits), the field emptied.
STORED_FILE_DELETED = _Marker("STORED_FILE_DELETED")


@dataclass(frozen=True)
class Replaced:
    owner: str
    fields: dict[str, object]


@dataclass(frozen=True)
class Deleted:
    owner: str
    # Only the rows that also match these (e.g. invitations still open).
    where: dict[str, object] = field(default_factory=dict)


# model -> (owner, {field: replacement}). Applied in this order.
PSEUDONYMISED: dict[str, Replaced] = {
    "portal.User": Replaced(
        "pk",
        {
            "email": PSEUDONYM_EMAIL,
            "full_name": PSEUDONYM_NAME,
            "password": UNUSABLE_PASSWORD,
            "is_active": False,
            "is_staff": False,
            "is_superuser": False,
        },
    ),
    # The statement, affiliation, CV and languages describe the person; the application's
    # state, maximum load and clearance stay (they explain assignments already made).
    "reviews.ReviewerApplication": Replaced(
        "user",
        {
            "statement": "",
            "affiliation": "",
            "cv_link": "",
            "cv_file": STORED_FILE_DELETED,
            "cv_original_name": "",
            "cv_size": None,
            "cv_sha256": "",
            "languages": [],
        },
    ),
    # The tie (organisation or provider, type, dates) stays: it explains conflict decisions.
    "reviews.ReviewerTie": Replaced("user", {"note": ""}),
    # A proposal stays in the debate's record under the pseudonym; the public summary no
    # longer names its author.
    "debate.Proposal": Replaced("author", {"attribution_consent": False}),
    # Health-related and dietary needs for the event.
    "reviews.WorkshopInvitation": Replaced(
        "user", {"accessibility_needs": "", "dietary_needs": ""}
    ),
    "reviews.Assignment": Replaced("reviewer", {"decline_reason": ""}),
    # Staff's note about the person; the rating itself stays (a figure of the data export).
    "reviews.ReviewerRating": Replaced("reviewer", {"note": ""}),
    # Invitations to an organisation already accepted or revoked: the organisation's
    # history stays, without the address (open ones are deleted, below).
    "portal.Invitation": Replaced(BY_ADDRESS, {"email": PSEUDONYM_EMAIL}),
    # The person's own words when asking for erasure.
    "privacy.ErasureRequest": Replaced("user", {"reason": ""}),
}

# model -> owner (and filter): rows deleted, with any stored files.
DELETED: dict[str, Deleted] = {
    # Addresses, second factors, linked EU Login accounts, API tokens: how the account
    # signs in. Sessions are deleted too (privacy.services.erasure, by their content).
    "account.EmailAddress": Deleted("user"),
    "mfa.Authenticator": Deleted("user"),
    "socialaccount.SocialAccount": Deleted("user"),
    "portal.ApiToken": Deleted("user"),
    "portal.Membership": Deleted("user"),
    "portal.Invitation": Deleted(
        BY_ADDRESS, {"accepted_at__isnull": True, "revoked_at__isnull": True}
    ),
    # The self-assessed expertise profile: no figure of a report reads it.
    "reviews.ReviewerExpertise": Deleted("application__user"),
    # Reviews never submitted: no figure counts them. A review that was submitted and is
    # being revised (it has versions) stays.
    "reviews.Review": Deleted("assignment__reviewer", {"state": "draft", "versions__isnull": True}),
    # Whether the person wanted the discussion digest, and when they last had one.
    "discussion.ThreadReader": Deleted("user"),
    # What the person has written, listed to match them with evaluations: no report uses it.
    "expertise.Publication": Deleted("user"),
    "privacy.RetentionWarning": Deleted("user"),
    # The person's data exports (files included): made for them, of no use to anyone else.
    "privacy.DataExport": Deleted("user"),
}

# "model.field" (a relation to the account) -> why the rows stay, attributed to the
# pseudonymised account.
KEPT: dict[str, str] = {
    "portal.AuditEvent.actor": "The audit log is append-only; it holds account ids, never "
    "names or addresses, and shows the pseudonym.",
    "portal.Invitation.invited_by": "Who invited whom to an organisation: the organisation's "
    "record.",
    "portal.Invitation.accepted_by": "As above.",
    "submissions.Submission.contact": "Drafts of an organisation the person is the only "
    "member of are deleted with their files; any other submission stays the organisation's, "
    "its contact handed to another member where there is one.",
    "submissions.Submission.screened_by": "Staff's screening decision.",
    "submissions.Author.user": "Authorship of a submitted evaluation stays as submitted (its "
    "versions are frozen); on a draft kept for its organisation, the person's authorship is "
    "removed.",
    "submissions.SubmissionVersion.created_by": "Who submitted a version: the record of the "
    "evaluation.",
    "submissions.SubmissionFile.uploaded_by": "Who uploaded a file of a kept submission.",
    "reviews.ReviewerApplication.decided_by": "Staff's decision.",
    "reviews.WorkshopInvitation.invited_by": "Staff's invitation.",
    "reviews.ConflictRecord.reviewer": "Conflicts of interest explain past assignments.",
    "reviews.ConflictRecord.created_by": "Staff's decision.",
    "reviews.ConflictRecord.revoked_by": "Staff's decision.",
    "reviews.Assignment.created_by": "Staff's decision.",
    "reviews.ReminderLog.sent_by": "Staff's reminder.",
    "reviews.ReviewerRating.rated_by": "Staff's rating.",
    "reviews.ConsolidatedAssessment.lead": "The consolidated assessment stays what the "
    "submitters were shown; its lead is shown as the pseudonym.",
    "reviews.ConsolidatedAssessment.finalised_by": "Staff's decision.",
    "reviews.Concurrence.reviewer": "A reviewer's answer to a consolidated assessment is part "
    "of its record, like a submitted review.",
    "assignment.Bid.reviewer": "Bids fed assignment runs whose results stay.",
    "assignment.AssignmentRun.created_by": "Staff's run.",
    "assignment.AssignmentRun.published_by": "Staff's run.",
    "assignment.ProposedPair.reviewer": "A run's proposal as it was computed.",
    "assignment.InstanceExport.created_by": "Staff's export of the call's matcher files.",
    "imports.ImportRun.created_by": "Staff's import.",
    "imports.SurveyMapping.updated_by": "Staff's mapping.",
    "reports.ReportJob.created_by": "Staff's report.",
    "reports.ReportJob.released_by": "Staff's release.",
    "reports.WorkshopSummary.updated_by": "Staff's text.",
    "reports.CriterionNote.updated_by": "Staff's text.",
    "reports.QuoteSelection.selected_by": "Staff's choice.",
    "reports.QuoteSelection.edited_by": "Staff's edit.",
    "reports.FeedbackRemark.updated_by": "Staff's text.",
    "debate.Proposal.decided_by": "Staff's record of the session's outcome.",
    "debate.ProposalComment.author": "Comments are part of the debate's record; they show the "
    "pseudonym.",
    "debate.ProposalStance.user": "Support and objection counts stay as they were.",
    "debate.AgendaSession.chair": "Staff's agenda.",
    "debate.AgendaSession.note_taker": "Staff's agenda.",
    "discussion.Comment.author": "The reviewers' discussion of an evaluation stays as "
    "written, as submitted reviews do, attributed to the pseudonym.",
    "admin.LogEntry.user": "The Django admin's own log of what an administrator changed.",
    "privacy.ErasedAccount.user": "The record that the account was erased, and why.",
    "privacy.ErasedAccount.erased_by": "Who erased an account.",
    "privacy.ErasureRequest.decided_by": "Staff's decision.",
}
# Submitted reviews and their scores, assignments and the like are kept through their
# relation to a kept row (Review -> Assignment.reviewer): they count in every figure.
