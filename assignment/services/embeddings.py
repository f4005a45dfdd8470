"""Stored text embeddings of a workshop's texts (the optional semantic model).

Only does anything with the `semantic` extra installed (assignment.matching.semantic):
without it, TF-IDF alone scores text and nothing is embedded or queued.

A stored vector has no link to the person whose text it was computed from: it is found by
the hash of the text. The daily retention run deletes the vectors of texts that no
workshop would embed any more (edited, deleted, or of a declined applicant), and erasing
an account deletes those of the person's texts at once (privacy.services).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils import timezone

from assignment.matching import semantic
from assignment.matching.data import publication_text, submission_text
from expertise.models import Publication, TextEmbedding
from reviews.models import ReviewerApplication
from submissions.models import Submission

# Submissions whose text a run may score: submitted ones are screened into eligible ones.
EMBEDDED_SUBMISSIONS = (Submission.State.SUBMITTED, Submission.State.ELIGIBLE)
# Applicants whose documents a run may score once they are approved.
EMBEDDED_APPLICATIONS = (ReviewerApplication.State.PENDING, ReviewerApplication.State.APPROVED)
# Rows read per query, and vectors deleted per query, when the store is swept: memory and
# IN lists stay bounded with 10,000 submissions and 50,000 publications.
SWEEP_CHUNK = 2000


def _texts(submissions, applications, *, chunk_size: int | None = None) -> Iterator[str]:
    """The texts a run compares of these submissions and of these applications' people:
    titles and abstracts, publications, statements that are not blank. The one rule for
    what is embedded: the retention sweep's hashes come from it too."""

    def rows(queryset, *fields, flat=False):
        values = queryset.values_list(*fields, flat=flat)
        return values.iterator(chunk_size=chunk_size) if chunk_size else values

    for title, abstract in rows(submissions, "title", "abstract"):
        yield submission_text(title, abstract)
    publications = Publication.objects.filter(user__in=applications.values("user_id"))
    for title, abstract in rows(publications, "title", "abstract"):
        yield publication_text(title, abstract)
    for statement in rows(applications, "statement", flat=True):
        if statement and statement.strip():
            yield statement


def workshop_texts(*, workshop_id: int) -> list[str]:
    """Every text of the workshop a run may compare: its submissions' titles and
    abstracts, its applicants' publications and statements (three queries)."""
    return list(
        _texts(
            Submission.objects.filter(workshop_id=workshop_id, state__in=EMBEDDED_SUBMISSIONS),
            ReviewerApplication.objects.filter(
                workshop_id=workshop_id, state__in=EMBEDDED_APPLICATIONS
            ),
        )
    )


def workshop_texts_embed(*, workshop_id: int) -> int:
    """Embed and store every text of the workshop without a vector yet; how many were
    embedded (0 without the semantic extra)."""
    if not semantic.available():
        return 0
    return semantic.store_missing(workshop_texts(workshop_id=workshop_id))


def embedded_text_hashes() -> set[str]:
    """The hash (semantic.text_hash) of every text that some workshop's embedding would
    embed now: workshop_texts over all workshops. Texts are read in chunks and only their
    hashes kept."""
    texts = _texts(
        Submission.objects.filter(state__in=EMBEDDED_SUBMISSIONS),
        ReviewerApplication.objects.filter(state__in=EMBEDDED_APPLICATIONS),
        chunk_size=SWEEP_CHUNK,
    )
    return {semantic.text_hash(text) for text in texts}


def user_text_hashes(*, user_id: int) -> set[str]:
    """The hashes of the texts of one person that may have been embedded: their
    publications and their applications' statements, whatever the application's state (a
    statement embedded while pending stays stored after a decline)."""
    hashes = {
        semantic.text_hash(publication_text(title, abstract))
        for title, abstract in Publication.objects.filter(user_id=user_id).values_list(
            "title", "abstract"
        )
    }
    hashes.update(
        semantic.text_hash(statement)
        for statement in ReviewerApplication.objects.filter(user_id=user_id).values_list(
            "statement", flat=True
        )
        if statement and statement.strip()
    )
    return hashes


def text_embeddings_delete(*, hashes: Iterable[str]) -> int:
    """Delete the stored vectors (of any model) of these text hashes; how many.

    A text another person also has (co-authors' identical publication) loses its vector
    too: it is computed again, from that person's copy, when a run needs it."""
    hashes = sorted(set(hashes))
    deleted = 0
    for lo in range(0, len(hashes), SWEEP_CHUNK):
        part = hashes[lo : lo + SWEEP_CHUNK]
        deleted += TextEmbedding.objects.filter(text_hash__in=part).delete()[0]
    return deleted


def text_embeddings_purge_orphans() -> int:
    """Delete the stored vectors of texts that no workshop would embed any more (edited or
    deleted texts, declined applicants'); how many. Reads the store's hashes in primary
    key order, a chunk at a time, never its vectors."""
    # Vectors stored once the hashes are read are left alone: their text may have been
    # saved after the read (the next run judges them).
    started = timezone.now()
    current = embedded_text_hashes()
    deleted, last_pk = 0, 0
    while True:
        rows = list(
            TextEmbedding.objects.filter(pk__gt=last_pk, created_at__lt=started)
            .order_by("pk")
            .values_list("pk", "text_hash")[:SWEEP_CHUNK]
        )
        if not rows:
            return deleted
        last_pk = rows[-1][0]
        orphans = [pk for pk, text_hash in rows if text_hash not in current]
        if orphans:
            deleted += TextEmbedding.objects.filter(pk__in=orphans).delete()[0]
