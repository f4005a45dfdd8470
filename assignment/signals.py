"""Signal receivers of automatic assignment, connected in AssignmentConfig.ready().

A saved submission or publication queues the embedding of its workshops' texts (the
optional semantic model; nothing happens without it), so a run finds its vectors stored.
"""

from __future__ import annotations

from django.db import transaction

from assignment.matching import semantic
from assignment.services.embeddings import EMBEDDED_APPLICATIONS, EMBEDDED_SUBMISSIONS
from assignment.tasks import task_embed_texts
from reviews.models import ReviewerApplication


def embeddings_queue(*, workshop_ids: list[int]) -> None:
    """Queue the embedding of the workshops' texts once the current transaction commits
    (nothing without the semantic extra)."""
    if not semantic.available():
        return
    for workshop_id in sorted(set(workshop_ids)):
        transaction.on_commit(lambda pk=workshop_id: task_embed_texts.delay(workshop_id=pk))


def submission_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.state not in EMBEDDED_SUBMISSIONS or not semantic.available():
        return
    embeddings_queue(workshop_ids=[instance.workshop_id])


def publication_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw or not semantic.available():
        return
    workshops = ReviewerApplication.objects.filter(
        user_id=instance.user_id, state__in=EMBEDDED_APPLICATIONS
    ).values_list("workshop_id", flat=True)
    embeddings_queue(workshop_ids=list(workshops))
