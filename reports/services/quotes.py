"""The quotes the public summary prints: staff choose reviewers' justifications (tagged
gap or aligned, from evaluations whose submitters allow citing them) and may edit the
printed text; the reviewer's own text is never changed."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.concurrency import check_revision
from portal.models import User, Workshop
from reports.data import quotable_scores
from reports.models import QuoteSelection
from reviews.models import CriterionScore

logger = logging.getLogger(__name__)

QUOTE_MAX_LENGTH = 5_000


@transaction.atomic
def quote_select(*, workshop: Workshop, score: CriterionScore, user: User) -> QuoteSelection:
    """Quote a reviewer's justification (anonymised) in the summary. Only tagged gap or
    aligned justifications of submitted reviews whose submitters allow citing qualify."""
    if not quotable_scores(workshop=workshop).filter(pk=score.pk).exists():
        raise ValidationError(
            _(
                "Only a justification tagged “gap” or “aligned”, from a submitted review of "
                "an evaluation whose submitters allow citing it, can be quoted."
            )
        )
    last = QuoteSelection.objects.filter(workshop=workshop).order_by("-position").first()
    selection, _created = QuoteSelection.objects.get_or_create(
        score=score,
        defaults={
            "workshop": workshop,
            "selected_by": user,
            "position": (last.position + 1) if last else 0,
        },
    )
    return selection


@transaction.atomic
def quote_remove(*, workshop: Workshop, score: CriterionScore) -> None:
    QuoteSelection.objects.filter(workshop=workshop, score=score).delete()


def _locked_quote(*, selection: QuoteSelection, revision: int) -> QuoteSelection:
    locked = (
        QuoteSelection.objects.select_for_update()
        .select_related("score")
        .filter(pk=selection.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This quote was removed from the summary meanwhile."), code="gone")
    check_revision(
        expected=revision,
        current=locked.revision,
        current_value=locked.edited_text or locked.score.justification,
    )
    return locked


@transaction.atomic
def quote_edit(
    *, selection: QuoteSelection, text: str, revision: int, user: User
) -> QuoteSelection:
    """Set the text the summary prints for a quote (to shorten it, or to remove an
    identifying detail). The reviewer's justification stays as written; the edit is
    recorded with who made it and when, and the summary marks the quote as edited."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": _("Enter the text to print, or remove the quote from the summary.")}
        )
    if len(text) > QUOTE_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Keep this under %(max)d characters.") % {"max": QUOTE_MAX_LENGTH}}
        )
    locked = _locked_quote(selection=selection, revision=revision)
    if text == locked.score.justification.strip():
        # Unchanged from the original: not an edit, and the summary must not say it is.
        text = ""
    locked.edited_text = text
    locked.edited_by = user if text else None
    locked.edited_at = timezone.now() if text else None
    locked.revision += 1
    locked.save(update_fields=["edited_text", "edited_by", "edited_at", "revision"])
    return locked


@transaction.atomic
def quote_revert(*, selection: QuoteSelection, revision: int, user: User) -> QuoteSelection:
    """Print the reviewer's justification as written again."""
    locked = _locked_quote(selection=selection, revision=revision)
    locked.edited_text = ""
    locked.edited_by = None
    locked.edited_at = None
    locked.revision += 1
    locked.save(update_fields=["edited_text", "edited_by", "edited_at", "revision"])
    logger.info("Quote %s reverted to the original by user %s", locked.code, user.pk)
    return locked
