"""Versioned criteria sets: what reviewers score evaluations against.

A set belongs to a workshop. Once the first review against a version is submitted, that
version is frozen: editing it creates the next version, and every score keeps pointing at
the criterion (and so the version) it was given under.
"""

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

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


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

    @property
    def level_values(self) -> list[int]:
        return [int(item["level"]) for item in self.levels]

    def descriptor(self, level: int | None) -> str:
        for item in self.levels:
            if int(item["level"]) == level:
                return item["descriptor"]
        return ""
