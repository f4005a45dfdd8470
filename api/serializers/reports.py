"""Report jobs as the API writes and reads them: named by their opaque code, with the
address of their file once it is built."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.models import ReportJob


def job_url(request, job: ReportJob) -> str:
    return request.build_absolute_uri(reverse("api:report-job-detail", args=[job.code]))


class ReportJobRequestSerializer(serializers.Serializer):
    """The staff page's "generate" form. A feedback report is one job per organisation
    with a reviewed evaluation."""

    kind = serializers.ChoiceField(choices=ReportJob.Kind.choices)
    include_ai_office_only = serializers.BooleanField(required=False, default=False)
    criteria_set_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    language = serializers.ChoiceField(
        required=False, default="en", choices=[code for code, _name in settings.LANGUAGES]
    )


class ReportJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    workshop = serializers.CharField(source="workshop.code")
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")
    organisation = serializers.SerializerMethodField(help_text="Feedback reports only.")
    error = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField(help_text="The file's address, once done.")

    class Meta:
        model = ReportJob
        fields = [
            "code",
            "url",
            "workshop",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "progress",
            "error",
            "organisation",
            "params",
            "created_at",
            "started_at",
            "finished_at",
            "released_at",
            "file_name",
            "file_size",
            "page_count",
            "download",
        ]
        read_only_fields = fields

    def get_url(self, job) -> str:
        return job_url(self.context["request"], job)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_organisation(self, job):
        return job.organisation.code if job.organisation_id else None

    def get_error(self, job) -> str:
        # As the staff page's status: the reason of a failure, nothing while it retries.
        return job.error if job.state == ReportJob.State.FAILED else ""

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download(self, job):
        if job.state != ReportJob.State.DONE or not job.file:
            return None
        path = reverse("api:report-job-download", args=[job.code])
        return self.context["request"].build_absolute_uri(path)


class ReportJobsStartedSerializer(serializers.Serializer):
    jobs = ReportJobSerializer(many=True)
