"""Reviews as the API reads and writes them: scores named by criterion code, the reviewer
named (for staff only) as the staff pages name them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reviews.forms.reviewing import EVIDENCE_MAX, LONG_TEXT
from reviews.models import CriterionScore, Review


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.CharField(source="criterion.code")
    criterion_title = serializers.CharField(source="criterion.title")
    level = serializers.IntegerField(allow_null=True)
    not_applicable = serializers.BooleanField()
    na_reason = serializers.CharField()
    justification = serializers.CharField()
    evidence = serializers.CharField()
    tag = serializers.CharField()
    feedback_clear = serializers.CharField()
    feedback_applicable = serializers.CharField()
    feedback_suggestion = serializers.CharField()


class ReviewSubmissionSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class ReviewerSerializer(serializers.Serializer):
    """As the staff's aggregate page shows a reviewer: their label on the submission and
    their name; `application` is the code staff pages use to name them."""

    application = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    name = serializers.CharField()


class ReviewSerializer(serializers.Serializer):
    code = serializers.CharField()
    workshop = serializers.CharField(source="assignment.workshop.code")
    submission = serializers.SerializerMethodField()
    reviewer = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=Review.State.choices)
    revision = serializers.IntegerField()
    criteria_set = serializers.CharField(source="criteria_set.code")
    criteria_set_version = serializers.IntegerField(source="criteria_set.version")
    summary = serializers.CharField()
    strengths = serializers.CharField()
    main_gaps = serializers.CharField()
    confidence = serializers.IntegerField(allow_null=True)
    recommendation = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    scores = ScoreSerializer(many=True, source="scores.all")

    @extend_schema_field(ReviewSubmissionSerializer)
    def get_submission(self, review):
        # The title "My reviews" shows the reviewer; nothing that names the submitters.
        submission = review.assignment.submission
        return {"code": submission.code, "title": submission.title}

    @extend_schema_field(ReviewerSerializer(allow_null=True))
    def get_reviewer(self, review):
        """Staff only (the view says so in the context); null for the reviewer's own."""
        labels = self.context.get("reviewer_labels")
        if labels is None:
            return None
        assignment = review.assignment
        user = assignment.reviewer
        return {
            "application": getattr(review, "reviewer_application_code", None),
            "label": labels.get(assignment.submission_id, {}).get(assignment.reviewer_id, ""),
            "name": user.full_name or user.email,
        }


# --- writing --------------------------------------------------------------------------------


def _text(max_length=LONG_TEXT):
    return serializers.CharField(
        required=False, allow_blank=True, max_length=max_length, trim_whitespace=False
    )


def _choice(choices):
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True)


class ScoreInputSerializer(serializers.Serializer):
    """One criterion's answer; what is left out stays as saved."""

    criterion = serializers.CharField(max_length=20)
    level = serializers.IntegerField(required=False, allow_null=True)
    not_applicable = serializers.BooleanField(required=False)
    na_reason = _text()
    justification = _text()
    evidence = _text(EVIDENCE_MAX)
    tag = _choice(CriterionScore.Tag.choices)
    feedback_clear = _choice(CriterionScore.YesNo.choices)
    feedback_applicable = _choice(CriterionScore.YesNo.choices)
    feedback_suggestion = _text()


class ReviewInputSerializer(serializers.Serializer):
    """A change to a review: the overall fields and the criteria it names; whatever is
    left out stays as saved."""

    summary = _text()
    strengths = _text()
    main_gaps = _text()
    confidence = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    recommendation = _choice(Review.Recommendation.choices)
    scores = ScoreInputSerializer(many=True, required=False)

    def validate_scores(self, value):
        codes = [item["criterion"] for item in value]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError(_("Name each criterion once."))
        return value


class ReviewFilterSerializer(serializers.Serializer):
    workshop = serializers.CharField(required=False, max_length=16)
    submission = serializers.CharField(required=False, max_length=16)
    reviewer = serializers.CharField(
        required=False,
        max_length=16,
        help_text="The code of the reviewer's application to the workshop (staff).",
    )
    criterion = serializers.CharField(
        required=False,
        max_length=20,
        help_text=(
            "A criterion code: the reviews holding a level (or N/A) for it; their other "
            "scores are listed too."
        ),
    )
    state = serializers.ChoiceField(choices=Review.State.choices, required=False)
