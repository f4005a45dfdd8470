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
from portal.services.audit import audit_record, personal
from reports.data import quotable_scores
from reports.models import QuoteSelection
from reviews.models import CriterionScore

logger = logging.getLogger(__name__)

QUOTE_MAX_LENGTH = 5_000


def _printed(text: str):
    # A quote is edited to take an identifying detail out: the log keeps neither text,
    # only that it changed (its hash and length), whatever its length.
    return personal(text)


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
    selection, created = QuoteSelection.objects.get_or_create(
        score=score,
        defaults={
            "workshop": workshop,
            "selected_by": user,
            "position": (last.position + 1) if last else 0,
        },
    )
    if created:
        audit_record(
            action="quote.selected",
            obj=selection,
            actor=user,
            details={"score": score.pk, "position": selection.position},
        )
    return selection


@transaction.atomic
def quote_remove(*, workshop: Workshop, score: CriterionScore, user: User) -> None:
    selection = QuoteSelection.objects.filter(workshop=workshop, score=score).first()
    if selection is None:
        return
    audit_record(
        action="quote.removed",
        obj=selection,
        actor=user,
        details={"score": score.pk, "was_edited": bool(selection.edited_text)},
    )
    selection.delete()


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
    before = locked.edited_text
    locked.edited_text = text
    locked.edited_by = user if text else None
    locked.edited_at = timezone.now() if text else None
    locked.revision += 1
    locked.save(update_fields=["edited_text", "edited_by", "edited_at", "revision"])
    if before != text:
        audit_record(
            action="quote.edited",
            obj=locked,
            actor=user,
            changes={"edited_text": [_printed(before), _printed(text)]},
            details={"score": locked.score_id, "revision": locked.revision},
        )
    return locked


@transaction.atomic
def quote_revert(*, selection: QuoteSelection, revision: int, user: User) -> QuoteSelection:
    """Print the reviewer's justification as written again."""
    locked = _locked_quote(selection=selection, revision=revision)
    before = locked.edited_text
    locked.edited_text = ""
    locked.edited_by = None
    locked.edited_at = None
    locked.revision += 1
    locked.save(update_fields=["edited_text", "edited_by", "edited_at", "revision"])
    if before:
        audit_record(
            action="quote.reverted",
            obj=locked,
            actor=user,
            changes={"edited_text": [_printed(before), _printed("")]},
            details={"score": locked.score_id, "revision": locked.revision},
        )
    logger.info("Quote %s reverted to the original by user %s", locked.code, user.pk)
    return locked
