import hashlib
import io

import factory
from django.core.files.base import ContentFile

from submissions.models import Author, Method, Provider, RiskArea, Submission, SubmissionFile

from .core import OrganisationFactory, UserFactory, WorkshopFactory


def make_pdf(*, pages: int = 1, title: str | None = None, author: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    metadata = {}
    if title:
        metadata["/Title"] = title
    if author:
        metadata["/Author"] = author
    if metadata:
        writer.add_metadata(metadata)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission
        skip_postgeneration_save = True

    workshop = factory.SubFactory(WorkshopFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    contact = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Evaluation {n}")


class CompleteSubmissionFactory(SubmissionFactory):
    """Every field needed to submit, and a main PDF."""

    abstract = "We measure uplift on a set of wet-lab troubleshooting tasks."
    provider = factory.LazyFunction(lambda: Provider.objects.get(name="Mistral AI"))
    model_name = "Model X"
    model_version = "2026-09-01"
    version_type = Submission.VersionType.WITH_MITIGATIONS
    release_channel = Submission.ReleaseChannel.API
    access_level = Submission.AccessLevel.BLACK_BOX
    threat_scenario = "A novice actor seeks step-by-step help."
    elicitation = "Agent scaffold with tools; pass@5."
    stage = Submission.Stage.PRE_DEPLOYMENT
    results_summary = "Uplift of 12 points (95% CI 8-16)."
    artefacts = Submission.Artefacts.ON_REQUEST
    confidentiality = Submission.Confidentiality.REVIEWERS
    summary_consent = Submission.Consent.ANONYMISED
    relevance_statement = "Bears on the CBRN specified risk."
    provider_ties = factory.LazyFunction(lambda: ["none"])

    @factory.post_generation
    def complete(self, create, extracted, **kwargs):
        if not create:
            return
        self.risk_areas.set(RiskArea.objects.filter(code="cbrn"))
        self.methods.set(Method.objects.filter(code="human_uplift"))
        Author.objects.create(submission=self, name="Ada Author", affiliation="Lab")
        SubmissionFileFactory(submission=self)


class SubmissionFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubmissionFile
        exclude = ["content"]

    submission = factory.SubFactory(SubmissionFactory)
    kind = SubmissionFile.Kind.MAIN
    content = factory.LazyFunction(make_pdf)
    original_name = "report.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name="report.pdf"))
