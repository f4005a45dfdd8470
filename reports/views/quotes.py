"""The quotes the summary prints: staff choose them among the quotable justifications,
criterion by criterion, and may edit the printed text or revert it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import lookups as portal_lookups
from portal.concurrency import StaleEditError
from portal.filters import filters_from
from portal.forms import add_service_errors
from portal.models import Workshop
from portal.permissions import permission_required
from reports import lookups, selectors
from reports.forms import QuoteEditForm, QuoteFilterForm
from reports.models import QuoteSelection
from reports.services import quotes
from reports.views.common import render_staff, stale_message
from reviews.models import CriterionScore

QUOTES_PER_PAGE = 50


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_GET
def quote_list(request, workshop: Workshop):
    criteria_set, criteria = selectors.scored_criteria(workshop=workshop)
    form = filters_from(request, QuoteFilterForm, criteria=criteria)
    code = form.filters()["criterion"] or (criteria[0].code if criteria else "")
    scores = selectors.quote_candidates(
        workshop=workshop, criteria_set=criteria_set, criterion_code=code
    )
    page = Paginator(scores, QUOTES_PER_PAGE).get_page(form.page_number)
    return render_staff(
        request,
        "reports/staff/quotes.html",
        workshop,
        {
            "criteria": criteria,
            "current": code,
            "page": page,
            "form": form,
            "selected_count": selectors.quote_selections_count(workshop=workshop),
        },
        status=form.status,
    )


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_POST
def quote_toggle(request, workshop: Workshop):
    score_id = request.POST.get("score", "")
    score = get_object_or_404(
        CriterionScore,
        pk=int(score_id) if score_id.isdigit() else 0,
        review__assignment__workshop=workshop,
    )
    try:
        if request.POST.get("action") == "remove":
            quotes.quote_remove(workshop=workshop, score=score, user=request.user)
            messages.success(request, _("Quote removed from the summary."))
        else:
            quotes.quote_select(workshop=workshop, score=score, user=request.user)
            messages.success(request, _("Quote added to the summary."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    url = reverse("reports:quotes", args=[workshop.code])
    page = request.POST.get("page", "")
    query = urlencode({"criterion": score.criterion.code, "page": page if page.isdigit() else 1})
    return redirect(f"{url}?{query}")


def _posted_revision(request) -> int:
    value = request.POST.get("revision", "")
    # A missing or mangled revision can match no saved one: the edit is refused as stale.
    return int(value) if value.isdigit() else -1


def _save(request, selection: QuoteSelection, form: QuoteEditForm, *, revert: bool) -> None:
    revision = _posted_revision(request)
    if revert:
        quotes.quote_revert(selection=selection, revision=revision, user=request.user)
        messages.success(request, _("The quote prints the reviewer's words again."))
    else:
        text = form.cleaned_data["text"]
        quotes.quote_edit(selection=selection, text=text, revision=revision, user=request.user)
        messages.success(request, _("The quote's printed text was saved."))


@permission_required("reports.manage_reports", lookup=lookups.quote_selection)
def quote_edit(request, selection: QuoteSelection):
    """Edit or revert the text the summary prints for a chosen quote."""
    workshop = selection.workshop
    back = (
        reverse("reports:quotes", args=[workshop.code])
        + f"?criterion={selection.score.criterion.code}"
    )
    status = 200
    stale = None
    if request.method == "POST":
        form = QuoteEditForm(request.POST)
        revert = request.POST.get("action") == "revert"
        if not revert and not form.is_valid():
            status = 400
        else:
            try:
                _save(request, selection, form, revert=revert)
                return redirect(back)
            except StaleEditError as error:
                stale, status = error, 409
                data = request.POST.copy()
                data["revision"] = str(error.current)
                form = QuoteEditForm(data)
                selection = selectors.quote_selection_get_for_user(
                    workshop=workshop, code=selection.code, user=request.user
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "gone":
                    messages.error(request, " ".join(error.messages))
                    return redirect(back)
                add_service_errors(form, error)
                status = 400
    else:
        form = QuoteEditForm(
            initial={
                "text": selection.edited_text or selection.score.justification,
                "revision": selection.revision,
            }
        )
    return render_staff(
        request,
        "reports/staff/quote_edit.html",
        workshop,
        {
            "selection": selection,
            "form": form,
            "stale": stale,
            "stale_message": stale_message() if stale else "",
            "stale_html": linebreaksbr(stale.current_value, autoescape=True) if stale else "",
            "back_url": back,
        },
        status=status,
    )
