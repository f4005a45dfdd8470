"""Writes for the ties reviewers declare (conflicts of interest they know of)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Organisation, User
from portal.services.audit import audit_record, personal
from reviews.models import ReviewerTie
from submissions.models import Provider


@transaction.atomic
def tie_add(
    *,
    user: User,
    tie_type: str,
    organisation: Organisation | None = None,
    provider: Provider | None = None,
    note: str = "",
) -> ReviewerTie:
    if (organisation is None) == (provider is None):
        raise ValidationError(_("Choose either an organisation or a model provider, not both."))
    tie = ReviewerTie(
        user=user,
        organisation=organisation,
        provider=provider,
        tie_type=tie_type,
        note=note.strip(),
    )
    tie.full_clean(exclude=["user"], validate_constraints=False)
    duplicate = ReviewerTie.objects.filter(
        user=user,
        organisation=organisation,
        provider=provider,
        tie_type=tie_type,
        ended_at__isnull=True,
    ).exists()
    if duplicate:
        raise ValidationError(_("You have already declared this tie."))
    try:
        with transaction.atomic():
            tie.save()
    except IntegrityError:
        raise ValidationError(_("You have already declared this tie.")) from None
    audit_record(
        action="tie.declared",
        obj=tie,
        actor=user,
        details={
            "tie_type": tie.tie_type,
            "organisation": organisation,
            "provider": provider,
            "note": personal(tie.note),
        },
    )
    return tie


@transaction.atomic
def tie_end(*, tie: ReviewerTie) -> ReviewerTie:
    """Mark a tie as ended. The row stays: past conflict decisions may depend on it."""
    locked = ReviewerTie.objects.select_for_update().get(pk=tie.pk)
    if locked.ended_at is not None:
        raise ValidationError(_("This tie has already ended."))
    tie.ended_at = timezone.now()
    tie.save(update_fields=["ended_at"])
    # Only its owner ends a tie (reviews.end_tie).
    audit_record(
        action="tie.ended",
        obj=tie,
        actor=tie.user,
        details={"tie_type": tie.tie_type},
    )
    return tie
