"""What staff choose for one assignment run, stored as JSON on AssignmentRun.settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reviews.models import MAX_REVIEWS_LIMIT

from .weights import AffinityWeights

MAX_K = 10
MAX_CANDIDATES = 500
LP_BOUND_AUTO_LIMIT = 200_000
# See solve.py: above this many candidate pairs, coverage is solved by Lagrangian relaxation.
MILP_MAX_PAIRS = 200_000


@dataclass(frozen=True)
class RunSettings:
    """Settings of one run.

    - k: reviewers per submission.
    - min_load: each reviewer should get at least this many submissions (a soft target the
      solver meets whenever any complete assignment allows it; shortfalls are explained).
    - max_load: the same maximum for everyone; None takes each reviewer's own maximum from
      their application (ReviewerApplication.max_reviews).
    - keep_existing: existing assignments stay (fixed) and the run fills up to k; otherwise
      the run may replace them, except assignments whose review was started, which always
      stay.
    - fill_open_slots_only: the re-run after declines. Keeps every existing assignment, adds
      reviewers only where a submission has fewer than k, and ignores min_load (a re-run
      must not push more work onto reviewers just to reach a minimum).
    - coverage: each submission gets at least one reviewer who declared expertise in each
      of its specified systemic risks, where such a reviewer exists among its candidates.
    - candidates_per_submission / candidates_per_reviewer: how many best-scoring pairs per
      submission and per reviewer the solver may choose from (bids and existing
      assignments are always candidates).
    - pricing_rounds / pricing_per_submission: after solving, look at every pair outside the
      candidates once more and add, per submission, up to this many pairs that could
      improve the solution (they beat the worst reviewer the submission has and the worst
      submission their reviewer has), then solve again; see affinity.improving_pairs.
    - lp_bound: also solve the LP relaxation with HiGHS, as a check on the solver: True
      always, False never, None (the default) when the problem has at most
      LP_BOUND_AUTO_LIMIT candidate pairs. The LP is far slower than the flow (about 45 s
      and 1 GB at 10,000 x 5,000, against seconds for the whole run), and for a flow its
      optimum equals the objective anyway (integrality), so large runs skip it unless
      asked.
    - time_limit_s: limit for the integer program (the flow has none: it is polynomial).
    - milp_max_pairs: with coverage on, the largest problem (in candidate pairs) solved
      exactly by the integer program; above it, coverage is solved by Lagrangian
      relaxation over the min-cost flow (coverage.py), near-optimal with a proven gap.
    """

    k: int = 3
    min_load: int = 0
    max_load: int | None = None
    keep_existing: bool = True
    fill_open_slots_only: bool = False
    coverage: bool = False
    weights: AffinityWeights = field(default_factory=AffinityWeights)
    candidates_per_submission: int = 50
    candidates_per_reviewer: int = 10
    pricing_rounds: int = 1
    pricing_per_submission: int = 10
    lp_bound: bool | None = None
    time_limit_s: float = 120.0
    milp_max_pairs: int = MILP_MAX_PAIRS

    def __post_init__(self):
        errors = {}
        if not 1 <= self.k <= MAX_K:
            errors["k"] = _("Reviewers per submission must be between 1 and %(max)s.") % {
                "max": MAX_K
            }
        if not 0 <= self.min_load <= MAX_REVIEWS_LIMIT:
            errors["min_load"] = _("The minimum load must be between 0 and %(max)s.") % {
                "max": MAX_REVIEWS_LIMIT
            }
        if self.max_load is not None and not 1 <= self.max_load <= MAX_REVIEWS_LIMIT:
            errors["max_load"] = _("The maximum load must be between 1 and %(max)s.") % {
                "max": MAX_REVIEWS_LIMIT
            }
        if self.max_load is not None and self.min_load > self.max_load:
            errors["min_load"] = _("The minimum load cannot exceed the maximum load.")
        if not 1 <= self.candidates_per_submission <= MAX_CANDIDATES:
            errors["candidates_per_submission"] = _(
                "Candidates per submission must be between 1 and %(max)s."
            ) % {"max": MAX_CANDIDATES}
        if not 0 <= self.candidates_per_reviewer <= MAX_CANDIDATES:
            errors["candidates_per_reviewer"] = _(
                "Candidates per reviewer must be between 0 and %(max)s."
            ) % {"max": MAX_CANDIDATES}
        if not 0 <= self.pricing_rounds <= 5:
            errors["pricing_rounds"] = _("Pricing rounds must be between 0 and 5.")
        if not 0 <= self.pricing_per_submission <= MAX_CANDIDATES:
            errors["pricing_per_submission"] = _(
                "Pricing pairs per submission must be between 0 and %(max)s."
            ) % {"max": MAX_CANDIDATES}
        if self.milp_max_pairs < 0:
            errors["milp_max_pairs"] = _("The integer program limit cannot be negative.")
        if errors:
            raise ValidationError(errors)

    def wants_lp_bound(self, n_candidates: int) -> bool:
        if self.lp_bound is None:
            return n_candidates <= LP_BOUND_AUTO_LIMIT
        return self.lp_bound

    @property
    def keeps_existing(self) -> bool:
        return self.keep_existing or self.fill_open_slots_only

    @property
    def effective_min_load(self) -> int:
        return 0 if self.fill_open_slots_only else self.min_load

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> RunSettings:
        """Settings from stored JSON; unknown keys are ignored, missing ones take defaults."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        if "weights" in values:
            values["weights"] = AffinityWeights.from_json(values["weights"])
        return cls(**values)
