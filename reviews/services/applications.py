"""Writes for reviewer applications. Views call these; nothing else saves them."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.languages import EU_LANGUAGES
from portal.models import User, Workshop
from portal.permissions import has_perm
from portal.services.audit import audit_changes, audit_record, audit_stored, personal
from portal.services.mail import absolute_url, email_queue_from_templates
from reviews.models import (
    STATEMENT_MAX_LENGTH,
    ReviewerApplication,
    ReviewerExpertise,
)
from submissions.files import file_validate
from submissions.models import Method, RiskArea

State = ReviewerApplication.State

CV_ALLOWED_KINDS = frozenset({"pdf"})

# What the audit log compares before and after a change; the applicant's own words (and a
# link or employer that may name them) are kept as hashes only.
_AUDITED_FIELDS = ["statement", "affiliation", "cv_link", "languages", "max_reviews", "cv_sha256"]
_PERSONAL_FIELDS = frozenset({"statement", "affiliation", "cv_link"})


def _audit_state(application: ReviewerApplication) -> dict:
    """The application as stored: its fields and its levels of expertise."""
    if application.pk is None:
        return {}
    state = audit_stored(application, _AUDITED_FIELDS)
    state["expertise"] = sorted(
        f"{'area' if area else 'method'}:{area or method}={level}"
        for area, method, level in application.expertise.values_list(
            "risk_area__code", "method__code", "level"
        )
    )
    return state


def _audit_changes(before: dict, after: dict) -> dict:
    changes = audit_changes(before, after)
    for name in _PERSONAL_FIELDS & set(changes):
        changes[name] = [personal(value) for value in changes[name]]
    return changes


def _clean_languages(languages: Iterable[str]) -> list[str]:
    chosen = set(languages)
    unknown = chosen - {code for code, _name in EU_LANGUAGES}
    if unknown:
        raise ValidationError(
            {"languages": _("Choose languages from the list of EU official languages.")}
        )
    if not chosen:
        raise ValidationError({"languages": _("Choose at least one language you can review in.")})
    # Stored in the list's order, so two saves of the same choice compare equal.
    return [code for code, _name in EU_LANGUAGES if code in chosen]


def _clean_levels(
    area_levels: Mapping[RiskArea, int], method_levels: Mapping[Method, int]
) -> tuple[dict[RiskArea, int], dict[Method, int]]:
    valid = set(ReviewerExpertise.Level.values)
    areas = {area: level for area, level in area_levels.items() if level}
    methods = {method: level for method, level in method_levels.items() if level}
    if any(level not in valid for level in [*areas.values(), *methods.values()]):
        raise ValidationError(_("Choose a level from the list for each area and method."))
    if not areas and not methods:
        raise ValidationError(
            _("Tell us your level of expertise in at least one risk area or evaluation method.")
        )
    return areas, methods


def _clean_statement(statement: str) -> str:
    statement = statement.strip()
    if not statement:
        raise ValidationError({"statement": _("Describe your expertise.")})
    if len(statement) > STATEMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "statement": _("Keep the statement to %(max)d characters or fewer.")
                % {"max": STATEMENT_MAX_LENGTH}
            }
        )
    return statement


def _validate_cv(cv_upload: UploadedFile | None):
    if cv_upload is None:
        return None
    try:
        return file_validate(upload=cv_upload, allowed=CV_ALLOWED_KINDS)
    except ValidationError as error:
        raise ValidationError({"cv_upload": error.messages}) from None


def _delete_file_after_commit(name: str) -> None:
    # Only once the row no longer points at it: a rollback must not lose the CV.
    if name:
        storage = ReviewerApplication._meta.get_field("cv_file").storage
        transaction.on_commit(lambda: storage.delete(name))


def _validated(
    *,
    application: ReviewerApplication,
    statement: str,
    affiliation: str,
    cv_link: str,
    cv_upload: UploadedFile | None,
    keeps_file: bool,
    languages: Iterable[str],
    max_reviews: int,
    area_levels: Mapping[RiskArea, int],
    method_levels: Mapping[Method, int],
) -> dict:
    """Every check at once, so that the form shows every problem; sets the plain fields on
    `application` (not saved) and returns the cleaned levels and CV, or raises."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    for key, check in (
        ("statement", lambda: _clean_statement(statement)),
        ("languages", lambda: _clean_languages(languages)),
        ("levels", lambda: _clean_levels(area_levels, method_levels)),
        ("cv", lambda: _validate_cv(cv_upload)),
    ):
        try:
            cleaned[key] = check()
        except ValidationError as error:
            for field, messages in error.update_error_dict({}).items():
                errors.setdefault(field, []).extend(messages)

    if not cv_link and not keeps_file and cleaned.get("cv") is None and "cv_upload" not in errors:
        errors.setdefault("cv_link", []).append(
            _("Give a link to your CV, upload it as a PDF, or both.")
        )

    application.statement = cleaned.get("statement", statement)
    application.affiliation = affiliation.strip()
    application.cv_link = cv_link
    application.languages = cleaned.get("languages", [])
    application.max_reviews = max_reviews
    try:
        application.full_clean(exclude=["workshop", "user", "cv_file", "languages", "statement"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _write(
    *,
    application: ReviewerApplication,
    cv_upload: UploadedFile | None,
    remove_cv_file: bool,
    **fields,
) -> ReviewerApplication:
    """Validate everything first, then save: a refused CV leaves no half-saved change."""
    old_file = application.cv_file.name if application.cv_file else ""
    cleaned = _validated(
        application=application,
        cv_upload=cv_upload,
        keeps_file=bool(old_file) and not remove_cv_file,
        **fields,
    )
    validated = cleaned["cv"]
    if validated is not None or remove_cv_file:
        _delete_file_after_commit(old_file)
        application.cv_file = None
        application.cv_original_name = ""
        application.cv_size = None
        application.cv_sha256 = ""
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Two submits of the same form at once: the unique constraint let one through.
        raise ValidationError(_("You have already applied for this call.")) from None

    areas, methods = cleaned["levels"]
    application.expertise.all().delete()
    ReviewerExpertise.objects.bulk_create(
        [
            ReviewerExpertise(application=application, risk_area=area, level=level)
            for area, level in areas.items()
        ]
        + [
            ReviewerExpertise(application=application, method=method, level=level)
            for method, level in methods.items()
        ]
    )

    if validated is not None:
        # The file goes to storage last, after every check and row write has succeeded.
        application.cv_file.save("cv.pdf", cv_upload, save=False)
        application.cv_original_name = validated.original_name[:255]
        application.cv_size = validated.size
        application.cv_sha256 = validated.sha256
        application.save(
            update_fields=["cv_file", "cv_original_name", "cv_size", "cv_sha256", "updated_at"]
        )
    return application


@transaction.atomic
def application_apply(
    *,
    workshop: Workshop,
    user: User,
    statement: str,
    affiliation: str,
    cv_link: str = "",
    cv_upload: UploadedFile | None = None,
    remove_cv_file: bool = False,
    languages: Iterable[str],
    max_reviews: int = 5,
    area_levels: Mapping[RiskArea, int],
    method_levels: Mapping[Method, int],
) -> ReviewerApplication:
    """Apply to review for a workshop. Applying again after withdrawing reopens the same row,
    keeping its uploaded CV unless `remove_cv_file` or a new upload replaces it."""
    if not has_perm(user, "reviews.apply", workshop):
        raise ValidationError(_("This call does not accept reviewer applications at the moment."))
    application = (
        ReviewerApplication.objects.select_for_update().filter(workshop=workshop, user=user).first()
    )
    if application is not None and application.state != State.WITHDRAWN:
        raise ValidationError(_("You have already applied for this call."))
    reapplied = application is not None
    if application is None:
        application = ReviewerApplication(workshop=workshop, user=user)
    application.state = State.PENDING
    application.withdrawn_at = None
    application.decided_by = None
    application.decided_at = None
    application.decision_reason = ""
    _write(
        application=application,
        statement=statement,
        affiliation=affiliation,
        cv_link=cv_link,
        cv_upload=cv_upload,
        remove_cv_file=remove_cv_file,
        languages=languages,
        max_reviews=max_reviews,
        area_levels=area_levels,
        method_levels=method_levels,
    )
    state = _audit_state(application)
    audit_record(
        action="reviewer_application.submitted",
        obj=application,
        actor=user,
        details={
            "reapplied": reapplied,
            "languages": state["languages"],
            "max_reviews": state["max_reviews"],
            "expertise": state["expertise"],
            "cv_file": bool(state["cv_sha256"]),
            "cv_link": bool(state["cv_link"]),
        },
    )
    return application


def _lock(application: ReviewerApplication) -> ReviewerApplication:
    """Re-read the row under a lock, so a decision and an edit cannot cross."""
    locked = ReviewerApplication.objects.select_for_update().get(pk=application.pk)
    application.state = locked.state
    return application


@transaction.atomic
def application_update(
    *,
    application: ReviewerApplication,
    statement: str,
    affiliation: str,
    cv_link: str = "",
    cv_upload: UploadedFile | None = None,
    remove_cv_file: bool = False,
    languages: Iterable[str],
    max_reviews: int,
    area_levels: Mapping[RiskArea, int],
    method_levels: Mapping[Method, int],
) -> ReviewerApplication:
    _lock(application)
    if application.state != State.PENDING:
        raise ValidationError(_("The application was decided and can no longer be edited."))
    before = _audit_state(application)
    _write(
        application=application,
        statement=statement,
        affiliation=affiliation,
        cv_link=cv_link,
        cv_upload=cv_upload,
        remove_cv_file=remove_cv_file,
        languages=languages,
        max_reviews=max_reviews,
        area_levels=area_levels,
        method_levels=method_levels,
    )
    _record_update(application, before)
    return application


def _record_update(application: ReviewerApplication, before: dict) -> None:
    # Only the applicant changes their application (reviews.edit_application).
    changes = _audit_changes(before, _audit_state(application))
    if changes:
        audit_record(
            action="reviewer_application.updated",
            obj=application,
            actor=application.user,
            changes=changes,
        )


@transaction.atomic
def application_update_availability(
    *, application: ReviewerApplication, max_reviews: int, languages: Iterable[str]
) -> ReviewerApplication:
    """What an approved reviewer may still change: how much they review, and in which languages."""
    _lock(application)
    if application.state not in (State.PENDING, State.APPROVED):
        raise ValidationError(_("Only a pending or approved application can be changed."))
    before = _audit_state(application)
    application.languages = _clean_languages(languages)
    application.max_reviews = max_reviews
    application.full_clean(exclude=["workshop", "user", "cv_file", "languages"])
    application.save(update_fields=["languages", "max_reviews", "updated_at"])
    _record_update(application, before)
    return application


@transaction.atomic
def application_withdraw(*, application: ReviewerApplication) -> ReviewerApplication:
    _lock(application)
    if application.state not in (State.PENDING, State.APPROVED):
        raise ValidationError(_("Only a pending or approved application can be withdrawn."))
    state_before = application.state
    application.state = State.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["state", "withdrawn_at", "updated_at"])
    audit_record(
        action="reviewer_application.withdrawn",
        obj=application,
        actor=application.user,
        changes={"state": [state_before, application.state]},
    )
    return application


def application_url(*, application: ReviewerApplication) -> str:
    path = reverse("reviews:application_detail", args=[application.code])
    return absolute_url(path)


def _decide(
    *, application: ReviewerApplication, decided_by: User, state: str, reason: str
) -> ReviewerApplication:
    _lock(application)
    if application.state == State.WITHDRAWN:
        raise ValidationError(_("The applicant withdrew this application."))
    if application.state == state:
        raise ValidationError(_("The application already has this decision."))
    state_before = application.state
    application.state = state
    application.decided_by = decided_by
    application.decided_at = timezone.now()
    application.decision_reason = reason.strip()
    application.save(
        update_fields=["state", "decided_by", "decided_at", "decision_reason", "updated_at"]
    )
    audit_record(
        action=(
            "reviewer_application.approved"
            if state == State.APPROVED
            else "reviewer_application.declined"
        ),
        obj=application,
        actor=decided_by,
        changes={"state": [state_before, state]},
        # Written to the applicant about them: its hash only.
        details={"reason": personal(application.decision_reason)},
    )
    applicant = application.user
    # Queued in the same transaction and sent after commit: a rolled-back decision sends
    # nothing, and a broker outage delays the email without losing it.
    email_queue_from_templates(
        to=[applicant.email],
        template_prefix="reviews/email/decision",
        context={
            "application": application,
            "workshop": application.workshop,
            "applicant": applicant,
            "approved": state == State.APPROVED,
            "reason": application.decision_reason,
            "url": application_url(application=application),
        },
        language=applicant.preferred_language,
    )
    return application


@transaction.atomic
def application_approve(
    *, application: ReviewerApplication, decided_by: User, reason: str = ""
) -> ReviewerApplication:
    return _decide(
        application=application, decided_by=decided_by, state=State.APPROVED, reason=reason
    )


@transaction.atomic
def application_decline(
    *, application: ReviewerApplication, decided_by: User, reason: str
) -> ReviewerApplication:
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for declining; the applicant will read it.")}
        )
    return _decide(
        application=application, decided_by=decided_by, state=State.DECLINED, reason=reason
    )
