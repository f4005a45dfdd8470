"""Vocabularies that submissions, reviewer expertise and assignment match on.

Rows are seeded by migration (0002_taxonomy) from shared/domain.md sections 1, 2 and 4;
labels are translated through LABELS, keyed by code, so a stored row never holds
language-specific text that later features would have to match on.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

LABELS = {
    # GPAI Code of Practice, Safety & Security chapter, Appendix 1.4: specified risks.
    "cbrn": _("CBRN (chemical, biological, radiological, nuclear)"),
    "loss_of_control": _("Loss of control"),
    "cyber_offence": _("Cyber offence"),
    "harmful_manipulation": _("Harmful manipulation"),
    # Appendix 1.1: other types of systemic risk.
    "public_health": _("Public health"),
    "safety": _("Safety"),
    "public_security": _("Public security"),
    "fundamental_rights": _("Fundamental rights"),
    "society": _("Society as a whole"),
    # Measure 3.2 methods, plus open-ended, agentic and automated (domain.md section 4).
    "benchmark": _("Benchmarks and Q&A sets"),
    "task_based": _("Task-based evaluations"),
    "red_teaming": _("Red-teaming and adversarial testing"),
    "human_uplift": _("Human uplift study"),
    "model_organisms": _("Model organisms"),
    "simulation": _("Simulation"),
    "open_ended": _("Open-ended testing"),
    "agentic": _("Agentic tasks"),
    "proxy": _("Proxy evaluations"),
    "automated": _("Automated evaluations"),
    "other": _("Other"),
}


class _Vocabulary(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, help_text=_("English name; shown if untranslated."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        return LABELS.get(self.code, self.name)


class RiskArea(_Vocabulary):
    class Kind(models.TextChoices):
        SPECIFIED = "specified", _("Specified systemic risk")
        OTHER_TYPE = "other_type", _("Other type of systemic risk")

    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta(_Vocabulary.Meta):
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")


class Method(_Vocabulary):
    class Meta(_Vocabulary.Meta):
        verbose_name = _("evaluation method")
        verbose_name_plural = _("evaluation methods")


class Provider(models.Model):
    """A provider of general-purpose AI models, matched for conflicts of interest."""

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("model provider")
        verbose_name_plural = _("model providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
