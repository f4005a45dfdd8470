"""Small hand-made instances of automatic assignment (a workshop's submissions with risk
areas and methods; approved reviewers with expertise, memberships and capacities) and the
helpers the engine, service and page tests share. Fixtures are in conftest.py."""

from django.urls import reverse

from assignment.matching.options import RunSettings
from assignment.matching.weights import AffinityWeights
from assignment.services.runs import assignment_run_create, assignment_run_execute
from reviews.models import ReviewerApplication, ReviewerExpertise
from submissions.models import Method, RiskArea, Submission
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
    SubmissionFactory,
    UserFactory,
)

# Scores a person can check by hand: expertise only (risk areas), levels worth 1/4, 1/2, 1.
HAND_WEIGHTS = AffinityWeights(
    expertise=1.0, text=0.0, risk_area_share=1.0, level_1=0.25, level_2=0.5, level_3=1.0
)
# The optimum of the hand instance at k = 2 (the `hand_instance` fixture).
OPTIMUM = {("S1", "B"), ("S1", "D"), ("S2", "A"), ("S2", "C"), ("S3", "C"), ("S3", "D")}


class Instance:
    """Builds submissions and reviewers of one workshop with short names."""

    def __init__(self, workshop):
        self.workshop = workshop
        self.subs = {}
        self.revs = {}
        self.orgs = {}

    def org(self, name):
        if name not in self.orgs:
            self.orgs[name] = OrganisationFactory(name=name)
        return self.orgs[name]

    def submission(
        self,
        name,
        *,
        areas=(),
        methods=(),
        org=None,
        abstract="",
        confidentiality=Submission.Confidentiality.REVIEWERS,
        language="en",
    ):
        sub = SubmissionFactory(
            workshop=self.workshop,
            title=name,
            abstract=abstract,
            state=Submission.State.ELIGIBLE,
            organisation=self.org(org or f"Lab of {name}"),
            confidentiality=confidentiality,
            language=language,
        )
        sub.risk_areas.set(RiskArea.objects.filter(code__in=areas))
        sub.methods.set(Method.objects.filter(code__in=methods))
        self.subs[name] = sub
        return sub

    def reviewer(self, name, *, expertise=None, max_reviews=5, orgs=(), statement="", **kw):
        user = UserFactory(email=f"{name.lower()}@example.org", full_name=name)
        application = ReviewerApplicationFactory(
            workshop=self.workshop,
            user=user,
            state="approved",
            max_reviews=max_reviews,
            statement=statement,
            **kw,
        )
        for code, level in (expertise or {}).items():
            area = RiskArea.objects.filter(code=code).first()
            if area is not None:
                ReviewerExpertise.objects.create(
                    application=application, risk_area=area, level=level
                )
            else:
                ReviewerExpertise.objects.create(
                    application=application, method=Method.objects.get(code=code), level=level
                )
        for org in orgs:
            MembershipFactory(user=user, organisation=self.org(org))
        self.revs[name] = user
        return user

    def name_of_sub(self, pk):
        return next(n for n, s in self.subs.items() if s.pk == pk)

    def name_of_rev(self, pk):
        return next(n for n, u in self.revs.items() if u.pk == pk)


def solve_instance(instance, **settings):
    """Load the instance and propose; returns (proposal, data)."""
    from assignment.matching.data import load_matching_data
    from assignment.matching.engine import propose

    settings.setdefault("weights", HAND_WEIGHTS)
    data = load_matching_data(workshop=instance.workshop)
    return propose(data=data, settings=RunSettings(**settings)), data


def named_pairs(instance, data, proposal):
    """The proposal as a set of (submission name, reviewer name)."""
    return {
        (instance.name_of_sub(int(data.sub_ids[s])), instance.name_of_rev(int(data.rev_ids[r])))
        for s, r in zip(proposal.sub, proposal.rev, strict=True)
    }


def brute_force(scores, *, k, max_load, allowed, same_org=()):
    """Best total over every assignment of k reviewers per submission (tiny instances only).

    scores: P x R list of lists; allowed: P x R bools; same_org: groups of reviewer indexes
    of which at most one may review a submission. Returns (best total, filled slots)."""
    import itertools

    n_sub, n_rev = len(scores), len(scores[0])
    options = []
    for s in range(n_sub):
        ok = [r for r in range(n_rev) if allowed[s][r]]
        size = min(k, len(ok))
        choices = []
        for combo in itertools.combinations(ok, size):
            if any(len(set(combo) & set(g)) > 1 for g in same_org):
                continue
            choices.append(combo)
        options.append(choices or [()])
    best = None
    for pick in itertools.product(*options):
        load = [0] * n_rev
        for combo in pick:
            for r in combo:
                load[r] += 1
        if any(load[r] > max_load[r] for r in range(n_rev)):
            continue
        filled = sum(len(c) for c in pick)
        total = round(sum(scores[s][r] for s, combo in enumerate(pick) for r in combo), 3)
        if best is None or (filled, total) > best:
            best = (filled, total)
    return best[1], best[0]


def approve(user, workshop, **kwargs):
    return ReviewerApplicationFactory(workshop=workshop, user=user, state="approved", **kwargs)


def hand_form(**overrides):
    """The settings form as staff would post it for the hand instance (k = 2, expertise
    only, levels 1/4, 1/2, 1)."""
    data = {
        "k": 2,
        "min_load": 0,
        "max_load": "",
        "existing": "keep",
        "w_expertise": HAND_WEIGHTS.expertise,
        "w_text": HAND_WEIGHTS.text,
        "w_risk_area_share": HAND_WEIGHTS.risk_area_share,
        "w_level_1": HAND_WEIGHTS.level_1,
        "w_level_2": HAND_WEIGHTS.level_2,
        "w_level_3": HAND_WEIGHTS.level_3,
        "w_bid_eager": HAND_WEIGHTS.bid_eager,
        "w_bid_willing": HAND_WEIGHTS.bid_willing,
        "w_bid_not_willing": HAND_WEIGHTS.bid_not_willing,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def done_run(instance, user, **settings):
    """A run solved in-process (no Celery), for the preview tests."""
    settings.setdefault("k", 2)
    settings.setdefault("weights", HAND_WEIGHTS)
    run = assignment_run_create(
        workshop=instance.workshop, user=user, settings=RunSettings(**settings)
    )
    return assignment_run_execute(run_id=run.pk)


def run_url(run, name="run"):
    return reverse(f"assignment:{name}", args=[run.workshop.code, run.code])


def names(instance, rows):
    return {
        (instance.name_of_sub(row.submission_id), instance.name_of_rev(row.reviewer_id))
        for row in rows
    }


def run_assignments_json(run, reviewer_key="email"):
    """A run's pairs as openreview-matcher's assignments.json names them, by email or by
    application code: what the matcher would hand back for the same assignment."""
    codes = dict(
        ReviewerApplication.objects.filter(workshop_id=run.workshop_id).values_list(
            "user_id", "code"
        )
    )
    out = {}
    rows = run.pairs.order_by("submission__code", "-score", "reviewer_id").values_list(
        "submission__code", "reviewer_id", "reviewer__email", "score"
    )
    for paper, reviewer_id, email, score in rows:
        user = email if reviewer_key == "email" else codes[reviewer_id]
        out.setdefault(paper, []).append({"user": user, "aggregate_score": score})
    return out
