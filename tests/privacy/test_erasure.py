"""Pseudonymisation of an account: what is replaced, deleted and kept (privacy/erasure.py),
its idempotence, the email and the audit event; and that every relation to an account is
named in privacy/erasure.py's tables."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from assignment.models import Bid
from portal.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    Membership,
    OutgoingEmail,
    User,
)
from portal.services.mail import email_queue
from portal.services.tokens import api_token_create
from privacy.erasure import DELETED, KEPT, PSEUDONYMISED
from privacy.models import ErasedAccount
from privacy.services.erasure import account_pseudonymise
from reviews.models import (
    Assignment,
    ConflictRecord,
    Review,
    ReviewerApplication,
    ReviewerExpertise,
    ReviewerRating,
    ReviewerTie,
    WorkshopInvitation,
)
from submissions.models import Author, Submission, SubmissionFile
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
    ReviewerExpertiseFactory,
    ReviewerTieFactory,
    ReviewFactory,
    SubmissionFactory,
    SubmissionFileFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    """Someone who did a bit of everything: evaluator in two organisations (alone in one),
    reviewer with a CV, a tie, expertise, reviews submitted and in draft, a rating."""
    user = UserFactory(email="Pat.Person@example.org", full_name="Pat Person")
    user.groups.add(Group.objects.create(name="Some group"))
    return user


@pytest.fixture
def world(person, django_capture_on_commit_callbacks):
    w = {}
    workshop = w["workshop"] = WorkshopFactory()
    # Alone in this organisation: their draft goes, with its file.
    solo = MembershipFactory(user=person, role=Membership.Role.ADMIN).organisation
    w["solo_draft"] = SubmissionFactory(workshop=workshop, organisation=solo, contact=person)
    w["solo_file"] = SubmissionFileFactory(submission=w["solo_draft"])
    # A shared organisation: its draft and submitted evaluation stay, handed over.
    shared = w["shared"] = OrganisationFactory(name="Shared Lab")
    MembershipFactory(user=person, organisation=shared, role=Membership.Role.ADMIN)
    w["colleague"] = MembershipFactory(organisation=shared, role=Membership.Role.MEMBER).user
    w["shared_draft"] = SubmissionFactory(workshop=workshop, organisation=shared, contact=person)
    Author.objects.create(submission=w["shared_draft"], user=person, name="Pat Person")
    Author.objects.create(submission=w["shared_draft"], name="Someone Else")
    w["submitted"] = CompleteSubmissionFactory(
        workshop=workshop, organisation=shared, contact=person, state=Submission.State.ELIGIBLE
    )
    Submission.objects.filter(pk=w["submitted"].pk).update(submitted_at=timezone.now())
    Author.objects.create(submission=w["submitted"], user=person, name="Pat Person")
    # Reviewing.
    application = w["application"] = ReviewerApplicationFactory(
        workshop=workshop, user=person, state=ReviewerApplication.State.APPROVED
    )
    application.cv_file.save("cv.pdf", ContentFile(b"%PDF-1.4 cv"), save=True)
    w["cv_name"] = application.cv_file.name
    ReviewerExpertiseFactory(application=application)
    w["tie"] = ReviewerTieFactory(user=person, note="Consulted for them in 2024")
    other = CompleteSubmissionFactory(workshop=workshop, state=Submission.State.ELIGIBLE)
    w["submitted_review"] = ReviewFactory(
        assignment=AssignmentFactory(submission=other, workshop=workshop, reviewer=person),
        state=Review.State.SUBMITTED,
        submitted_at=timezone.now(),
    )
    another = CompleteSubmissionFactory(workshop=workshop, state=Submission.State.ELIGIBLE)
    w["draft_review"] = ReviewFactory(
        assignment=AssignmentFactory(submission=another, workshop=workshop, reviewer=person)
    )
    declined = CompleteSubmissionFactory(workshop=workshop, state=Submission.State.ELIGIBLE)
    AssignmentFactory(
        submission=declined,
        workshop=workshop,
        reviewer=person,
        state=Assignment.State.DECLINED,
        decline_reason="My sister works there",
    )
    Bid.objects.create(workshop=workshop, submission=other, reviewer=person, value="eager")
    ConflictRecord.objects.create(
        reviewer=person, submission=declined, action="recorded", reason="Family tie"
    )
    ReviewerRating.objects.create(
        workshop=workshop, reviewer=person, rating=4, note="Thorough but late"
    )
    WorkshopInvitation.objects.create(
        workshop=workshop, user=person, kind="reviewer", dietary_needs="Halal"
    )
    # Sign-in data.
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={})
    api_token_create(user=person, name="My script", scopes=["submissions:read"])
    w["open_invitation"] = InvitationFactory(email="pat.person@example.org")
    w["accepted_invitation"] = InvitationFactory(
        email="Pat.Person@example.org", organisation=shared, accepted_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=False):
        email_queue(to=["Pat.Person@example.org"], subject="Old news", body="Dear Pat")
        email_queue(to=["Pat.Person@example.org", "x@example.org"], subject="Both", body="Hi")
    return w


def test_pseudonymisation_replaces_deletes_and_keeps(
    person, world, staff, client, django_capture_on_commit_callbacks
):
    client.force_login(person)
    assert Session.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        erased = account_pseudonymise(user=person, by=staff)

    person.refresh_from_db()
    code = erased.code
    # The account: pseudonym, no way in.
    assert person.email == f"erased-{code}@invalid"
    assert person.full_name == f"Former participant {code}"
    assert not person.is_active and not person.has_usable_password()
    assert not person.groups.exists()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Authenticator.objects.filter(user=person).exists()
    assert not ApiToken.objects.filter(user=person).exists()
    assert not Membership.objects.filter(user=person).exists()
    assert Session.objects.count() == 0
    # Invitations by address: the open one deleted, the accepted one without the address.
    assert not Invitation.objects.filter(pk=world["open_invitation"].pk).exists()
    assert Invitation.objects.get(pk=world["accepted_invitation"].pk).email == person.email
    # Drafts: alone -> deleted with the stored file; shared -> kept, handed over.
    assert not Submission.objects.filter(pk=world["solo_draft"].pk).exists()
    assert not SubmissionFile.objects.filter(pk=world["solo_file"].pk).exists()
    assert not default_storage.exists(world["solo_file"].file.name)
    shared_draft = Submission.objects.get(pk=world["shared_draft"].pk)
    assert shared_draft.contact == world["colleague"]
    assert list(shared_draft.authors.values_list("name", flat=True)) == ["Someone Else"]
    submitted = Submission.objects.get(pk=world["submitted"].pk)
    assert submitted.contact == world["colleague"]
    assert submitted.authors.filter(user=person).exists()  # as submitted
    # The colleague became the shared organisation's administrator.
    assert Membership.objects.get(user=world["colleague"]).role == Membership.Role.ADMIN
    # Reviewing: the personal texts cleared, the CV file deleted, the figures kept.
    application = ReviewerApplication.objects.get(pk=world["application"].pk)
    assert (application.statement, application.affiliation, application.cv_link) == ("", "", "")
    assert (application.cv_file.name, application.languages) == ("", [])
    assert application.state == ReviewerApplication.State.APPROVED
    assert not default_storage.exists(world["cv_name"])
    assert not ReviewerExpertise.objects.filter(application=application).exists()
    tie = ReviewerTie.objects.get(pk=world["tie"].pk)
    assert tie.note == "" and tie.organisation_id == world["tie"].organisation_id
    assert Review.objects.filter(pk=world["submitted_review"].pk).exists()
    assert not Review.objects.filter(pk=world["draft_review"].pk).exists()
    assert Assignment.objects.filter(reviewer=person).count() == 3
    assert set(Assignment.objects.values_list("decline_reason", flat=True)) == {""}
    assert Bid.objects.filter(reviewer=person).count() == 1
    assert ConflictRecord.objects.get(reviewer=person).reason == "Family tie"
    rating = ReviewerRating.objects.get(reviewer=person)
    assert (rating.rating, rating.note) == (4, "")
    assert WorkshopInvitation.objects.get(user=person).dietary_needs == ""
    # The outbox forgets the address; the last email goes to it.
    assert not OutgoingEmail.objects.filter(subject__contains="Old news").exists()
    assert OutgoingEmail.objects.get(subject__contains="Both").to == ["x@example.org"]
    (done,) = [m for m in mail.outbox if "deleted" in m.subject]
    assert done.to == ["Pat.Person@example.org"]
    # The log: counts, and no name or address in clear.
    event = AuditEvent.objects.get(action="account.pseudonymised")
    assert (event.actor, event.object_type, event.object_code) == (staff, "user", str(person.pk))
    counts = event.details["counts"]
    assert counts["drafts_deleted"] == 1 and counts["draft_files_deleted"] == 1
    assert counts["drafts_kept"] == 1 and counts["submissions_kept"] == 1
    assert counts["reviews_kept"] == 1 and counts["assignments_kept"] == 3
    assert counts["deleted"]["reviews.Review"] == 1
    assert counts["deleted"]["portal.Invitation"] == 1
    assert counts["cleared"]["portal.Invitation"] == 1
    assert counts["contacts_handed_over"] == 2 and counts["administrators_promoted"] == 1
    text = json.dumps([e.changes | e.details for e in AuditEvent.objects.all()]).lower()
    assert "pat" not in text and "person@" not in text
    deleted_draft = AuditEvent.objects.get(action="submission.deleted")
    assert deleted_draft.details == {"reason": "erasure", "files": 1}


def test_pseudonymisation_is_idempotent(person, world, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = account_pseudonymise(user=person, by=staff)
    events, emails = AuditEvent.objects.count(), OutgoingEmail.objects.count()
    person.refresh_from_db()
    snapshot = User.objects.filter(pk=person.pk).values().get()

    with django_capture_on_commit_callbacks(execute=True):
        second = account_pseudonymise(user=person, by=staff)

    assert second == first and ErasedAccount.objects.count() == 1
    assert (AuditEvent.objects.count(), OutgoingEmail.objects.count()) == (events, emails)
    assert User.objects.filter(pk=person.pk).values().get() == snapshot


def test_a_pseudonymised_account_cannot_sign_in(person, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        erased = account_pseudonymise(user=person, by=None)
    person.refresh_from_db()

    for email in ("Pat.Person@example.org", f"erased-{erased.code}@invalid"):
        client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
        assert "_auth_user_id" not in client.session
    # A session made before the erasure (forced here) does not let them in either.
    client.force_login(person)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302


def test_an_erased_reviewers_name_is_their_pseudonym_everywhere(person, world):
    erased = account_pseudonymise(user=person, by=None)
    person.refresh_from_db()
    assert str(person) == f"Former participant {erased.code}"
    assert AuditEvent.objects.get(action="account.pseudonymised").actor_system == "system"


# --- the tables ----------------------------------------------------------------------------


def _relations_to_accounts() -> set[str]:
    """ "app.Model.field" of every foreign key and one-to-one field pointing at User."""
    names = set()
    for relation in User._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and not relation.many_to_many:
            if relation.related_model._meta.auto_created:
                continue  # the account's groups and permissions, cleared (privacy.services)
            names.add(f"{relation.related_model._meta.label}.{relation.field.name}")
    return names


def test_every_relation_to_an_account_is_named_in_the_erasure_tables():
    """A new model pointing at accounts must say what erasure does with its rows."""
    named = set(KEPT)
    named |= {f"{label}.{rule.owner}" for label, rule in PSEUDONYMISED.items()}
    named |= {f"{label}.{rule.owner}" for label, rule in DELETED.items()}
    assert sorted(_relations_to_accounts() - named) == []


def test_every_field_of_the_tables_exists():
    from django.apps import apps

    for label, rule in PSEUDONYMISED.items():
        model = apps.get_model(label)
        for name in rule.fields:
            model._meta.get_field(name)
    for relation in KEPT:
        label, name = relation.rsplit(".", 1)
        apps.get_model(label)._meta.get_field(name)
