from django.db import transaction
from django.utils import timezone

from portal.models import Workshop


@transaction.atomic
def workshop_save(*, workshop: Workshop) -> Workshop:
    """Create or update a workshop; the form has validated dates in the workshop's zone."""
    workshop.full_clean()
    workshop.save()
    return workshop


@transaction.atomic
def workshop_release_reviews(*, workshop: Workshop, release: bool) -> Workshop:
    """Show submitted reviews (anonymised) to the submitters, or stop showing them."""
    workshop.reviews_released_at = timezone.now() if release else None
    workshop.save(update_fields=["reviews_released_at", "updated_at"])
    return workshop
