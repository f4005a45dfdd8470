"""The personal-data inventory (privacy.inventory) covers every field that points to a
person, names fields that exist, and never exports a secret or another person."""

import pytest
from django.apps import apps
from django.conf import settings

from privacy.inventory import CATEGORIES, DERIVED, NOT_EXPORTED, SOURCES
from privacy.selectors import field_of_path, source_model

# Every (model, field) of the project that points to the user model, as of this issue.
# A new one fails test_every_field_pointing_to_a_person_is_in_the_inventory until the
# inventory lists it; this list only documents what the inventory covered when written.
KNOWN_PERSON_FIELDS = {
    ("admin.LogEntry", "user"),
    ("account.EmailAddress", "user"),
    ("mfa.Authenticator", "user"),
    ("socialaccount.SocialAccount", "user"),
    ("portal.AuditEvent", "actor"),
    ("portal.Organisation", "members"),
    ("portal.Membership", "user"),
    ("portal.Invitation", "invited_by"),
    ("portal.Invitation", "accepted_by"),
    ("portal.ApiToken", "user"),
    ("submissions.SubmissionFile", "uploaded_by"),
    ("submissions.Submission", "contact"),
    ("submissions.Submission", "screened_by"),
    ("submissions.Author", "user"),
    ("submissions.SubmissionVersion", "created_by"),
    ("reviews.ReviewerApplication", "user"),
    ("reviews.ReviewerApplication", "decided_by"),
    ("reviews.ReviewerTie", "user"),
    ("reviews.ConflictRecord", "reviewer"),
    ("reviews.ConflictRecord", "created_by"),
    ("reviews.ConflictRecord", "revoked_by"),
    ("reviews.Assignment", "reviewer"),
    ("reviews.Assignment", "created_by"),
    ("reviews.ReminderLog", "sent_by"),
    ("reviews.ReviewerRating", "reviewer"),
    ("reviews.ReviewerRating", "rated_by"),
    ("reviews.WorkshopInvitation", "user"),
    ("reviews.WorkshopInvitation", "invited_by"),
    ("assignment.Bid", "reviewer"),
    ("assignment.AssignmentRun", "created_by"),
    ("assignment.AssignmentRun", "published_by"),
    ("assignment.ProposedPair", "reviewer"),
    ("assignment.InstanceExport", "created_by"),
    ("reports.ReportJob", "created_by"),
    ("reports.ReportJob", "released_by"),
    ("reports.WorkshopSummary", "updated_by"),
    ("reports.CriterionNote", "updated_by"),
    ("reports.QuoteSelection", "selected_by"),
    ("reports.QuoteSelection", "edited_by"),
    ("reports.FeedbackRemark", "updated_by"),
    ("imports.ImportRun", "created_by"),
    ("imports.SurveyMapping", "updated_by"),
    ("privacy.DataExport", "user"),
}

SECRET_MARKERS = ("password", "secret", "digest", "token", "recovery")
SECRET_NAMES = {"key", "data", "extra_data"}


def _person_fields() -> set[tuple[str, str]]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and field.related_model is user_model:
                found.add((model._meta.label, field.name))
    return found


def _covered() -> set[tuple[str, str]]:
    covered = set(NOT_EXPORTED)
    for source in SOURCES:
        for lookup in source.person:
            covered.add((source.model, lookup.split("__")[0]))
    return covered


def test_every_field_pointing_to_a_person_is_in_the_inventory():
    missing = sorted(_person_fields() - _covered())
    assert missing == [], (
        "Fields pointing to the user model that privacy/inventory.py does not list (add a "
        f"Source with the field as `person`, or NOT_EXPORTED with the reason): {missing}"
    )


def test_the_fields_pointing_to_a_person_are_those_known_when_the_inventory_was_written():
    # A reminder, not a rule: extend KNOWN_PERSON_FIELDS with the new field once the
    # inventory covers it.
    assert _person_fields() >= KNOWN_PERSON_FIELDS


@pytest.mark.parametrize("source", SOURCES, ids=[source.key for source in SOURCES])
def test_each_source_names_fields_that_exist(source):
    model = source_model(source)
    assert source.category in CATEGORIES
    assert source.person or source.email or source.custom
    links = [lookup for lookup in source.person if lookup != "pk"]
    for path in (*links, *source.email, *source.fields):
        field_of_path(model, path)
    for nested in source.nested:
        nested_model = source_model(nested)
        assert getattr(model, nested.relation).rel.related_model is nested_model
        for path in nested.fields:
            field_of_path(nested_model, path)
    if source.file:
        assert model._meta.get_field(source.file).get_internal_type() == "FileField"
        field_of_path(model, source.file_name)


@pytest.mark.parametrize("source", SOURCES, ids=[source.key for source in SOURCES])
def test_no_source_exports_another_person_or_a_secret(source):
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    specs = [(source_model(source), source.fields)]
    specs += [(source_model(nested), nested.fields) for nested in source.nested]
    for model, fields in specs:
        for path in fields:
            field = field_of_path(model, path)
            assert field.related_model is not user_model, f"{source.key}: {path} names a person"
            name = path.split("__")[-1].lower()
            assert not any(marker in name for marker in SECRET_MARKERS), path
            if model._meta.app_label in ("mfa", "socialaccount", "account"):
                assert name not in SECRET_NAMES, path


def test_source_keys_are_unique():
    keys = [source.key for source in SOURCES]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("derived", DERIVED, ids=[derived.model for derived in DERIVED])
def test_derived_data_names_a_model_no_source_can_reach(derived):
    model = apps.get_model(derived.model)
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    assert derived.what and derived.retention
    assert not [f for f in model._meta.get_fields() if f.related_model is user_model]
    assert derived.model not in {source.model for source in SOURCES}
