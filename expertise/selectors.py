"""Reads of publication lists. A person sees and changes only their own; staff read an
applicant's through `publications_of` from the application page."""

from django.db.models import QuerySet
from django.http import Http404

from expertise.formats.base import duplicate_keys
from expertise.models import Publication
from portal.models import User


def publications_of(*, user: User) -> QuerySet[Publication]:
    return Publication.objects.filter(user=user).order_by("-year", "title", "pk")


def publication_get_for_user(*, user: User, code: str) -> Publication:
    """The user's own publication, or 404: someone else's is not theirs to see here."""
    found = Publication.objects.filter(user=user, code=code).first()
    if found is None:
        raise Http404
    return found


def publication_duplicate_keys(*, user: User) -> set[tuple]:
    """The keys (DOI; title and year) of the user's list, to skip duplicates on import."""
    keys: set[tuple] = set()
    for title, year, doi in Publication.objects.filter(user=user).values_list(
        "title", "year", "doi"
    ):
        keys.update(duplicate_keys(title=title, year=year, doi=doi))
    return keys
