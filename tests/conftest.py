"""Personas and shared fixtures. Each permission test is one line per persona."""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from celery._state import _set_task_join_will_block
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group

from portal.celery import app as celery_app
from portal.models import Membership
from tests.browser_support import browser, page  # noqa: F401 - fixtures, used by name
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.redis_server import redis_server  # noqa: F401 - a fixture, used by name
from tests.worker import celery_worker_process  # noqa: F401 - a fixture, used by name


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end sessions other threads or processes left
    open (live-server threads, a stopped worker's pool); PostgreSQL refuses to drop a
    database that is in use."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process unless a test asks for the real worker (marker `worker`)."""
    # Celery keeps "may a result be joined here" in a process-wide flag that eager tasks
    # run by two live-server threads at once can leave set; start every test clean.
    _set_task_join_will_block(False)
    if request.node.get_closest_marker("worker"):
        yield
        return
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts and ends in English: a request by a user with a preferred language
    activates it for the thread (portal.middleware), and the next test's own code, run
    outside a request, would otherwise speak it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _empty_cache(_test_settings):
    """Each test starts with an empty cache (rate limits, cached totals)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Fast hashing: tests create hundreds of users; real hashers are tested by Django.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _reseed_after_flush(request):
    """Put back the rows migrations seed (vocabularies, staff group) for transactional tests.

    A transactional test empties every table when it ends; the next one would otherwise
    start without the data a fresh installation has.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from submissions.models import Method, Provider, RiskArea

    taxonomy = importlib.import_module("submissions.migrations.0002_taxonomy")
    taxonomy.seed_vocabularies(RiskArea, Method, Provider)
    Group.objects.get_or_create(name=settings.STAFF_GROUP_NAME)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Centre for Frontier Model Evaluation")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Other Evaluation Lab")


@pytest.fixture
def evaluator(organisation):
    user = UserFactory(email="evaluator@example.org", full_name="Erik Evaluator")
    MembershipFactory(organisation=organisation, user=user, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def org_admin(organisation):
    user = UserFactory(email="orgadmin@example.org", full_name="Anna Admin")
    MembershipFactory(organisation=organisation, user=user, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def other_evaluator(other_organisation):
    user = UserFactory(email="other@example.org", full_name="Olga Other")
    MembershipFactory(organisation=other_organisation, user=user, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org", full_name="Otto Outsider")


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def staff_without_mfa(db):
    user = UserFactory(email="staff-nomfa@example.org", full_name="Sam Staff")
    user.groups.add(Group.objects.get(name=settings.STAFF_GROUP_NAME))
    return user


@pytest.fixture
def staff(db):
    """AI Office staff with TOTP active. `staff.totp_secret` holds the secret."""
    user = UserFactory(email="staff@example.org", full_name="Sofie Staff")
    user.groups.add(Group.objects.get(name=settings.STAFF_GROUP_NAME))
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    user.totp_secret = secret
    return user


@pytest.fixture
def superuser(db):
    """A Django superuser with TOTP active: AI Office staff and admin of the Django admin,
    but not a member of any organisation."""
    user = UserFactory(
        email="root@example.org", full_name="Root Superuser", is_staff=True, is_superuser=True
    )
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def reviewer(db):
    """An approved reviewer (for a workshop of their own; pass one in where it matters)."""
    from tests.factories import ReviewerApplicationFactory

    user = UserFactory(email="reviewer@example.org", full_name="Rui Reviewer")
    ReviewerApplicationFactory(state="approved", user=user)
    return user


@pytest.fixture
def conflicted_reviewer(organisation):
    """An approved reviewer with a declared tie to `organisation`."""
    from tests.factories import ReviewerApplicationFactory, ReviewerTieFactory

    user = UserFactory(email="conflicted@example.org", full_name="Cora Conflicted")
    ReviewerApplicationFactory(state="approved", user=user)
    ReviewerTieFactory(user=user, organisation=organisation)
    return user


def totp_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))
