from django.db import transaction

from portal.models import Workshop


@transaction.atomic
def workshop_save(*, workshop: Workshop) -> Workshop:
    """Create or update a workshop; the form has validated dates in the workshop's zone."""
    workshop.full_clean()
    workshop.save()
    return workshop
