"""Small hand-made instances: a workshop, submissions with risk areas and methods, and
approved reviewers with expertise, memberships and capacities."""

import pytest

from reviews.matching.affinity import AffinityWeights
from reviews.models import ReviewerExpertise
from submissions.models import Method, RiskArea, Submission
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
    SubmissionFactory,
    UserFactory,
    WorkshopFactory,
)

# Scores a person can check by hand: expertise only (risk areas), levels worth 1/4, 1/2, 1.
HAND_WEIGHTS = AffinityWeights(
    expertise=1.0, text=0.0, risk_area_share=1.0, level_1=0.25, level_2=0.5, level_3=1.0
)


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Frontier risks call 2027")


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
    ):
        sub = SubmissionFactory(
            workshop=self.workshop,
            title=name,
            abstract=abstract,
            state=Submission.State.ELIGIBLE,
            organisation=self.org(org or f"Lab of {name}"),
            confidentiality=confidentiality,
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


@pytest.fixture
def instance(workshop):
    return Instance(workshop)


@pytest.fixture
def hand_instance(instance):
    """3 submissions x 4 reviewers, scores (expertise only, HAND_WEIGHTS):

            A     B     C     D
        S1  1     1     0     .25
        S2  1     0     .5    0
        S3  0     0     .25   1

    A takes one review, the others two; k = 2. Optimum 4.0: S1 {B, D}, S2 {A, C},
    S3 {C, D}. Greedy (best pair first) puts A on S1 and ends at 3.75.
    """
    instance.submission("S1", areas=["cbrn"])
    instance.submission("S2", areas=["cyber_offence"])
    instance.submission("S3", areas=["loss_of_control"])
    instance.reviewer("A", expertise={"cbrn": 3, "cyber_offence": 3}, max_reviews=1)
    instance.reviewer("B", expertise={"cbrn": 3}, max_reviews=2)
    instance.reviewer("C", expertise={"cyber_offence": 2, "loss_of_control": 1}, max_reviews=2)
    instance.reviewer("D", expertise={"loss_of_control": 3, "cbrn": 1}, max_reviews=2)
    return instance


def solve_instance(instance, **settings):
    """Load the instance and propose; returns (proposal, data)."""
    from reviews.matching.data import load_matching_data
    from reviews.matching.engine import propose
    from reviews.matching.options import RunSettings

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
