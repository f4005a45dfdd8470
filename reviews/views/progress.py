"""Staff progress board of a workshop's review: per submission and per reviewer."""

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal import lookups
from portal.filters import filters_from
from portal.models import Workshop
from portal.pagination import AnnotatedPaginator
from portal.permissions import permission_required
from reviews.forms.staff import ProgressFilterForm
from reviews.selectors.progress import (
    reviewers_progress,
    reviewers_progress_rows,
    risk_area_choices,
    submissions_progress,
    submissions_progress_rows,
    workshop_progress_totals,
)
from reviews.services.reminders import reminders_send_late

PER_PAGE = 50
TAB_SUBMISSIONS = ProgressFilterForm.TAB_SUBMISSIONS
TAB_REVIEWERS = ProgressFilterForm.TAB_REVIEWERS


TOTALS_SECONDS = 60


def _cached_totals(*, workshop, now) -> dict:
    """The workshop-wide totals, recomputed at most once a minute.

    They scan every assignment of the call (30,000 rows at 10,000 submissions, about 20 ms
    in PostgreSQL), while the rest of the page costs the same at any size; the page says
    when they were computed.
    """
    key = f"reviews:progress-totals:{workshop.pk}"
    totals = cache.get(key)
    if totals is None:
        totals = {**workshop_progress_totals(workshop=workshop, now=now), "computed_at": now}
        cache.set(key, totals, TOTALS_SECONDS)
    return totals


@permission_required("reviews.view_progress", lookup=lookups.workshop)
def progress(request, workshop: Workshop):
    now = timezone.now()
    form = filters_from(request, ProgressFilterForm, risk_areas=risk_area_choices())
    tab = form.chosen_tab
    context = {
        "workshop": workshop,
        "tab": tab,
        "form": form,
        "now": now,
        "totals": _cached_totals(workshop=workshop, now=now),
        "deadline_passed": workshop.review_deadline < now,
    }
    if tab == TAB_SUBMISSIONS:
        base = submissions_progress(workshop=workshop, now=now, **form.filters())
        rows = lambda ids: submissions_progress_rows(workshop=workshop, ids=ids, now=now)  # noqa: E731
    else:
        base = reviewers_progress(workshop=workshop, now=now)
        rows = lambda ids: reviewers_progress_rows(workshop=workshop, ids=ids, now=now)  # noqa: E731
    paginator = AnnotatedPaginator(base, PER_PAGE, rows=rows)
    context["page"] = paginator.get_page(form.page_number)
    return render(request, "reviews/staff/progress.html", context, status=form.status)


@permission_required("reviews.send_reminders", lookup=lookups.workshop)
@require_POST
def remind_late(request, workshop: Workshop):
    sent = reminders_send_late(workshop=workshop, user=request.user)
    if sent:
        messages.success(
            request,
            ngettext(
                "%(count)d reminder was sent to a late reviewer.",
                "%(count)d reminders were sent to late reviewers.",
                sent,
            )
            % {"count": sent},
        )
    else:
        messages.info(
            request,
            _("No reminder was sent: every late review was already reminded for its deadline."),
        )
    return redirect("reviews:staff_progress", workshop_code=workshop.code)
