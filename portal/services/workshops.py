from django.db import transaction
from django.utils import timezone

from portal.models import User, Workshop
from portal.services.audit import audit_changes, audit_record, audit_snapshot, audit_stored

# The workshop's staff-set fields; long text (the description) is kept in the log as its
# hash and length only.
_WORKSHOP_FIELDS = list(Workshop.STAFF_FIELDS)


@transaction.atomic
def workshop_save(*, workshop: Workshop, user: User | None = None) -> Workshop:
    """Create or update a workshop; the form has validated dates in the workshop's zone."""
    created = workshop.pk is None
    # Stored values: the edit form has already written the new ones onto the instance.
    before = (
        dict.fromkeys(_WORKSHOP_FIELDS) if created else audit_stored(workshop, _WORKSHOP_FIELDS)
    )
    workshop.full_clean()
    workshop.save()
    changes = audit_changes(before, audit_snapshot(workshop, _WORKSHOP_FIELDS))
    if created or changes:
        audit_record(
            action="workshop.created" if created else "workshop.updated",
            obj=workshop,
            actor=user,
            changes=changes,
        )
    return workshop


@transaction.atomic
def workshop_release_reviews(
    *, workshop: Workshop, release: bool, user: User | None = None
) -> Workshop:
    """Show submitted reviews (anonymised) to the submitters, or stop showing them."""
    before = workshop.reviews_released_at
    workshop.reviews_released_at = timezone.now() if release else None
    workshop.save(update_fields=["reviews_released_at", "updated_at"])
    if (before is None) != (workshop.reviews_released_at is None):
        audit_record(
            action="workshop.reviews_released" if release else "workshop.reviews_withdrawn",
            obj=workshop,
            actor=user,
            changes={"reviews_released_at": [before, workshop.reviews_released_at]},
        )
    return workshop
