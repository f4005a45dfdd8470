"""Reviews, reviewer applications and reviewers, ties, bids and aggregates in the API: the
same outcomes as the browser's rows (rows_reviews.py, rows_assignment.py) for the same
action, 404 for what the caller may not see and 403 for what they see but may not change.

The API adds what the browser has no page for: staff read submitted reviews (the
aggregate pages show them in parts), so a submitted review is 200 for staff to read and 403
to change; a draft is its reviewer's alone (404 for staff too).
"""

from tests.permissions.api_matrix import (
    MEMBERS,
    REVIEWERS,
    STAFF,
    ApiRow,
    api_expect,
    each,
    staff_only,
)


def _code(attribute):
    return lambda w: {"code": getattr(w, attribute).code}


def _if_match(attribute):
    return lambda w: {"If-Match": f'"{getattr(w, attribute).revision}"'}


def _complete_review(w):
    return {
        "summary": "A careful study.",
        "confidence": 4,
        "recommendation": "yes",
        "scores": [
            {
                "criterion": criterion.code,
                "level": criterion.level_values[-1],
                "justification": "Confidence intervals and re-runs on held-out tasks.",
            }
            for criterion in w.criteria_set.criteria.all()
        ],
    }


def _only(*personas, outcome=200, others=404, staff=None):
    per_persona = each(personas, outcome)
    if staff is not None:
        per_persona.update(each(STAFF, staff))
    return api_expect(others, **per_persona)


REVIEWS = [
    ApiRow("api:review-list", expect=api_expect(200), scope="reviews:read"),
    ApiRow(
        "api:review-list",
        state="filtered",
        query="state=submitted&criterion=REL-1",
        expect=api_expect(200),
        scope="reviews:read",
    ),
    ApiRow(
        "api:review-detail",
        state="draft",
        kwargs=_code("review"),
        expect=_only("reviewer"),
        scope="reviews:read",
    ),
    ApiRow(
        "api:review-detail",
        state="submitted, deadline passed",
        kwargs=_code("submitted_review"),
        expect=_only("reviewer", staff=200),
        scope="reviews:read",
    ),
    ApiRow(
        "api:review-detail",
        method="PATCH",
        state="draft",
        kwargs=_code("review"),
        headers=_if_match("review"),
        body=lambda w: {"summary": "Typed by the reviewer"},
        expect=_only("reviewer"),
        scope="reviews:write",
    ),
    ApiRow(
        "api:review-detail",
        method="PATCH",
        state="submitted, deadline passed",
        kwargs=_code("submitted_review"),
        headers=_if_match("submitted_review"),
        body=lambda w: {"summary": "Too late"},
        expect=_only("reviewer", outcome=403, staff=403),
        scope="reviews:write",
    ),
    ApiRow(
        "api:review-submit",
        method="POST",
        state="draft",
        kwargs=_code("review"),
        headers=_if_match("review"),
        body=_complete_review,
        expect=_only("reviewer"),
        scope="reviews:write",
    ),
    ApiRow(
        "api:review-submit",
        method="POST",
        state="submitted, deadline passed",
        kwargs=_code("submitted_review"),
        headers=_if_match("submitted_review"),
        body=lambda w: {},
        expect=_only("reviewer", outcome=403, staff=403),
        scope="reviews:write",
    ),
]


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _draft_workshop(w):
    return {"workshop_code": w.draft_workshop.code}


REVIEWERS_AND_TIES = [
    ApiRow(
        "api:reviewer-application-list",
        kwargs=_workshop,
        expect=staff_only(),
        scope="reviews:read",
    ),
    ApiRow(
        "api:reviewer-application-list",
        state="draft workshop",
        kwargs=_draft_workshop,
        expect=_only(staff=200),
        scope="reviews:read",
    ),
    ApiRow(
        "api:reviewer-application-detail",
        kwargs=_code("application"),
        expect=_only("reviewer", staff=200),
        scope="reviews:read",
    ),
    ApiRow("api:reviewer-list", kwargs=_workshop, expect=staff_only(), scope="reviews:read"),
    ApiRow(
        "api:reviewer-list",
        state="draft workshop",
        kwargs=_draft_workshop,
        expect=_only(staff=200),
        scope="reviews:read",
    ),
    ApiRow("api:conflict-list", expect=api_expect(200), scope="reviews:read"),
    ApiRow(
        "api:conflict-list",
        method="POST",
        body=lambda w: {"organisation": w.other_organisation.code, "tie_type": "funding"},
        expect=api_expect(201),
        scope="reviews:write",
    ),
    ApiRow(
        "api:conflict-end",
        method="POST",
        state="current",
        kwargs=_code("tie"),
        expect=_only("reviewer_conflicted"),
        scope="reviews:write",
    ),
    ApiRow(
        "api:conflict-end",
        method="POST",
        state="ended",
        kwargs=_code("ended_tie"),
        expect=_only("reviewer_conflicted", outcome=403),
        scope="reviews:write",
    ),
]

BIDS = [
    ApiRow(
        "api:bid-list",
        kwargs=_workshop,
        expect=_only(*REVIEWERS),
        scope="reviews:read",
    ),
    ApiRow(
        "api:bid-list",
        state="draft workshop, approved reviewer",
        kwargs=lambda w: {"workshop_code": w.redrafted_workshop.code},
        expect=_only(),
        scope="reviews:read",
    ),
    # The conflicted reviewer's list leaves the submission out: it does not exist for them
    # (the browser's page says "not open for bids" after its redirect).
    ApiRow(
        "api:bid-detail",
        method="PUT",
        kwargs=lambda w: {"workshop_code": w.workshop.code, "submission_code": w.submission.code},
        body=lambda w: {"bid": "willing"},
        expect=_only("reviewer", "reviewer_unassigned", "reviewer_declined", "reviewer_uncleared"),
        scope="reviews:write",
    ),
]

# The staff's aggregate pages: a submission's members see the submission (403).
AGGREGATES = [
    ApiRow(
        "api:submission-aggregates",
        kwargs=_code("submission"),
        expect=_only(*MEMBERS, outcome=403, staff=200),
        scope="reports:read",
    ),
    ApiRow(
        "api:workshop-criteria-aggregates",
        kwargs=_workshop,
        expect=staff_only(),
        scope="reports:read",
    ),
    ApiRow(
        "api:workshop-criteria-aggregates",
        state="draft workshop",
        kwargs=_draft_workshop,
        expect=_only(staff=200),
        scope="reports:read",
    ),
]

ROWS = [*REVIEWS, *REVIEWERS_AND_TIES, *BIDS, *AGGREGATES]
