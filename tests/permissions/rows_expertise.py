"""A person's publication list: every signed-in person keeps their own (list, add, import);
a publication is edited and deleted by its owner only (the reviewer in the world), and is
not found (404) for anyone else, staff included."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permissions.matrix import OK, Row, signed_in


def _publication(w):
    return {"publication_code": w.publication.code}


def _fields(w):
    return {"kind": "publication", "title": "Matrix paper", "year": "2024"}


def _bibtex(w):
    return {
        "source": "bibtex",
        "file": SimpleUploadedFile(
            "matrix.bib", b"@article{m1, title={Matrix import}, year=2024}\n"
        ),
    }


OWNER_ONLY = signed_in(404, reviewer=200)

ROWS = [
    Row("expertise:publication_list", get=signed_in(200)),
    Row(
        "expertise:publication_create",
        get=signed_in(200),
        post=signed_in(OK),
        data=_fields,
    ),
    Row(
        "expertise:publications_import",
        get=signed_in(200),
        post=signed_in(OK),
        files=_bibtex,
    ),
    Row(
        "expertise:publication_edit",
        kwargs=_publication,
        get=OWNER_ONLY,
        post=signed_in(404, reviewer=OK),
        data=_fields,
    ),
    Row(
        "expertise:publication_delete",
        kwargs=_publication,
        get=OWNER_ONLY,
        post=signed_in(404, reviewer=OK),
    ),
]
