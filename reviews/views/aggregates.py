"""Staff pages: aggregates of submitted reviews, and staff's ratings of reviewers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import lookups as portal_lookups
from portal.filters import filters_from
from portal.models import Workshop
from portal.pagination import CountedPaginator
from portal.permissions import permission_required
from reviews import lookups
from reviews.forms.aggregates import AggregateFilterForm, RatingForm, RatingListForm
from reviews.models import ReviewerApplication
from reviews.selectors import aggregates as selectors
from reviews.selectors.visibility import reviewer_labels
from reviews.services.ratings import reviewer_rate as rate_reviewer
from submissions.models import Submission

PER_PAGE = 50


def _pick_version(versions: list, requested: str | None):
    """The version asked for in ?version=, else the newest scored one."""
    for version in versions:
        if str(version.criteria_set.version) == requested:
            return version
    return versions[0] if versions else None


@permission_required("reviews.view_aggregates", lookup=portal_lookups.workshop)
def aggregate_overview(request, workshop: Workshop):
    versions = selectors.workshop_overview(workshop=workshop, localise=True)
    form = filters_from(
        request, AggregateFilterForm, versions=[v.criteria_set.version for v in versions]
    )
    version = _pick_version(versions, form.filters()["version"])
    only_disagreement = form.filters()["disagreement"]
    page = None
    if version is not None:
        # A page of submissions in title order from SQL; its count from the cached figures.
        page = CountedPaginator(
            selectors.overview_submissions(
                workshop=workshop, version=version, only_disagreement=only_disagreement
            ),
            PER_PAGE,
            count=(
                len(version.disagreement_ids) if only_disagreement else version.submission_count
            ),
        ).get_page(form.page_number)
        page.object_list = selectors.overview_rows(
            version=version, submissions=list(page.object_list)
        )
    return render(
        request,
        "reviews/aggregates/overview.html",
        {
            "workshop": workshop,
            "versions": versions,
            "version": version,
            "page": page,
            "only_disagreement": only_disagreement,
            "form": form,
            "section": "aggregates",
        },
        status=form.status,
    )


@permission_required("reviews.view_aggregates", lookup=lookups.workshop_submission)
def aggregate_submission(request, submission: Submission):
    workshop = submission.workshop
    labels = reviewer_labels(submission=submission)
    versions = selectors.submission_aggregates(
        submission=submission, reviewer_order=list(labels), localise=True
    )
    reviews = selectors.submitted_reviews_of_submission(submission=submission)
    rank = {reviewer_id: position for position, reviewer_id in enumerate(labels)}
    reviewers = [
        {
            "label": labels.get(reviewer_id, _("Reviewer")),
            "review": review,
            "user": review.assignment.reviewer,
        }
        for reviewer_id, review in sorted(
            reviews.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])
        )
    ]
    columns = {row["user"].pk: row for row in reviewers}
    return render(
        request,
        "reviews/aggregates/submission.html",
        {
            "workshop": workshop,
            "submission": submission,
            "versions": [
                {
                    "aggregate": version,
                    "columns": [
                        columns.get(pk, {"label": labels.get(pk, _("Reviewer")), "user": None})
                        for pk in version.reviewer_ids
                    ],
                }
                for version in versions
            ],
            "reviewers": reviewers,
            "section": "",
        },
    )


def _ratings_url(workshop: Workshop, sort: str) -> str:
    url = reverse("reviews:reviewer_ratings", args=[workshop.code])
    return f"{url}?{urlencode({'sort': sort})}" if sort != "name" else url


@permission_required("reviews.rate_reviewers", lookup=portal_lookups.workshop)
def reviewer_ratings(request, workshop: Workshop):
    form = filters_from(request, RatingListForm)
    sort = form.filters()["sort"] or "name"
    # A page at a time: a large call approves thousands of reviewers, each row a form.
    page = Paginator(
        selectors.reviewers_for_rating(workshop=workshop, sort=sort), PER_PAGE
    ).get_page(form.page_number)
    return render(
        request,
        "reviews/aggregates/ratings.html",
        {
            "workshop": workshop,
            "reviewers": page.object_list,
            "page": page,
            "sort": sort,
            "rating_choices": RatingForm.base_fields["rating"].choices[1:],
            "form": form,
            "section": "ratings",
        },
        status=form.status,
    )


@permission_required("reviews.rate_reviewers", lookup=lookups.approved_application)
@require_POST
def reviewer_rate(request, application: ReviewerApplication):
    workshop = application.workshop
    sort = request.POST.get("sort", "name")
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rate_reviewer(
                workshop=workshop,
                reviewer=application.user,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Rating of %(name)s saved.") % {"name": application.user},
            )
    else:
        messages.error(
            request,
            _("The rating of %(name)s was not saved: %(errors)s")
            % {
                "name": application.user,
                "errors": " ".join(e for errors in form.errors.values() for e in errors),
            },
        )
    return redirect(_ratings_url(workshop, sort if sort in selectors.RATING_SORTS else "name"))
