"""The criteria debate: proposals to change the criteria, their discussion and support, the
workshop agenda that schedules them, and the outcome recorded in the session."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code
from portal.models.comments import CommentRevisionBase


class Proposal(models.Model):
    """A proposed change to one criterion of a criteria-set version (or a new one)."""

    class Kind(models.TextChoices):
        REWORD = "reword", _("Reword")
        SPLIT = "split", _("Split")
        MERGE = "merge", _("Merge")
        ADD = "add", _("Add a criterion")
        DROP = "drop", _("Drop")
        ANCHOR = "anchor", _("Change a level's anchor")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        ACCEPTED_WITH_CHANGES = "accepted_with_changes", _("Accepted with changes")
        REJECTED = "rejected", _("Rejected")
        NEEDS_MORE_WORK = "needs_more_work", _("Needs more work")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="proposals"
    )
    # The version the proposal is about (the current one when it was made).
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", on_delete=models.PROTECT, related_name="proposals"
    )
    # None for "add"; for "merge", the others are in `other_criteria`.
    criterion = models.ForeignKey(
        "criteria.Criterion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    other_criteria = models.ManyToManyField(
        "criteria.Criterion", blank=True, related_name="merge_proposals"
    )
    kind = models.CharField(_("kind of change"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("summary"), max_length=200)
    # The proposed wording (title and description) or anchor text, as the proposer writes it.
    proposed_text = models.TextField(_("proposed text"), blank=True)
    # For an anchor change: the level whose descriptor changes.
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    rationale = models.TextField(_("rationale"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposals",
    )
    # A proposer is named in the public summary only with consent.
    attribution_consent = models.BooleanField(_("name me in the public summary"), default=False)
    # The evaluations and reviews that motivate it (only ones the proposer may see).
    linked_submissions = models.ManyToManyField(
        "submissions.Submission", blank=True, related_name="proposals"
    )
    linked_reviews = models.ManyToManyField("reviews.Review", blank=True, related_name="proposals")
    # Staff group duplicates under one proposal.
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Recorded by the note-taker in the session (live notes).
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(_("discussion notes"), blank=True)
    outcome_revision = models.PositiveIntegerField(default=1)  # optimistic locking
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The criteria of the next version that this proposal changed or created.
    resulting_criteria = models.ManyToManyField(
        "criteria.Criterion", blank=True, related_name="source_proposals"
    )
    # The version made from it (see debate.services.criteria_set_next_from_proposals).
    applied_in = models.ForeignKey(
        "criteria.CriteriaSet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applied_proposals",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workshop", "-created_at", "-id"])]

    def __str__(self) -> str:
        return self.title


class ProposalComment(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    # Optimistic locking of edits, as on the review form.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.body[:40]}"


class ProposalCommentRevision(CommentRevisionBase):
    """The text a proposal comment had before an edit (staff read the history)."""

    comment = models.ForeignKey(ProposalComment, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        ordering = ("comment", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "number"], name="proposal_comment_revision_unique"
            )
        ]


class ProposalStance(models.Model):
    """Support or objection, one per person and proposal (changeable)."""

    class Stance(models.TextChoices):
        SUPPORT = "support", _("Support")
        OBJECT = "object", _("Object")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="stances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_stances"
    )
    stance = models.CharField(max_length=8, choices=Stance.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_stance_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.stance}"


class AgendaSession(models.Model):
    """A session of the in-person workshop: when, where, who chairs, what is discussed."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="agenda_sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_sessions",
        verbose_name=_("chair"),
    )
    note_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("note-taker"),
    )
    criteria = models.ManyToManyField("criteria.Criterion", blank=True, related_name="+")
    proposals = models.ManyToManyField(Proposal, blank=True, related_name="agenda_sessions")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title
