"""What reviewers have written (publications and evaluations), and the text embeddings the
optional semantic model computes for affinity.

A publication belongs to the person, not to one call: it serves every application they
make. Embeddings are keyed by the model and a hash of the exact text, so an edited text
gets a new embedding and an unchanged one is never computed twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code


class Publication(models.Model):
    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Publication")
        EVALUATION = "evaluation", _("Evaluation report")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        BIBTEX = "bibtex", _("BibTeX file")
        ORCID = "orcid", _("ORCID record")
        DBLP = "dblp", _("DBLP export")
        OPENREVIEW = "openreview", _("OpenReview profile")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="publications"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.PUBLICATION
    )
    title = models.CharField(_("title"), max_length=500)
    abstract = models.TextField(_("abstract"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "title", "pk"]
        indexes = [models.Index(fields=["user", "-year"])]

    def __str__(self) -> str:
        return self.title

    @property
    def text(self) -> str:
        return publication_text(self.title, self.abstract)


def publication_text(title: str, abstract: str) -> str:
    """What affinity compares of a publication, and whose hash keys its stored vector: the
    title and the abstract."""
    return f"{title}\n{abstract}".strip()


class TextEmbedding(models.Model):
    """One text's vector under one model: float32, little-endian, `dims` values."""

    model = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64)  # sha256 hex of the exact text
    dims = models.PositiveSmallIntegerField()
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "text_hash"], name="one_embedding_per_text")
        ]

    def __str__(self) -> str:
        return f"{self.model}:{self.text_hash[:12]}"
