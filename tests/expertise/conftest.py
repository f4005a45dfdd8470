import pytest

from expertise.models import Publication
from tests.factories import UserFactory


@pytest.fixture
def author(db):
    return UserFactory(email="author@example.org", full_name="Ada Author")


@pytest.fixture
def make_publication():
    def make(user, **fields):
        fields.setdefault("title", "A paper")
        return Publication.objects.create(user=user, **fields)

    return make
