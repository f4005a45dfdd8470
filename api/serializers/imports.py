import json

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from imports.jobs import progress_read
from imports.models import ImportRun

# The rows an import's GET carries; `?rows_offset=` pages on through the rest.
ROWS_PER_RESPONSE = 500


class ImportCreateSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=ImportRun.Source.choices)
    target = serializers.CharField(required=False, default="submissions")
    data_file = serializers.FileField()
    files_archive = serializers.FileField(required=False)
    options = serializers.CharField(
        required=False, help_text="A JSON object: the choices the staff page offers."
    )
    dry_run = serializers.BooleanField(required=False, default=True)

    def validate_options(self, value):
        try:
            options = json.loads(value) if value else {}
        except ValueError as error:
            raise serializers.ValidationError(
                _("Not valid JSON: %(error)s") % {"error": error}
            ) from None
        except RecursionError:
            raise serializers.ValidationError(_("Not valid JSON: nested too deeply.")) from None
        if not isinstance(options, dict):
            raise serializers.ValidationError(_("The options must be a JSON object."))
        return options


class ImportRunSerializer(serializers.ModelSerializer):
    workshop = serializers.CharField(source="workshop.code")
    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()
    rows_total = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = [
            "code",
            "workshop",
            "source",
            "target",
            "state",
            "progress",
            "data_file_name",
            "options",
            "counts",
            "rows_total",
            "rows",
            "result",
            "error",
            "created_at",
            "applied_at",
        ]
        read_only_fields = fields

    def get_progress(self, run) -> int:
        return progress_read(run)

    def get_counts(self, run) -> dict:
        return run.counts

    def get_rows_total(self, run) -> int:
        return len((run.preview or {}).get("rows", []))

    def get_rows(self, run) -> list:
        offset = self.context.get("rows_offset", 0)
        return (run.preview or {}).get("rows", [])[offset : offset + ROWS_PER_RESPONSE]
