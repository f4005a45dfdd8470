"""Criteria sets as JSON: each version by its code, with its groups and criteria by theirs."""

from rest_framework import serializers
from rest_framework.reverse import reverse

from criteria.models import CriteriaSet, Criterion, CriterionGroup


class LevelSerializer(serializers.Serializer):
    level = serializers.IntegerField(read_only=True)
    descriptor = serializers.CharField(read_only=True)


class CriterionSerializer(serializers.ModelSerializer):
    levels = LevelSerializer(many=True, read_only=True)
    weight = serializers.DecimalField(max_digits=4, decimal_places=2, read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "code",
            "title",
            "description",
            "guidance",
            "sources",
            "levels",
            "allow_na",
            "weight",
            "justification_required",
        ]
        read_only_fields = fields


class CriterionGroupSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = CriterionGroup
        fields = ["code", "title", "criteria"]
        read_only_fields = fields


class CriteriaSetSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    workshop = serializers.CharField(source="workshop.code", read_only=True)
    based_on = serializers.SerializerMethodField()
    frozen = serializers.BooleanField(source="is_frozen", read_only=True)

    class Meta:
        model = CriteriaSet
        fields = [
            "code",
            "url",
            "workshop",
            "version",
            "title",
            "description",
            "based_on",
            "created_at",
            "frozen",
            "frozen_at",
        ]
        read_only_fields = fields

    def get_url(self, criteria_set) -> str:
        return reverse(
            "api:criteria-set-detail",
            kwargs={"set_code": criteria_set.code},
            request=self.context["request"],
        )

    def get_based_on(self, criteria_set) -> str | None:
        """The code of the version this one was copied from."""
        return criteria_set.based_on.code if criteria_set.based_on_id else None


class CriteriaSetVersionSerializer(CriteriaSetSerializer):
    """A version in the list of a workshop's versions, with what the overview page counts."""

    criterion_count = serializers.IntegerField(read_only=True)
    review_count = serializers.IntegerField(read_only=True)

    class Meta(CriteriaSetSerializer.Meta):
        fields = [*CriteriaSetSerializer.Meta.fields, "criterion_count", "review_count"]
        read_only_fields = fields


class CriteriaSetDetailSerializer(CriteriaSetSerializer):
    groups = CriterionGroupSerializer(many=True, read_only=True)
    versions_url = serializers.SerializerMethodField()
    export_url = serializers.SerializerMethodField()

    class Meta(CriteriaSetSerializer.Meta):
        fields = [*CriteriaSetSerializer.Meta.fields, "versions_url", "export_url", "groups"]
        read_only_fields = fields

    def _link(self, name, criteria_set) -> str:
        return reverse(
            name, kwargs={"set_code": criteria_set.code}, request=self.context["request"]
        )

    def get_versions_url(self, criteria_set) -> str:
        return self._link("api:criteria-set-versions", criteria_set)

    def get_export_url(self, criteria_set) -> str:
        return self._link("api:criteria-set-export", criteria_set)


class CriteriaImportSerializer(serializers.Serializer):
    """The browser's import form: a file or pasted text, and its format."""

    file = serializers.FileField(required=False, help_text=".json, .yaml or .yml")
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    format = serializers.ChoiceField(choices=["auto", "json", "yaml"], default="auto")
