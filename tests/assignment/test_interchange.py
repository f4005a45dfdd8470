"""openreview-matcher files: export an instance, import an assignments.json."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError

from assignment.interchange import assignment_run_import, instance_export
from assignment.matching.options import RunSettings
from assignment.models import ProposedPair
from assignment.services.publish import assignment_run_diff
from assignment.services.runs import assignment_run_create, assignment_run_execute
from tests.assignment.helpers import HAND_WEIGHTS, run_assignments_json
from tests.factories import AssignmentFactory, MembershipFactory, ReviewerTieFactory

SETTINGS = RunSettings(k=2, weights=HAND_WEIGHTS)


def export(instance, settings=SETTINGS, reviewer_key="email"):
    files = {name: io.StringIO() for name in ("scores", "constraints", "max_loads")}
    instance_export(
        workshop=instance.workshop, settings=settings, reviewer_key=reviewer_key, **files
    )
    return {name: list(csv.reader(io.StringIO(f.getvalue()))) for name, f in files.items()}


def test_export_formats(hand_instance):
    s1, s3 = hand_instance.subs["S1"], hand_instance.subs["S3"]
    ReviewerTieFactory(user=hand_instance.revs["B"], organisation=s1.organisation)
    AssignmentFactory(submission=s3, workshop=s3.workshop, reviewer=hand_instance.revs["D"])

    rows = export(hand_instance)

    assert [s1.code, "a@example.org", "1.000"] in rows["scores"]
    assert [s1.code, "b@example.org", "1.000"] not in rows["scores"]
    assert [s3.code, "d@example.org", "1.000"] in rows["scores"]
    assert rows["constraints"] == [
        [s1.code, "b@example.org", "-1"],
        [s3.code, "d@example.org", "1"],
    ]
    assert rows["max_loads"] == [
        ["a@example.org", "1"],
        ["b@example.org", "2"],
        ["c@example.org", "2"],
        ["d@example.org", "2"],
    ]
    # 12 pairs less the conflicted one; the kept pair is scored too.
    assert len(rows["scores"]) == 11


def test_export_with_reviewer_codes(hand_instance):
    rows = export(hand_instance, reviewer_key="code")

    codes = {app.code for app in hand_instance.workshop.reviewer_applications.all()}
    assert {row[0] for row in rows["max_loads"]} == codes


def test_round_trip(hand_instance, staff):
    run = assignment_run_execute(
        run_id=assignment_run_create(
            workshop=hand_instance.workshop, user=staff, settings=SETTINGS
        ).pk
    )
    assignments = run_assignments_json(run=run)

    imported = assignment_run_import(
        workshop=hand_instance.workshop,
        user=staff,
        assignments=json.dumps(assignments),
        settings=SETTINGS,
    )

    pairs = set(imported.pairs.values_list("submission_id", "reviewer_id", "score"))
    assert pairs == set(run.pairs.values_list("submission_id", "reviewer_id", "score"))
    assert imported.summary["objective"] == run.summary["objective"] == 4.0
    assert set(imported.pairs.values_list("origin", flat=True)) == {ProposedPair.Origin.IMPORTED}
    assert run_assignments_json(run=imported) == assignments
    assert assignment_run_diff(run=imported).added.count() == 6


def test_round_trip_with_reviewer_codes(hand_instance, staff):
    run = assignment_run_execute(
        run_id=assignment_run_create(
            workshop=hand_instance.workshop, user=staff, settings=SETTINGS
        ).pk
    )
    assignments = run_assignments_json(run=run, reviewer_key="code")

    imported = assignment_run_import(
        workshop=hand_instance.workshop,
        user=staff,
        assignments=assignments,
        settings=SETTINGS,
        reviewer_key="code",
    )

    assert imported.pairs.count() == 6


def test_import_refuses_with_every_reason(hand_instance, staff):
    s1, s2 = hand_instance.subs["S1"], hand_instance.subs["S2"]
    ReviewerTieFactory(user=hand_instance.revs["B"], organisation=s1.organisation)
    lab = hand_instance.org("Lab X")
    for name in ("C", "D"):
        MembershipFactory(user=hand_instance.revs[name], organisation=lab)
    data = {
        s1.code: [{"user": "b@example.org", "aggregate_score": 1.0}],
        s2.code: [
            {"user": "c@example.org", "aggregate_score": 0.5},
            {"user": "d@example.org", "aggregate_score": 0.0},
            {"user": "c@example.org", "aggregate_score": 0.5},
            {"user": "nobody@example.org", "aggregate_score": 0.5},
        ],
        "unknown-paper": [{"user": "a@example.org", "aggregate_score": 1.0}],
    }

    with pytest.raises(ValidationError) as error:
        assignment_run_import(
            workshop=hand_instance.workshop, user=staff, assignments=data, settings=SETTINGS
        )

    assert error.value.messages == [
        f"“c@example.org” is listed twice for paper “{s2.code}”.",
        "Unknown reviewer “nobody@example.org”: not an approved reviewer of this call.",
        "Unknown paper “unknown-paper”: not an eligible submission of this call.",
        f"b@example.org may not review “{s1.code}”: conflict of interest, a declined "
        "assignment, or an “AI Office only” submission they are not cleared for.",
        f"c@example.org and d@example.org, of the same organisation, both review “{s2.code}”.",
    ]
    assert hand_instance.workshop.assignment_runs.count() == 0


def test_import_refuses_malformed_json(hand_instance, staff):
    with pytest.raises(ValidationError) as error:
        assignment_run_import(workshop=hand_instance.workshop, user=staff, assignments="{oops")

    assert error.value.messages == ["The file is not valid JSON."]


@pytest.mark.parametrize("score", ["NaN", "Infinity", '"high"', "[1]", "true"])
def test_import_refuses_a_score_that_is_not_a_finite_number(hand_instance, staff, score):
    s1 = hand_instance.subs["S1"]
    text = f'{{"{s1.code}": [{{"user": "a@example.org", "aggregate_score": {score}}}]}}'

    with pytest.raises(ValidationError) as error:
        assignment_run_import(workshop=hand_instance.workshop, user=staff, assignments=text)

    assert error.value.messages == [f"Paper “{s1.code}”: “aggregate_score” must be a number."]
    assert hand_instance.workshop.assignment_runs.count() == 0
