"""Aggregates of submitted reviews as the staff's aggregate pages show them: statistics per
criterion (N/A counted apart), per criteria-set version, never mixed."""

from rest_framework import serializers

from reviews.selectors.aggregates import TAGS


class StatsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    na_count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)
    min = serializers.IntegerField(allow_null=True)
    max = serializers.IntegerField(allow_null=True)
    disagreement = serializers.BooleanField()
    tag_counts = serializers.DictField(child=serializers.IntegerField(), help_text=str(TAGS))


class CellSerializer(serializers.Serializer):
    reviewer = serializers.CharField(help_text="The reviewer's label on this submission.")
    level = serializers.IntegerField(allow_null=True)
    not_applicable = serializers.BooleanField()
    tag = serializers.CharField()


class SubmissionCriterionSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    title = serializers.CharField()
    stats = StatsSerializer()
    levels = CellSerializer(many=True)


class AggregateReviewerSerializer(serializers.Serializer):
    label = serializers.CharField()
    application = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class AggregateVersionSerializer(serializers.Serializer):
    criteria_set = serializers.CharField()
    version = serializers.IntegerField()
    reviewers = AggregateReviewerSerializer(many=True)
    criteria = SubmissionCriterionSerializer(many=True)


class SubmissionAggregatesSerializer(serializers.Serializer):
    submission = serializers.CharField()
    versions = AggregateVersionSerializer(many=True)


class WorkshopCriterionSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    title = serializers.CharField()
    stats = StatsSerializer()
    alpha = serializers.FloatField(
        allow_null=True, help_text="Krippendorff's alpha (ordinal); null when undefined."
    )
    submission_count = serializers.IntegerField()
    disagreement_count = serializers.IntegerField()


class WorkshopVersionSerializer(serializers.Serializer):
    criteria_set = serializers.CharField()
    version = serializers.IntegerField()
    review_count = serializers.IntegerField()
    criteria = WorkshopCriterionSerializer(many=True)


class WorkshopAggregatesSerializer(serializers.Serializer):
    workshop = serializers.CharField()
    versions = WorkshopVersionSerializer(many=True)
