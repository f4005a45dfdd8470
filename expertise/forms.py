from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from expertise.formats.base import (
    ABSTRACT_MAX,
    DOI_MAX,
    MAX_ENTRIES,
    TITLE_MAX,
    URL_MAX,
    VENUE_MAX,
    YEAR_MAX,
    YEAR_MIN,
)
from expertise.models import Publication

# What each format is, in the words of the site that exports it (shown with the choice).
IMPORT_FORMATS = [
    (Publication.Source.BIBTEX, _("BibTeX (.bib), e.g. exported from Google Scholar or Zotero")),
    (Publication.Source.ORCID, _("ORCID record (.json), from the ORCID public API")),
    (Publication.Source.DBLP, _("DBLP person page as XML (.xml)")),
    (Publication.Source.OPENREVIEW, _("OpenReview profile publications (.json or .jsonl)")),
]


class PublicationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Publication.Kind.choices,
        initial=Publication.Kind.PUBLICATION,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    abstract = forms.CharField(
        label=_("Abstract or summary"),
        required=False,
        max_length=ABSTRACT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A few sentences on what the work is about: matching reads them."),
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    venue = forms.CharField(
        label=pgettext_lazy("publication", "Venue"),
        required=False,
        max_length=VENUE_MAX,
        help_text=_("Journal, conference, or the organisation that published the report."),
    )
    doi = forms.CharField(
        label=_("DOI"), required=False, max_length=DOI_MAX, help_text=_("For example 10.1234/abcd.")
    )
    url = forms.CharField(label=_("Web address"), required=False, max_length=URL_MAX)

    @classmethod
    def initial_from(cls, publication: Publication) -> dict:
        return {name: getattr(publication, name) for name in cls.base_fields}


class PublicationImportForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Format of the file"), choices=IMPORT_FORMATS, widget=forms.RadioSelect
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "At most %(mb)d MB and %(entries)s entries. Publications already in your list "
            "(same DOI, or same title and year) are skipped."
        ) % {"mb": settings.PUBLICATION_IMPORT_MAX_MB, "entries": f"{MAX_ENTRIES:,}"}
