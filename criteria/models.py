"""Versioned criteria sets: what reviewers score evaluations against.

A set belongs to a workshop. Once the first review against a version is submitted, that
version is frozen: editing it creates the next version, and every score keeps pointing at
the criterion (and so the version) it was given under.
"""

import hashlib
import json
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code


class CriteriaSet(models.Model):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="criteria_sets"
    )
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["workshop", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "version"], name="unique_set_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def save(self, *args, **kwargs):
        _refuse_localised(self)
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def edit_token(self) -> str:
        """What the editor's form of the title and description started from: a save from
        a form whose token differs would overwrite someone else's change."""
        return text_digest({"title": self.title, "description": self.description})

    def source_digest(self) -> str:
        """The English text a translation was made from, as a short fingerprint."""
        return text_digest({"title": self.title, "description": self.description})


def text_digest(texts: dict) -> str:
    encoded = json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def _refuse_localised(obj) -> None:
    # criteria.localisation replaces the English texts of instances shown to readers by
    # their translation: such an instance must never be written back as the source.
    if getattr(obj, "text_language", None) not in (None, "en"):
        raise RuntimeError(f"{obj!r} carries translated texts and cannot be saved")


class CriterionGroup(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="unique_group_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        _refuse_localised(self)
        super().save(*args, **kwargs)

    def source_digest(self) -> str:
        """The English text a translation was made from, as a short fingerprint."""
        return text_digest({"title": self.title})

    def edit_token(self) -> str:
        """What the group's form started from (see CriteriaSet.edit_token)."""
        return text_digest({"code": self.code, "title": self.title})


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    group = models.ForeignKey(CriterionGroup, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    guidance = models.TextField(_("guidance for reviewers"), blank=True)
    # Where the criterion comes from (source tags, Code of Practice measures): reviewers and
    # staff see it next to the guidance, so a proposal is never mistaken for official text.
    sources = models.TextField(_("sources"), blank=True)
    # [{"level": 0, "descriptor": "Absent"}, ...] in ascending order.
    levels = models.JSONField(_("levels"), default=list)
    allow_na = models.BooleanField(_("N/A allowed"), default=False)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=1)
    justification_required = models.BooleanField(_("justification required"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "group__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="unique_criterion_code"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        _refuse_localised(self)
        super().save(*args, **kwargs)

    def source_digest(self) -> str:
        """The English text a translation was made from, as a short fingerprint: a
        translation whose fingerprint differs was made from older English and needs review."""
        return text_digest(
            {
                "title": self.title,
                "description": self.description,
                "guidance": self.guidance,
                "levels": [[int(i["level"]), i["descriptor"]] for i in self.levels],
            }
        )

    def edit_token(self) -> str:
        """What the criterion's form started from (see CriteriaSet.edit_token): every field
        the form edits, the group included (read through `group`, so load it with the
        criterion)."""
        return text_digest(
            {
                "group": self.group.code,
                "code": self.code,
                "title": self.title,
                "description": self.description,
                "guidance": self.guidance,
                "sources": self.sources,
                "levels": [[int(i["level"]), i["descriptor"]] for i in self.levels],
                "allow_na": self.allow_na,
                "weight": str(Decimal(self.weight).normalize()),
                "justification_required": self.justification_required,
            }
        )

    @property
    def level_values(self) -> list[int]:
        return [int(item["level"]) for item in self.levels]

    def descriptor(self, level: int | None) -> str:
        for item in self.levels:
            if int(item["level"]) == level:
                return item["descriptor"]
        return ""


class Translation(models.Model):
    """A text's translation into a language other than English (the source).

    `source_digest` is the translated object's `source_digest()` when the translation was
    made: when the English changes (an edit, a proposal applied by the debate), they no
    longer match, the translation needs review, and readers get the English meanwhile.
    Subclasses add the link to their object (named in SOURCE) and their own texts."""

    SOURCE = ""
    TEXT_FIELDS: tuple[str, ...] = ()

    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    source_digest = models.CharField(max_length=32)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, self.SOURCE + '_id')} [{self.language}] {self.title}"

    @property
    def is_stale(self) -> bool:
        return self.source_digest != getattr(self, self.SOURCE).source_digest()

    def edit_token(self) -> str:
        return translation_token({name: getattr(self, name) for name in self.TEXT_FIELDS})


def translation_token(texts: dict) -> str:
    """What a translation page's fields of one object started from: "" for no translation
    (an empty title is none), else a fingerprint of its texts. A save compares it with the
    stored translation's, so as not to overwrite what someone else saved meanwhile."""
    if not texts.get("title"):
        return ""
    levels = texts.get("levels")
    if levels is not None:
        texts = {**texts, "levels": [[int(i["level"]), i["descriptor"]] for i in levels]}
    return text_digest(texts)


def _one_per_language(source: str, name: str) -> list:
    return [models.UniqueConstraint(fields=[source, "language"], name=name)]


class CriteriaSetTranslation(Translation):
    """A version's title and description in another language."""

    SOURCE = "criteria_set"
    TEXT_FIELDS = ("title", "description")

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="translations"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        constraints = _one_per_language("criteria_set", "unique_criteria_set_translation")


class CriterionGroupTranslation(Translation):
    """A group's title in another language."""

    SOURCE = "group"
    TEXT_FIELDS = ("title",)

    group = models.ForeignKey(CriterionGroup, on_delete=models.CASCADE, related_name="translations")

    class Meta:
        constraints = _one_per_language("group", "unique_group_translation")


class CriterionTranslation(Translation):
    """A criterion's texts in another language; copied with its criterion into a new
    version."""

    SOURCE = "criterion"
    TEXT_FIELDS = ("title", "description", "guidance", "levels")

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="translations")
    description = models.TextField(_("description"), blank=True)
    guidance = models.TextField(_("guidance for reviewers"), blank=True)
    # [{"level": 0, "descriptor": "..."}, ...]: the criterion's levels, translated.
    levels = models.JSONField(_("levels"), default=list)

    class Meta:
        constraints = _one_per_language("criterion", "unique_criterion_translation")

    def descriptor(self, level: int) -> str:
        for item in self.levels:
            if int(item["level"]) == level:
                return item["descriptor"]
        return ""
