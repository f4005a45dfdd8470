"""Forms of the staff import pages: the upload, and the choices made on the preview."""

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.models import ImportRun

# Per-row organisation choices are offered for this many rows on the page; the API takes
# any number (options.organisations).
ROW_CHOICES_MAX = 200

# The upload's files are capped while they stream in by these settings (in MB), not by the
# submission limit: a ZIP of every PDF of a call is far larger than one evaluation. The
# staff page and the API's import-create name them (submissions.uploads.upload_limits).
UPLOAD_LIMITS = {"data_file": "IMPORT_DATA_MAX_MB", "files_archive": "IMPORT_ARCHIVE_MAX_MB"}


def _select():
    return forms.Select(attrs={"class": "form-select"})


class ImportUploadForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=ImportRun.Source.choices)
    target = forms.ChoiceField(
        label=_("The rows become"),
        choices=[
            ("submissions", _("Submissions")),
            ("reviewer_applications", _("Reviewer applications (EU Survey)")),
        ],
        initial="submissions",
        required=False,
        help_text=_(
            "OpenReview exports always give submissions (and their reviews). An EU Survey "
            "export gives either, depending on what the survey asked."
        ),
    )
    data_file = forms.FileField(
        label=_("Export"),
        help_text=_(
            "OpenReview: the JSON list of notes. EU Survey: the contributions as CSV or XLSX."
        ),
    )
    files_archive = forms.FileField(
        label=_("Files (ZIP)"),
        required=False,
        help_text=_("The PDFs the export names, in one ZIP archive (OpenReview: pdf/<id>.pdf)."),
    )

    def clean_target(self):
        return self.cleaned_data.get("target") or "submissions"


class ImportOptionsForm(forms.Form):
    organisation = forms.ChoiceField(
        label=_("Organisation of every submission"), required=False, widget=_select()
    )
    without_pdf = forms.BooleanField(
        label=_("Import submissions whose PDF is missing"),
        required=False,
        help_text=_("Their PDF is then uploaded in the portal later."),
    )

    def __init__(self, *args, run: ImportRun, organisations, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        options = run.options or {}
        existing = [(o.code, o.name) for o in organisations]
        self.fields["organisation"].choices = [("", _("— choose —")), *existing]
        self.fields["organisation"].initial = options.get("organisation", "")
        self.fields["without_pdf"].initial = bool(options.get("without_pdf"))
        self.row_fields = []
        per_row = options.get("organisations") or {}
        row_choices = [
            ("", _("The default above")),
            ("new", _("New, from the first author's institution")),
            *existing,
        ]
        submissions = [r for r in (run.preview or {}).get("rows", []) if r["kind"] == "submission"]
        for index, row in enumerate(submissions[:ROW_CHOICES_MAX]):
            name = f"row_{index}"
            self.fields[name] = forms.ChoiceField(
                label=_("Organisation of “%(label)s”") % {"label": row["label"]},
                choices=row_choices,
                required=False,
                initial=per_row.get(row["source_id"], ""),
                widget=_select(),
            )
            self.row_fields.append((name, row["source_id"]))
        field_map = options.get("review_field_map") or {}
        self.map_fields = []
        criterion_choices = [
            ("", _("Keep as text only")),
            *((c.code, f"{c.code} {c.title}") for c in criteria),
        ]
        for index, field in enumerate((run.preview or {}).get("review_fields", [])):
            name = f"map_{index}"
            self.fields[name] = forms.ChoiceField(
                label=_("Review field “%(field)s”") % {"field": field},
                choices=criterion_choices,
                required=False,
                initial=field_map.get(field, ""),
                widget=_select(),
            )
            self.map_fields.append((name, field))

    def options(self, previous: dict) -> dict:
        data = self.cleaned_data
        organisations = dict((previous or {}).get("organisations") or {})
        for name, source_id in self.row_fields:
            if data[name]:
                organisations[source_id] = data[name]
            else:
                organisations.pop(source_id, None)
        field_map = {field: data[name] for name, field in self.map_fields if data[name]}
        options = {**(previous or {}), "without_pdf": data["without_pdf"]}
        options["organisation"] = data["organisation"]
        options["organisations"] = organisations
        options["review_field_map"] = field_map
        return options
