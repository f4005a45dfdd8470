"""The world of the permission matrix, shared by the browser's and the API's matrix."""

import pytest
from django.conf import settings
from django.db import transaction

from tests.permissions.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(settings, "MEDIA_ROOT", str(media))
            built = build_world()
        built.media_root = str(media)
        yield built
        transaction.set_rollback(True)
