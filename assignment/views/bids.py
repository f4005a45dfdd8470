"""The reviewers' bidding page: the submissions of a workshop they may bid on, as
reviews.selectors.visibility shapes them, and saving bids (a page of them, or one by
autosave as JSON)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from assignment import lookups
from assignment.forms import BidFilterForm, bid_choices, posted_bids
from assignment.selectors import bidding_rows
from assignment.services import ui as ui_services
from portal.filters import filters_from
from portal.ids import may_name_a_row
from portal.pagination import AnnotatedPaginator
from portal.permissions import permission_required
from reviews.models import ReviewerApplication
from reviews.selectors.progress import risk_area_choices
from reviews.selectors.visibility import submissions_for_bidding

BIDS_PER_PAGE = 25


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@permission_required("assignment.bid", lookup=lookups.bidding_application)
@require_http_methods(["GET", "POST"])
def bid_list(request, application: ReviewerApplication):
    if request.method == "POST":
        return _save_bids(request, application)
    workshop = application.workshop
    form = filters_from(request, BidFilterForm, risk_areas=list(risk_area_choices()))
    visible = submissions_for_bidding(
        user=request.user, application=application, risk_area=form.chosen_risk_area()
    )
    paginator = AnnotatedPaginator(
        visible,
        BIDS_PER_PAGE,
        rows=lambda ids: bidding_rows(user=request.user, workshop=workshop, ids=ids),
    )
    page = paginator.get_page(form.page_number)
    return render(
        request,
        "assignment/bids.html",
        {
            "workshop": workshop,
            "form": form,
            "page": page,
            "choices": bid_choices(),
            "anonymous": workshop.anonymous_review,
        },
        status=form.status,
    )


def _save_bids(request, application: ReviewerApplication):
    values = posted_bids(request.POST)
    allowed = {
        s.code: s
        for s in submissions_for_bidding(user=request.user, application=application)
        .filter(code__in=[code for code in values if may_name_a_row(code)])
        .select_related("workshop", "organisation")
    }
    outcome = ui_services.bids_update(reviewer=request.user, submissions=allowed, values=values)
    if _wants_json(request):
        return JsonResponse(
            {
                "saved": outcome.saved,
                "errors": outcome.errors,
                "message": _("Bid saved.") if not outcome.errors else " ".join(outcome.errors),
            },
            status=400 if outcome.errors else 200,
        )
    if outcome.saved:
        messages.success(
            request,
            ngettext("%(count)d bid saved.", "%(count)d bids saved.", outcome.saved)
            % {"count": outcome.saved},
        )
    for error in outcome.errors:
        messages.error(request, error)
    if not outcome.saved and not outcome.errors:
        messages.info(request, _("No bid changed."))
    return redirect(request.get_full_path())
