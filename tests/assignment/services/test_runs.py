"""Runs through the services: execute, preview (diff), hand edits, publish, re-runs."""

import pytest
from django.core.exceptions import ValidationError

from assignment.matching.options import RunSettings
from assignment.models import AssignmentRun, ProposedPair
from assignment.services.proposal import proposed_pair_add, proposed_pair_remove
from assignment.services.publish import assignment_run_diff, assignment_run_publish
from assignment.services.runs import assignment_run_create, assignment_run_execute
from reviews.models import Assignment
from tests.assignment.helpers import HAND_WEIGHTS
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ReviewerTieFactory,
    ReviewFactory,
)

OPTIMUM = {("S1", "B"), ("S1", "D"), ("S2", "A"), ("S2", "C"), ("S3", "C"), ("S3", "D")}


def run_for(instance, staff, **settings):
    settings.setdefault("k", 2)
    settings.setdefault("weights", HAND_WEIGHTS)
    run = assignment_run_create(
        workshop=instance.workshop, user=staff, settings=RunSettings(**settings)
    )
    return assignment_run_execute(run_id=run.pk)


def names(instance, rows):
    return {
        (instance.name_of_sub(row.submission_id), instance.name_of_rev(row.reviewer_id))
        for row in rows
    }


def test_execute_stores_pairs_and_summary_without_assigning(hand_instance, staff):
    seen = []

    run = assignment_run_create(
        workshop=hand_instance.workshop,
        user=staff,
        settings=RunSettings(k=2, weights=HAND_WEIGHTS),
    )
    run = assignment_run_execute(run_id=run.pk, progress=lambda p, _m: seen.append(p))

    assert run.state == AssignmentRun.State.DONE
    assert run.progress == 100
    assert run.summary["objective"] == 4.0
    assert names(hand_instance, run.pairs.all()) == OPTIMUM
    assert Assignment.objects.count() == 0
    assert seen[0] == 5
    assert seen[-1] == 100
    assert set(run.pairs.values_list("origin", flat=True)) == {"solver"}


def test_execute_again_returns_the_finished_run(hand_instance, staff):
    run = run_for(hand_instance, staff)

    again = assignment_run_execute(run_id=run.pk)

    assert again.pk == run.pk
    assert ProposedPair.objects.filter(run=run).count() == 6


def test_execute_failure_is_stored_on_the_run(hand_instance, staff, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("assignment.services.runs.propose", broken)
    run = run_for(hand_instance, staff)

    assert run.state == AssignmentRun.State.FAILED
    assert run.error == "RuntimeError: solver exploded"
    assert run.pairs.count() == 0


def test_execute_of_a_deleted_run_does_nothing(db):
    assert assignment_run_execute(run_id=123456) is None


def test_create_enqueues_after_commit(hand_instance, staff, django_capture_on_commit_callbacks):
    queued = []

    with django_capture_on_commit_callbacks(execute=True):
        run = assignment_run_create(
            workshop=hand_instance.workshop, user=staff, enqueue=queued.append
        )

    assert queued == [run.pk]
    assert run.state == AssignmentRun.State.QUEUED


def test_invalid_settings_are_refused(hand_instance, staff):
    with pytest.raises(ValidationError) as error:
        assignment_run_create(workshop=hand_instance.workshop, user=staff, settings={"k": 0})

    assert error.value.message_dict == {"k": ["Reviewers per submission must be between 1 and 10."]}


def test_publish_creates_automatic_assignments(hand_instance, staff):
    run = run_for(hand_instance, staff)

    result = assignment_run_publish(run=run, user=staff)

    assignments = Assignment.objects.all()
    assert names(hand_instance, assignments) == OPTIMUM
    assert set(assignments.values_list("source", flat=True)) == {"automatic"}
    assert set(assignments.values_list("created_by", flat=True)) == {staff.pk}
    assert sorted(result.created) == sorted(a.pk for a in assignments)
    assert result.removed == []
    assert result.kept == 0
    run.refresh_from_db()
    assert run.published_by == staff
    with pytest.raises(ValidationError):
        assignment_run_publish(run=run, user=staff)


def test_publish_refuses_a_pair_conflicted_since_the_run(hand_instance, staff):
    run = run_for(hand_instance, staff)
    ReviewerTieFactory(
        user=hand_instance.revs["A"], organisation=hand_instance.subs["S2"].organisation
    )

    with pytest.raises(ValidationError) as error:
        assignment_run_publish(run=run, user=staff)

    assert error.value.messages == ["A on “S2”: conflict of interest."]
    assert Assignment.objects.count() == 0


def test_diff_and_replace_existing(hand_instance, staff):
    s1, a = hand_instance.subs["S1"], hand_instance.revs["A"]
    manual = AssignmentFactory(submission=s1, workshop=s1.workshop, reviewer=a, state="assigned")

    run = run_for(hand_instance, staff, keep_existing=False)
    diff = assignment_run_diff(run=run)

    assert run.summary["objective"] == 4.0
    assert names(hand_instance, diff.removed) == {("S1", "A")}
    assert names(hand_instance, diff.kept) == set()
    assert names(hand_instance, diff.added) == OPTIMUM
    result = assignment_run_publish(run=run, user=staff)
    assert [r.code for r in result.removed] == [manual.code]
    assert names(hand_instance, Assignment.objects.all()) == OPTIMUM


def test_keep_existing(hand_instance, staff):
    s1, a = hand_instance.subs["S1"], hand_instance.revs["A"]
    AssignmentFactory(submission=s1, workshop=s1.workshop, reviewer=a, state="assigned")

    run = run_for(hand_instance, staff, keep_existing=True)
    diff = assignment_run_diff(run=run)

    assert run.summary["objective"] == 3.75
    assert names(hand_instance, diff.kept) == {("S1", "A")}
    assert names(hand_instance, diff.removed) == set()
    assert run.pairs.get(submission=s1, reviewer=a).kept is True


def test_replace_keeps_an_assignment_whose_review_was_started(hand_instance, staff):
    s1, a = hand_instance.subs["S1"], hand_instance.revs["A"]
    ReviewFactory(assignment=AssignmentFactory(submission=s1, workshop=s1.workshop, reviewer=a))

    run = run_for(hand_instance, staff, keep_existing=False)

    assert names(hand_instance, assignment_run_diff(run=run).kept) == {("S1", "A")}
    assert run.summary["objective"] == 3.75


def test_fill_open_slots_after_a_decline(hand_instance, staff):
    first = run_for(hand_instance, staff)
    assignment_run_publish(run=first, user=staff)
    declined = Assignment.objects.get(
        submission=hand_instance.subs["S2"], reviewer=hand_instance.revs["C"]
    )
    declined.state = Assignment.State.DECLINED
    declined.save()

    rerun = run_for(hand_instance, staff, fill_open_slots_only=True)
    diff = assignment_run_diff(run=rerun)

    # S2 needs one reviewer: C declined it, A is full, D is full (S1, S3): B it is.
    assert names(hand_instance, diff.added) == {("S2", "B")}
    assert names(hand_instance, diff.removed) == set()
    assert diff.kept.count() == 5
    assignment_run_publish(run=rerun, user=staff)
    live = Assignment.objects.exclude(state=Assignment.State.DECLINED)
    assert names(hand_instance, live) == (OPTIMUM - {("S2", "C")}) | {("S2", "B")}


def test_hand_edits_with_checks(hand_instance, staff):
    run = run_for(hand_instance, staff)
    s2, b, d = hand_instance.subs["S2"], hand_instance.revs["B"], hand_instance.revs["D"]

    pair = proposed_pair_add(run=run, submission=s2, reviewer=b, user=staff)

    assert pair.origin == "staff"
    assert pair.score == 0.0
    assert pair.why["risk_areas"] == []
    run.refresh_from_db()
    assert run.summary["edited"] is True
    with pytest.raises(ValidationError) as error:
        proposed_pair_add(run=run, submission=s2, reviewer=b, user=staff)
    assert error.value.messages == ["This pair is already in the proposal."]

    ReviewerTieFactory(user=d, organisation=s2.organisation)
    with pytest.raises(ValidationError) as error:
        proposed_pair_add(run=run, submission=s2, reviewer=d, user=staff)
    assert error.value.messages[0].startswith("D has a conflict of interest: Declared tie")

    proposed_pair_remove(pair=pair, user=staff)
    assert not run.pairs.filter(submission=s2, reviewer=b).exists()


def test_hand_edit_refuses_a_colleague(hand_instance, staff):
    run = run_for(hand_instance, staff)
    lab = hand_instance.org("Lab X")
    for name in ("A", "B"):
        MembershipFactory(user=hand_instance.revs[name], organisation=lab)

    with pytest.raises(ValidationError) as error:
        proposed_pair_add(
            run=run,
            submission=hand_instance.subs["S2"],
            reviewer=hand_instance.revs["B"],
            user=staff,
        )

    assert error.value.messages == [
        "A, of the same organisation (Lab X), already reviews this submission."
    ]


def test_hand_edit_score_matches_the_run(hand_instance, staff):
    run = run_for(hand_instance, staff)
    pair = run.pairs.get(submission=hand_instance.subs["S3"], reviewer=hand_instance.revs["D"])
    why, score = pair.why, pair.score
    pair.delete()

    again = proposed_pair_add(
        run=run, submission=hand_instance.subs["S3"], reviewer=hand_instance.revs["D"], user=staff
    )

    assert (again.score, again.why) == (score, why)
