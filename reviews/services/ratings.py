"""Staff's ratings of reviewers' work: one rating per workshop and reviewer, replaced when
staff rate again. Used to pick the reviewers to invite to the workshop."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import User, Workshop
from portal.services.audit import audit_record, personal
from reviews.models import ReviewerRating
from reviews.selectors.applications import reviewers_of_workshop

RATING_MIN = 1
RATING_MAX = 5
NOTE_MAX_LENGTH = 2000


@transaction.atomic
def reviewer_rate(
    *, workshop: Workshop, reviewer: User, rating: int, note: str, user: User
) -> ReviewerRating:
    """Set (or replace) staff's 1-5 rating of a reviewer for the workshop."""
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    if not RATING_MIN <= rating <= RATING_MAX:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX_LENGTH}}
        )
    if not reviewers_of_workshop(workshop=workshop).filter(pk=reviewer.pk).exists():
        raise ValidationError(
            _("%(name)s is not an approved reviewer of this workshop.") % {"name": reviewer}
        )
    previous = (
        ReviewerRating.objects.filter(workshop=workshop, reviewer=reviewer)
        .values_list("rating", flat=True)
        .first()
    )
    # update_or_create locks the row; two staff rating at once leave the later rating.
    rated, _created = ReviewerRating.objects.update_or_create(
        workshop=workshop,
        reviewer=reviewer,
        defaults={"rating": rating, "note": note, "rated_by": user},
    )
    audit_record(
        action="reviewer.rated",
        obj=rated,
        actor=user,
        changes={"rating": [previous, rating]},
        # Staff's words about a person: the log keeps their hash only.
        details={"reviewer": reviewer.pk, "note": personal(note)},
    )
    return rated
