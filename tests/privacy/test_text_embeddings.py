"""Stored text embeddings (expertise.TextEmbedding) and personal data: a vector has no link
to a person, so erasure deletes those of the person's texts by their hashes, and the daily
retention run deletes those of texts no workshop would embed any more."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assignment.matching import semantic
from assignment.services import embeddings
from assignment.services.embeddings import embedded_text_hashes, workshop_texts
from expertise.models import Publication, TextEmbedding
from portal.models import AuditEvent
from privacy.services.erasure import account_pseudonymise
from privacy.services.retention import retention_apply
from reviews.models import ReviewerApplication
from submissions.models import Submission
from tests.factories import (
    CompleteSubmissionFactory,
    ReviewerApplicationFactory,
    UserFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def _store(*texts: str) -> None:
    """Vectors as the semantic model stores them (their values do not matter here)."""
    TextEmbedding.objects.bulk_create(
        TextEmbedding(
            model=semantic.MODEL_NAME,
            text_hash=semantic.text_hash(text),
            dims=semantic.DIMS,
            vector=bytes(4 * semantic.DIMS),
        )
        for text in texts
    )


def _stored() -> set[str]:
    return set(TextEmbedding.objects.values_list("text_hash", flat=True))


def _hashes(*texts: str) -> set[str]:
    return {semantic.text_hash(text) for text in texts}


@pytest.fixture
def workshop():
    return WorkshopFactory()


def _applicant(workshop, *, statement: str, state=ReviewerApplication.State.APPROVED):
    return ReviewerApplicationFactory(workshop=workshop, state=state, statement=statement).user


def test_erasure_deletes_the_vectors_of_the_persons_texts_only(workshop, staff):
    pia = _applicant(workshop, statement="Pia's statement")
    Publication.objects.create(user=pia, title="Pia's paper", abstract="On uplift")
    ola = _applicant(workshop, statement="Ola's statement")
    Publication.objects.create(user=ola, title="Ola's paper")
    _store("Pia's statement", "Pia's paper\nOn uplift", "Ola's statement", "Ola's paper")

    account_pseudonymise(user=pia, by=staff)

    assert _stored() == _hashes("Ola's statement", "Ola's paper")
    pia_application = ReviewerApplication.objects.get(user=pia)
    assert pia_application.statement == ""
    assert not Publication.objects.filter(user=pia).exists()


def test_erasure_counts_the_vectors_it_deleted(workshop, staff):
    pia = _applicant(workshop, statement="Pia's statement")
    Publication.objects.create(user=pia, title="Pia's paper")
    _store("Pia's statement", "Pia's paper", "Someone else's text")

    account_pseudonymise(user=pia, by=staff)

    event = AuditEvent.objects.get(action="account.pseudonymised")
    assert event.details["counts"]["text_embeddings_deleted"] == 2
    assert _stored() == _hashes("Someone else's text")


def test_retention_deletes_the_vector_of_an_edited_publication(workshop):
    pia = _applicant(workshop, statement="Pia's statement")
    paper = Publication.objects.create(user=pia, title="Paper", abstract="First draft")
    _store("Pia's statement", "Paper\nFirst draft")
    paper.abstract = "Second draft"
    paper.save()
    _store("Paper\nSecond draft")

    counts = retention_apply()

    assert counts["text_embeddings_purged"] == 1
    assert _stored() == _hashes("Pia's statement", "Paper\nSecond draft")
    assert retention_apply()["text_embeddings_purged"] == 0


def test_retention_keeps_exactly_what_the_workshops_would_embed(workshop):
    CompleteSubmissionFactory(
        workshop=workshop, state=Submission.State.ELIGIBLE, title="Kept", abstract="Eligible"
    )
    draft = CompleteSubmissionFactory(workshop=workshop, title="Draft", abstract="Not sent")
    Submission.objects.filter(pk=draft.pk).update(state=Submission.State.DRAFT)
    pending = _applicant(workshop, statement="Pending", state=ReviewerApplication.State.PENDING)
    Publication.objects.create(user=pending, title="Pending's paper")
    declined = _applicant(workshop, statement="Declined", state=ReviewerApplication.State.DECLINED)
    Publication.objects.create(user=declined, title="Declined's paper")
    Publication.objects.create(user=UserFactory(), title="Nobody applied")
    deleted = Publication.objects.create(user=pending, title="Deleted paper")
    _store(
        "Kept\nEligible",
        "Draft\nNot sent",
        "Pending",
        "Pending's paper",
        "Declined",
        "Declined's paper",
        "Nobody applied",
        "Deleted paper",
    )
    deleted.delete()

    counts = retention_apply()

    kept = _hashes("Kept\nEligible", "Pending", "Pending's paper")
    assert _stored() == kept
    assert counts["text_embeddings_purged"] == 5
    # The same texts, and hashed the same way, as the embedding of the workshop's texts.
    assert embedded_text_hashes() == _hashes(*workshop_texts(workshop_id=workshop.pk)) == kept


def test_retention_leaves_vectors_stored_while_it_runs(workshop):
    _store("Orphan stored earlier", "Orphan stored during the run")
    TextEmbedding.objects.filter(
        text_hash=semantic.text_hash("Orphan stored during the run")
    ).update(created_at=timezone.now() + timedelta(minutes=1))

    assert retention_apply()["text_embeddings_purged"] == 1

    assert _stored() == _hashes("Orphan stored during the run")


def test_retention_sweeps_the_store_in_chunks(workshop, monkeypatch):
    monkeypatch.setattr(embeddings, "SWEEP_CHUNK", 2)
    pia = _applicant(workshop, statement="Pia")
    texts = [f"Paper {n}" for n in range(5)]
    for text in texts:
        Publication.objects.create(user=pia, title=text)
    _store(*texts, "Pia", "Gone 1", "Gone 2", "Gone 3")

    assert embeddings.text_embeddings_purge_orphans() == 3

    assert _stored() == _hashes(*texts, "Pia")
