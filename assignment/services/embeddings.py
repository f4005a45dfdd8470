"""Stored text embeddings of a workshop's texts (the optional semantic model).

Only does anything with the `semantic` extra installed (assignment.matching.semantic):
without it, TF-IDF alone scores text and nothing is embedded or queued.
"""

from __future__ import annotations

from assignment.matching import semantic
from assignment.matching.data import publication_text, submission_text
from expertise.models import Publication
from reviews.models import ReviewerApplication
from submissions.models import Submission

# Submissions whose text a run may score: submitted ones are screened into eligible ones.
EMBEDDED_SUBMISSIONS = (Submission.State.SUBMITTED, Submission.State.ELIGIBLE)
# Applicants whose documents a run may score once they are approved.
EMBEDDED_APPLICATIONS = (ReviewerApplication.State.PENDING, ReviewerApplication.State.APPROVED)


def workshop_texts(*, workshop_id: int) -> list[str]:
    """Every text of the workshop a run may compare: its submissions' titles and
    abstracts, its applicants' publications and statements (three queries)."""
    subs = Submission.objects.filter(workshop_id=workshop_id, state__in=EMBEDDED_SUBMISSIONS)
    applications = ReviewerApplication.objects.filter(
        workshop_id=workshop_id, state__in=EMBEDDED_APPLICATIONS
    )
    texts = [
        submission_text(title, abstract)
        for title, abstract in subs.values_list("title", "abstract")
    ]
    texts += [
        publication_text(title, abstract)
        for title, abstract in Publication.objects.filter(
            user__in=applications.values("user_id")
        ).values_list("title", "abstract")
    ]
    texts += [s for s in applications.values_list("statement", flat=True) if s and s.strip()]
    return texts


def workshop_texts_embed(*, workshop_id: int) -> int:
    """Embed and store every text of the workshop without a vector yet; how many were
    embedded (0 without the semantic extra)."""
    if not semantic.available():
        return 0
    return semantic.store_missing(workshop_texts(workshop_id=workshop_id))
