"""Submissions, their files and versions as JSON: objects named by code, never by id."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from portal.languages import EU_LANGUAGES
from submissions.forms import AuthorFormSet, SubmissionForm
from submissions.models import Submission, SubmissionFile, SubmissionVersion

# What the browser's edit form lets the submitters change, in its order; the API's PATCH
# accepts the same, validated by that same form.
EDITABLE_FIELDS = list(SubmissionForm.Meta.fields)
MAX_AUTHORS = AuthorFormSet.max_num


class OrganisationRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    affiliation = serializers.CharField(max_length=200, required=False, allow_blank=True)


def _submission_url(request, code: str) -> str:
    return reverse("api:submission-detail", kwargs={"code": code}, request=request)


class SubmissionFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = SubmissionFile
        fields = [
            "code",
            "url",
            "download_url",
            "kind",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "detached_at",
        ]
        read_only_fields = fields

    def _file_kwargs(self, file) -> dict:
        return {"code": file.submission.code, "file_code": file.code}

    def get_url(self, file) -> str:
        return reverse(
            "api:submission-file-detail",
            kwargs=self._file_kwargs(file),
            request=self.context["request"],
        )

    def get_download_url(self, file) -> str:
        return reverse(
            "api:submission-file-download",
            kwargs=self._file_kwargs(file),
            request=self.context["request"],
        )


class SubmissionListSerializer(serializers.ModelSerializer):
    """A row of the list: enough to find a submission and decide whether to open it."""

    url = serializers.SerializerMethodField()
    workshop = serializers.CharField(source="workshop.code", read_only=True)
    organisation = OrganisationRefSerializer(read_only=True)
    provider = serializers.SerializerMethodField()
    risk_areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    methods = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    authors = AuthorSerializer(many=True, read_only=True)
    deadline = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Submission
        fields = [
            "code",
            "url",
            "workshop",
            "organisation",
            "state",
            "revision",
            "title",
            "provider",
            "model_name",
            "model_version",
            "risk_areas",
            "methods",
            "authors",
            "confidentiality",
            "created_at",
            "updated_at",
            "submitted_at",
            "withdrawn_at",
            "deadline",
        ]
        read_only_fields = fields

    def get_url(self, submission) -> str:
        return _submission_url(self.context["request"], submission.code)

    def get_provider(self, submission) -> str:
        return submission.provider.name if submission.provider_id else ""


class SubmissionVersionRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = SubmissionVersion
        fields = ["number", "url", "created_at"]
        read_only_fields = fields

    def get_url(self, version) -> str:
        return reverse(
            "api:submission-version-detail",
            kwargs={"code": version.submission.code, "number": version.number},
            request=self.context["request"],
        )


class SubmissionDetailSerializer(SubmissionListSerializer):
    """Every field of the working copy, its current files, versions, and what still blocks
    submitting. `context` holds `files`, `versions`, `missing` and `can` (from the view)."""

    files = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()
    can = serializers.SerializerMethodField()

    class Meta(SubmissionListSerializer.Meta):
        fields = list(
            dict.fromkeys(
                [
                    *SubmissionListSerializer.Meta.fields,
                    *EDITABLE_FIELDS,
                    "extended_deadline",
                    "extension_reason",
                    "ineligible_reason",
                    "screening_note",
                    "screened_at",
                    "files",
                    "versions",
                    "missing",
                    "can",
                ]
            )
        )
        read_only_fields = fields

    @extend_schema_field(SubmissionFileSerializer(many=True))
    def get_files(self, submission):
        return SubmissionFileSerializer(self.context["files"], many=True, context=self.context).data

    @extend_schema_field(SubmissionVersionRefSerializer(many=True))
    def get_versions(self, submission):
        return SubmissionVersionRefSerializer(
            self.context["versions"], many=True, context=self.context
        ).data

    def get_missing(self, submission) -> list[str]:
        return self.context["missing"]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"edit": {"type": "boolean"}, "withdraw": {"type": "boolean"}},
        }
    )
    def get_can(self, submission) -> dict:
        return self.context["can"]


class SubmissionVersionSerializer(serializers.ModelSerializer):
    """What was submitted, frozen: the metadata as it was, and the files of that moment."""

    url = serializers.SerializerMethodField()
    submission = serializers.CharField(source="submission.code", read_only=True)
    created_by = serializers.SerializerMethodField()
    metadata = serializers.JSONField(read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = SubmissionVersion
        fields = ["number", "url", "submission", "created_at", "created_by", "metadata", "files"]
        read_only_fields = fields

    def get_url(self, version) -> str:
        return SubmissionVersionRefSerializer(context=self.context).get_url(version)

    def get_created_by(self, version) -> str:
        user = version.created_by
        return (user.full_name or user.email) if user else ""

    @extend_schema_field(SubmissionFileSerializer(many=True))
    def get_files(self, version):
        files = list(version.files.all())
        for file in files:
            # Saves a query per file: they all belong to this version's submission.
            file.submission = version.submission
        return SubmissionFileSerializer(files, many=True, context=self.context).data


# --- input ----------------------------------------------------------------------------


def _choice(choices):
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True)


def _text(max_length=None):
    return serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=max_length
    )


def _date():
    return serializers.DateField(required=False, allow_null=True)


class SubmissionFieldsSerializer(serializers.Serializer):
    """The edit form's fields, all optional: what is left out stays as it is. The types are
    checked here; what they mean is checked by the browser's own form (SubmissionForm)."""

    title = serializers.CharField(required=False, max_length=300)
    abstract = _text()
    keywords = _text(300)
    language = serializers.ChoiceField(choices=EU_LANGUAGES, required=False)
    provider = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text=_("The model provider's name; a name not yet known is added."),
    )
    model_name = _text(200)
    model_version = _text(200)
    model_version_date = _date()
    version_type = _choice(Submission.VersionType.choices)
    release_channel = _choice(Submission.ReleaseChannel.choices)
    access_level = _choice(Submission.AccessLevel.choices)
    access_logits = serializers.BooleanField(required=False)
    access_chain_of_thought = serializers.BooleanField(required=False)
    access_fine_tuning = serializers.BooleanField(required=False)
    access_activations = serializers.BooleanField(required=False)
    risk_areas = serializers.ListField(
        child=serializers.SlugField(max_length=40), required=False, help_text=_("Codes.")
    )
    threat_scenario = _text()
    methods = serializers.ListField(
        child=serializers.SlugField(max_length=40), required=False, help_text=_("Codes.")
    )
    methods_other = _text(300)
    elicitation = _text()
    evaluation_start = _date()
    evaluation_end = _date()
    stage = _choice(Submission.Stage.choices)
    results_summary = _text()
    artefacts = _choice(Submission.Artefacts.choices)
    confidentiality = serializers.ChoiceField(
        choices=Submission.Confidentiality.choices, required=False
    )
    info_hazard = serializers.BooleanField(required=False)
    summary_consent = _choice(Submission.Consent.choices)
    relevance_statement = _text()
    provider_ties = serializers.ListField(
        child=serializers.ChoiceField(choices=Submission.ProviderTie.choices), required=False
    )
    conflict_statement = _text()
    authors = AuthorSerializer(many=True, required=False, max_length=MAX_AUTHORS)


class SubmissionCreateSerializer(SubmissionFieldsSerializer):
    workshop = serializers.CharField(max_length=16, help_text=_("The workshop's code."))
    organisation = serializers.CharField(
        max_length=16, help_text=_("The code of your organisation that submits.")
    )
    title = serializers.CharField(max_length=300)


class SubmissionUpdateSerializer(SubmissionFieldsSerializer):
    revision = serializers.IntegerField(
        required=False,
        help_text=_("The revision you edited, if you send no If-Match header."),
    )


class FileUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SubmissionFile.Kind.choices)
    file = serializers.FileField(
        help_text=_("PDF for the main document; PDF, CSV, JSON or plain text for supplements.")
    )
