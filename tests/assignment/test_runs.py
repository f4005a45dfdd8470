"""Staff runs through the pages, Celery eager: settings, progress, preview, hand edits,
publishing with emails, re-runs after declines."""

from html import escape

import pytest
from django.core import mail
from django.urls import reverse

from assignment.models import AssignmentRun, ProposedPair
from assignment.services.notify import assignment_run_notify
from assignment.tasks import task_run_assignment
from portal.models import OutgoingEmail
from reviews.models import Assignment, ConflictRecord
from reviews.services.reviewing import assignment_decline
from tests.assignment.helpers import OPTIMUM, done_run, hand_form, names, run_url
from tests.factories import ReviewerTieFactory

pytestmark = pytest.mark.django_db


def runs_url(workshop):
    return reverse("assignment:runs", args=[workshop.code])


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# --- starting a run --------------------------------------------------------------------------


def test_form_shows_the_documented_defaults(staff_client, workshop):
    response = staff_client.get(runs_url(workshop))

    form = response.context["form"]
    assert {name: form[name].value() for name in ("k", "min_load", "max_load", "existing")} == {
        "k": 3,
        "min_load": 0,
        "max_load": None,
        "existing": "keep",
    }
    assert form["w_expertise"].value() == 1.0
    assert form["w_text"].value() == 1.0
    assert form["w_bid_not_willing"].value() == -2.0


def test_starting_a_run_solves_it_in_the_background_and_assigns_nothing(
    staff_client, staff, hand, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(runs_url(hand.workshop), hand_form())

    run = AssignmentRun.objects.get()
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response.url == run_url(run)
    assert (run.state, run.progress, run.created_by) == ("done", 100, staff)
    assert run.settings["k"] == 2
    assert names(hand, run.pairs.all()) == OPTIMUM
    assert Assignment.objects.count() == 0


def test_nothing_is_queued_before_commit(staff_client, hand, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        staff_client.post(runs_url(hand.workshop), hand_form())

    run = AssignmentRun.objects.get()
    assert (run.state, run.pairs.count()) == ("queued", 0)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"k": 0}, "k", "Ensure this value is greater than or equal to 1."),
        (
            {"min_load": 4, "max_load": 2},
            "min_load",
            "The minimum load cannot exceed the maximum load.",
        ),
        (
            {"w_bid_willing": 0.9},
            "__all__",
            "Affinity weights: Bid weights must keep the order eager ≥ willing ≥ 0 ≥ not willing.",
        ),
        (
            {"w_level_1": 0.9},
            "__all__",
            "Affinity weights: Expertise level weights must grow with the level.",
        ),
    ],
)
def test_invalid_settings_are_shown_and_nothing_runs(staff_client, hand, overrides, field, message):
    response = staff_client.post(runs_url(hand.workshop), hand_form(**overrides))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert AssignmentRun.objects.count() == 0


def test_the_form_remembers_the_last_run_settings_but_not_fill_only(staff_client, staff, hand):
    done_run(hand, staff, k=2, fill_open_slots_only=True, coverage=True)

    form = staff_client.get(runs_url(hand.workshop)).context["form"]

    assert (form["k"].value(), form["coverage"].value()) == (2, True)
    assert form["fill_open_slots_only"].value() is False
    assert form["w_level_1"].value() == 0.25


def test_runs_are_listed_newest_first(staff_client, staff, hand):
    first = done_run(hand, staff)
    second = done_run(hand, staff)

    response = staff_client.get(runs_url(hand.workshop))

    assert [run.pk for run in response.context["runs"]] == [second.pk, first.pk]
    assert response.context["runs"][0].objective is not None


# --- progress --------------------------------------------------------------------------------


def test_status_json_follows_the_run(staff_client, staff, hand):
    run = AssignmentRun.objects.create(workshop=hand.workshop, created_by=staff, settings={"k": 2})
    status_url = run_url(run, "run_status")

    queued = staff_client.get(status_url)
    AssignmentRun.objects.filter(pk=run.pk).update(state="running", progress=45)
    running = staff_client.get(status_url).json()
    task_run_assignment.delay(run_id=run.pk)
    done = staff_client.get(status_url).json()

    assert queued["Cache-Control"] == "no-store"
    assert queued.json() == {
        "state": "queued",
        "state_label": "Queued",
        "progress": 0,
        "error": "",
        "finished": False,
        "url": run_url(run),
    }
    assert (running["state"], running["progress"], running["finished"]) == ("running", 45, False)
    assert (done["state"], done["progress"], done["finished"]) == ("done", 100, True)


def test_the_page_of_a_running_run_shows_an_accessible_progress_bar(staff_client, staff, hand):
    run = AssignmentRun.objects.create(
        workshop=hand.workshop, created_by=staff, state="running", progress=45
    )

    response = staff_client.get(run_url(run))

    content = response.content.decode()
    assert 'role="progressbar"' in content
    assert 'aria-valuenow="45"' in content
    assert 'id="run-live" data-job-live aria-live="polite"' in content
    assert "portal/job-progress.js" in content
    assert "diff" not in response.context


def test_a_done_run_is_not_solved_again(staff, hand):
    run = done_run(hand, staff)
    before = list(run.pairs.values_list("pk", flat=True))

    task_run_assignment.delay(run_id=run.pk)

    assert list(run.pairs.values_list("pk", flat=True)) == before


def test_the_task_of_a_deleted_run_does_nothing(db):
    task_run_assignment.delay(run_id=987654)


def test_a_failure_is_shown_with_run_again(
    staff_client, staff, hand, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr("assignment.services.runs.propose", broken)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(runs_url(hand.workshop), hand_form())
    failed = AssignmentRun.objects.get()

    page = staff_client.get(run_url(failed)).content.decode()
    status = staff_client.get(run_url(failed, "run_status")).json()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(run_url(failed, "run_again"))

    assert (failed.state, failed.error) == ("failed", "RuntimeError: solver exploded")
    assert "RuntimeError: solver exploded" in page
    assert "Run again" in page
    assert (status["state"], status["error"]) == ("failed", "RuntimeError: solver exploded")
    again = AssignmentRun.objects.exclude(pk=failed.pk).get()
    assert response.url == run_url(again)
    assert again.settings == failed.settings
    assert again.state == "done"
    failed.refresh_from_db()
    assert failed.state == "failed"


def test_a_broker_failure_fails_the_run_visibly(
    staff_client, hand, monkeypatch, django_capture_on_commit_callbacks
):
    def down(**kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(task_run_assignment, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(runs_url(hand.workshop), hand_form())

    run = AssignmentRun.objects.get()
    assert run.state == "failed"
    assert run.error == "The job could not be queued (ConnectionError). Run it again in a moment."


# --- preview ---------------------------------------------------------------------------------


def test_preview_shows_the_hand_checked_numbers(staff_client, staff, hand):
    run = done_run(hand, staff)

    response = staff_client.get(run_url(run))

    summary = response.context["summary"]
    # S1 {B 1, D .25}, S2 {A 1, C .5}, S3 {C .25, D 1}: means .625, .75, .625.
    assert (summary.objective, summary.lp_bound, summary.bound_matches) == (4.0, 4.0, True)
    assert (summary.affinity_mean, summary.affinity_min) == (0.667, 0.625)
    # Loads A 1, B 1, C 2, D 2.
    assert (summary.load_min, summary.load_median, summary.load_max) == (1.0, 1.5, 2.0)
    assert (summary.coverage_requested, summary.unfilled_total, summary.explanations) == (
        False,
        0,
        [],
    )
    assert response.context["diff"].counts == {"added": 6, "removed": 0, "kept": 0}
    content = response.content.decode()
    assert 'data-figure="objective">4.0<' in content
    assert 'data-figure="load">1 / 1.5 / 2<' in content


def test_preview_explains_what_could_not_be_done(staff_client, staff, hand):
    run = done_run(hand, staff, k=3, max_load=1)

    response = staff_client.get(run_url(run))

    summary = response.context["summary"]
    assert summary.unfilled_total == 5
    assert [u["title"] for u in summary.unfilled] == ["S1", "S2", "S3"]
    assert summary.explanations == [
        "3 submissions cannot get 3 reviewers: total reviewer capacity is 4 for 9 slots; "
        "raise reviewers' maximum loads or approve more reviewers."
    ]
    assert escape(summary.explanations[0]) in response.content.decode()


def test_preview_coverage_met(staff_client, staff, hand):
    run = done_run(hand, staff, coverage=True)

    summary = staff_client.get(run_url(run)).context["summary"]

    assert (summary.coverage_requested, summary.coverage_complete) == (True, True)
    assert (summary.coverage_met, summary.coverage_required) == (3, 3)


def test_each_pair_says_why(staff_client, staff, hand):
    from assignment.services.bids import bid_set

    bid_set(reviewer=hand.revs["B"], submission=hand.subs["S1"], value="eager")
    run = done_run(hand, staff)

    response = staff_client.get(run_url(run), {"q": "b@example.org"})

    [row] = [r for r in response.context["diff"].rows if r.submission.title == "S1"]
    assert row.why.risk_areas == ["CBRN (chemical, biological, radiological, nuclear)"]
    assert (row.why.bid, row.why.score, row.why.text_similarity) == ("Eager", 1.5, 0.0)
    content = response.content.decode()
    assert "Shared risk areas: CBRN (chemical, biological, radiological, nuclear)" in content
    assert "Bid: Eager" in content


def test_diff_lists_added_removed_and_kept(staff_client, staff, hand):
    kept = Assignment.objects.create(
        workshop=hand.workshop, submission=hand.subs["S1"], reviewer=hand.revs["B"]
    )
    dropped = Assignment.objects.create(
        workshop=hand.workshop, submission=hand.subs["S3"], reviewer=hand.revs["B"]
    )
    run = done_run(hand, staff, keep_existing=False)

    counts = staff_client.get(run_url(run)).context["diff"].counts
    removed = staff_client.get(run_url(run), {"tab": "removed"}).context["diff"].rows
    kept_rows = staff_client.get(run_url(run), {"tab": "kept"}).context["diff"].rows

    assert counts == {"added": 5, "removed": 1, "kept": 1}
    assert [(r.submission, r.reviewer, r.why) for r in removed] == [
        (dropped.submission, dropped.reviewer, None)
    ]
    assert [(r.submission, r.reviewer) for r in kept_rows] == [(kept.submission, kept.reviewer)]


def test_diff_pages_of_50(staff_client, staff, instance):
    for i in range(26):
        instance.submission(f"P{i:02d}", areas=["cbrn"])
    for name in ("R1", "R2", "R3"):
        instance.reviewer(name, expertise={"cbrn": 2}, max_reviews=30)
    run = done_run(instance, staff)

    first = staff_client.get(run_url(run)).context["diff"]
    second = staff_client.get(run_url(run), {"page": 2}).context["diff"]

    assert first.counts["added"] == 52
    assert (len(first.rows), len(second.rows)) == (50, 2)


# --- hand edits ------------------------------------------------------------------------------


def test_adding_a_conflicted_pair_is_refused_with_the_reason(staff_client, staff, hand):
    run = done_run(hand, staff)
    ReviewerTieFactory(user=hand.revs["C"], organisation=hand.subs["S1"].organisation)

    response = staff_client.post(
        run_url(run, "pair_add"),
        {"submission": hand.subs["S1"].code, "reviewer": "c@example.org"},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "Not added: C has a conflict of interest: Declared tie (Employment) to the submitting "
        "organisation Lab of S1."
    ]
    assert not run.pairs.filter(submission=hand.subs["S1"], reviewer=hand.revs["C"]).exists()


def test_adding_and_removing_pairs_by_hand(staff_client, staff, hand):
    run = done_run(hand, staff)
    s2, a = hand.subs["S2"], hand.revs["A"]

    removed = staff_client.post(
        run_url(run, "pair_remove"),
        {"submission": s2.code, "reviewer": "A@example.org", "next": "?tab=added&page=1"},
    )
    after_remove = set(names(hand, run.pairs.all()))
    added = staff_client.post(
        run_url(run, "pair_add"), {"submission": s2.code, "reviewer": "a@example.org"}
    )

    assert removed.url == run_url(run) + "?tab=added&page=1"
    assert added.url == run_url(run)
    assert after_remove == OPTIMUM - {("S2", "A")}
    pair = run.pairs.get(submission=s2, reviewer=a)
    assert (pair.origin, pair.score) == ("staff", 1.0)
    run.refresh_from_db()
    assert run.summary["edited"] is True


def test_unknown_codes_are_refused_clearly(staff_client, staff, hand):
    run = done_run(hand, staff)

    response = staff_client.post(
        run_url(run, "pair_add"),
        {"submission": "nosuchcode", "reviewer": "a@example.org"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Not added: No submission of this call has the code “nosuchcode”."
    ]


def test_a_published_run_cannot_be_edited(staff_client, staff, hand):
    run = done_run(hand, staff)
    staff_client.post(run_url(run, "run_publish"), {"confirm": "on"})
    pairs = set(run.pairs.values_list("pk", flat=True))
    pair = {"submission": hand.subs["S2"].code, "reviewer": "a@example.org"}

    statuses = {
        staff_client.post(run_url(run, "pair_remove"), pair).status_code,
        staff_client.post(run_url(run, "pair_add"), pair).status_code,
        staff_client.get(run_url(run, "run_publish")).status_code,
        staff_client.post(run_url(run, "run_publish"), {"confirm": "on"}).status_code,
    }

    # Staff see the run but may no longer change it.
    assert statuses == {403}
    assert set(run.pairs.values_list("pk", flat=True)) == pairs
    page = staff_client.get(run_url(run))
    assert (page.context["editable"], page.context["publishable"]) == (False, False)
    assert run_url(run, "run_publish") not in page.content.decode()


# --- publishing ------------------------------------------------------------------------------


def test_publish_asks_for_confirmation(staff_client, staff, hand):
    run = done_run(hand, staff)

    page = staff_client.get(run_url(run, "run_publish"))
    unconfirmed = staff_client.post(run_url(run, "run_publish"), {})

    assert page.context["counts"] == {"added": 6, "removed": 0, "kept": 0}
    assert "6 assignments will be created." in page.content.decode()
    assert unconfirmed.status_code == 400
    assert Assignment.objects.count() == 0


def test_publish_creates_automatic_assignments_and_emails_the_reviewers(
    staff_client, staff, hand, django_capture_on_commit_callbacks
):
    run = done_run(hand, staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(run_url(run, "run_publish"), {"confirm": "on"})

    assert response.url == run_url(run)
    created = Assignment.objects.all()
    assert {(a.submission.title, a.reviewer.full_name) for a in created} == OPTIMUM
    assert set(created.values_list("source", flat=True)) == {"automatic"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
        "d@example.org",
    ]
    [to_c] = [m for m in mail.outbox if m.to == ["c@example.org"]]
    assert "You are asked to review these 2 evaluations:" in to_c.body
    assert "“S2”" in to_c.body and "“S3”" in to_c.body
    run.refresh_from_db()
    assert run.published_by == staff
    assert run.summary["publication"]["notified_at"] is not None


def test_publish_emails_reviewers_who_lose_an_assignment(
    staff_client, staff, hand, django_capture_on_commit_callbacks
):
    Assignment.objects.create(
        workshop=hand.workshop, submission=hand.subs["S3"], reviewer=hand.revs["B"]
    )
    run = done_run(hand, staff, keep_existing=False)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(run_url(run, "run_publish"), {"confirm": "on"})

    [to_b] = [m for m in mail.outbox if m.to == ["b@example.org"]]
    assert "This evaluation was withdrawn from your reviews" in to_b.body
    assert "- “S3”" in to_b.body
    assert not Assignment.objects.filter(submission=hand.subs["S3"], reviewer=hand.revs["B"])


def test_emails_are_sent_once_per_run(staff, hand, django_capture_on_commit_callbacks):
    from assignment.services.ui import assignment_run_publish_and_notify

    run = done_run(hand, staff)
    with django_capture_on_commit_callbacks(execute=True):
        assignment_run_publish_and_notify(run=run, user=staff)

    assert assignment_run_notify(run_id=run.pk) == 0
    assert OutgoingEmail.objects.count() == 4


def test_publish_refused_when_a_pair_became_conflicted(
    staff_client, staff, hand, django_capture_on_commit_callbacks
):
    run = done_run(hand, staff)
    ConflictRecord.objects.create(
        reviewer=hand.revs["A"],
        submission=hand.subs["S2"],
        action="recorded",
        reason="Co-author",
        created_by=staff,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(run_url(run, "run_publish"), {"confirm": "on"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Not published; nothing changed. A on “S2”: conflict of interest."
    ]
    assert Assignment.objects.count() == 0
    assert mail.outbox == []


def test_fill_open_slots_after_a_decline_keeps_everything_else(
    staff_client, staff, hand, django_capture_on_commit_callbacks
):
    first = done_run(hand, staff)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(run_url(first, "run_publish"), {"confirm": "on"})
    declined = Assignment.objects.get(submission=hand.subs["S1"], reviewer=hand.revs["D"])
    with django_capture_on_commit_callbacks(execute=True):
        assignment_decline(assignment=declined, user=hand.revs["D"], reason="No time")
    mail.outbox.clear()
    before = set(Assignment.objects.exclude(state="declined").values_list("submission", "reviewer"))

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(runs_url(hand.workshop), hand_form(fill_open_slots_only="on", max_load=3))
    rerun = AssignmentRun.objects.latest("created_at")
    diff = staff_client.get(run_url(rerun)).context["diff"]
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(run_url(rerun, "run_publish"), {"confirm": "on"})

    assert rerun.settings["fill_open_slots_only"] is True
    assert diff.counts == {"added": 1, "removed": 0, "kept": 5}
    [new] = diff.rows
    assert (new.submission, new.reviewer) != (hand.subs["S1"], hand.revs["D"])
    assert new.submission == hand.subs["S1"]
    after = set(Assignment.objects.exclude(state="declined").values_list("submission", "reviewer"))
    assert before < after
    assert len(after - before) == 1
    assert [m.to for m in mail.outbox] == [[new.reviewer.email]]
    assert ProposedPair.objects.filter(run=rerun, kept=True).count() == 5


def test_a_run_stuck_for_long_offers_run_again(staff_client, staff, hand):
    from datetime import timedelta

    from django.utils import timezone

    fresh = AssignmentRun.objects.create(workshop=hand.workshop, created_by=staff, state="running")
    stuck = AssignmentRun.objects.create(
        workshop=hand.workshop,
        created_by=staff,
        state="running",
        started_at=timezone.now() - timedelta(minutes=20),
    )

    assert staff_client.get(run_url(fresh)).context["stale"] is False
    page = staff_client.get(run_url(stuck))
    assert page.context["stale"] is True
    assert "its worker may have stopped" in page.content.decode()


def test_a_dropped_assignment_can_be_kept_by_hand(staff_client, staff, hand):
    Assignment.objects.create(
        workshop=hand.workshop, submission=hand.subs["S3"], reviewer=hand.revs["B"]
    )
    run = done_run(hand, staff, keep_existing=False)
    [row] = staff_client.get(run_url(run), {"tab": "removed"}).context["diff"].rows
    assert row.restorable is True

    staff_client.post(
        run_url(run, "pair_add"),
        {"submission": row.submission.code, "reviewer": row.reviewer.email},
    )

    counts = staff_client.get(run_url(run)).context["diff"].counts
    assert (counts["removed"], counts["kept"]) == (0, 1)
