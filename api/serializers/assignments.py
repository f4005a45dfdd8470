"""Assignments, bulk changes of them, and automatic assignment runs, as the API writes and
reads them. Everything is named by its opaque code; a reviewer by the code of their
application to the call."""

from dataclasses import asdict

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from assignment import selectors as assignment_selectors
from assignment.forms import KEEP, REPLACE, WEIGHT_FIELDS
from assignment.matching.options import MAX_K
from assignment.models import AssignmentRun
from assignment.services.bulk import ACTIONS, ASSIGN
from reviews.models import MAX_REVIEWS_LIMIT, Assignment
from reviews.selectors.visibility import assignment_status

# --- assignments ----------------------------------------------------------------------------


class _SubmissionRef(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class _ReviewerRef(serializers.Serializer):
    id = serializers.CharField(source="application_code", help_text="Application code.")
    name = serializers.CharField(source="reviewer.full_name")
    email = serializers.EmailField(source="reviewer.email")


class AssignmentSerializer(serializers.ModelSerializer):
    workshop = serializers.CharField(source="workshop.code")
    submission = _SubmissionRef()
    reviewer = serializers.SerializerMethodField(
        help_text="Staff only (null in a reviewer's own list): the reviewer, by the code of "
        "their application to the call."
    )
    deadline = serializers.DateTimeField(source="effective_deadline")
    review_status = serializers.SerializerMethodField(
        help_text="todo, draft, submitted or late (as on the reviewer's page)."
    )

    class Meta:
        model = Assignment
        fields = [
            "code",
            "workshop",
            "submission",
            "reviewer",
            "state",
            "source",
            "deadline",
            "review_status",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(_ReviewerRef(allow_null=True))
    def get_reviewer(self, assignment):
        if not hasattr(assignment, "application_code"):
            return None
        return _ReviewerRef(assignment).data

    @extend_schema_field(serializers.ChoiceField(choices=["todo", "draft", "submitted", "late"]))
    def get_review_status(self, assignment) -> str:
        return str(assignment_status(assignment=assignment, now=self.context.get("now")))


class AssignmentFilterSerializer(serializers.Serializer):
    workshop = serializers.CharField(required=False, max_length=16)
    submission = serializers.CharField(required=False, max_length=16)
    reviewer = serializers.CharField(
        required=False, max_length=16, help_text="The reviewer's application code (staff)."
    )
    state = serializers.ChoiceField(required=False, choices=Assignment.State.choices)


# --- bulk -----------------------------------------------------------------------------------


class BulkRowSerializer(serializers.Serializer):
    submission = serializers.CharField(max_length=100)
    reviewer = serializers.CharField(
        max_length=100, help_text="The code of the reviewer's application to the call."
    )
    # Checked by the service, so an unknown action is one row's refusal like the others.
    action = serializers.CharField(
        required=False, default=ASSIGN, max_length=20, help_text=" or ".join(ACTIONS)
    )


class BulkRequestSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(default=False)
    assignments = BulkRowSerializer(many=True, allow_empty=False, max_length=None)


class BulkOutcomeSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="1 for the first row.")
    submission = serializers.CharField()
    reviewer = serializers.CharField()
    action = serializers.CharField()
    status = serializers.ChoiceField(choices=["ok", "refused"])
    assignment = serializers.CharField(
        allow_null=True, help_text="The assignment made or removed (null for a refused row)."
    )
    errors = serializers.ListField(child=serializers.CharField())


class BulkResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    applied = serializers.BooleanField()
    refused = serializers.IntegerField()
    rows = BulkOutcomeSerializer(many=True)


def bulk_result_data(result) -> dict:
    return {
        "dry_run": result.dry_run,
        "applied": result.applied,
        "refused": len(result.refused),
        "rows": [
            {
                "row": index,
                "submission": outcome.row.submission,
                "reviewer": outcome.row.reviewer,
                "action": outcome.row.action,
                "status": "refused" if outcome.refused else "ok",
                "assignment": outcome.assignment or None,
                "errors": outcome.errors,
            }
            for index, outcome in enumerate(result.outcomes, start=1)
        ],
    }


# --- runs -----------------------------------------------------------------------------------


def _weights():
    return inline_serializer(
        "AssignmentRunWeights",
        {
            name: serializers.FloatField(required=False, min_value=-100, max_value=100)
            for name, _label, _help in WEIGHT_FIELDS
        },
        required=False,
    )


class RunStartSerializer(serializers.Serializer):
    """The settings of the staff's run form; what is left out takes the form's default."""

    k = serializers.IntegerField(required=False, min_value=1, max_value=MAX_K)
    min_load = serializers.IntegerField(required=False, min_value=0, max_value=MAX_REVIEWS_LIMIT)
    max_load = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_REVIEWS_LIMIT
    )
    existing = serializers.ChoiceField(required=False, choices=[KEEP, REPLACE])
    fill_open_slots_only = serializers.BooleanField(required=False)
    coverage = serializers.BooleanField(required=False)
    weights = _weights()


def run_url(request, run: AssignmentRun) -> str:
    return request.build_absolute_uri(reverse("api:assignment-run-detail", args=[run.code]))


class RunSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    workshop = serializers.CharField(source="workshop.code")
    state_label = serializers.CharField(source="get_state_display")
    finished = serializers.SerializerMethodField()
    imported = serializers.SerializerMethodField()

    class Meta:
        model = AssignmentRun
        fields = [
            "code",
            "url",
            "workshop",
            "state",
            "state_label",
            "progress",
            "finished",
            "error",
            "settings",
            "imported",
            "created_at",
            "started_at",
            "finished_at",
            "published_at",
        ]
        read_only_fields = fields

    def get_url(self, run) -> str:
        return run_url(self.context["request"], run)

    def get_finished(self, run) -> bool:
        return run.state in (AssignmentRun.State.DONE, AssignmentRun.State.FAILED)

    def get_imported(self, run) -> bool:
        return bool((run.settings or {}).get("imported"))


class RunDetailSerializer(RunSerializer):
    summary = serializers.SerializerMethodField(
        help_text="The proposal's figures as the preview shows them; null until done."
    )

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "summary"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_summary(self, run):
        if run.state != AssignmentRun.State.DONE:
            return None
        return asdict(assignment_selectors.run_summary(run))


class RunPublishResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Assignments created.")
    removed = serializers.IntegerField(help_text="Assignments removed.")
    kept = serializers.IntegerField(help_text="Assignments kept as they were.")
    run = RunSerializer()
