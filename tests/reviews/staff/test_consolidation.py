"""The consolidated assessment's flow: staff name the lead, the lead drafts (a stale save is
refused), circulates it, the other reviewers agree or dissent, staff finalise; and who may
open it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, Membership, User, Workshop
from reviews.models import Concurrence, ConsolidatedAssessment, CriterionScore
from reviews.selectors.consolidation import consolidation_get_for_user
from reviews.services.consolidation import consolidation_lead_name
from tests.factories import (
    AssignmentFactory,
    CriteriaSetFactory,
    MembershipFactory,
    ReviewerTieFactory,
    ReviewFactory,
    UserFactory,
    translate_criterion,
)

from .conftest import approve

REQUEST = 4  # session, user, staff group, second factor


@pytest.fixture
def criteria_set(workshop):
    return CriteriaSetFactory(workshop=workshop)


def _reviewed_by(submission, criteria_set, user, levels):
    """An accepted assignment of `user` with a submitted review at `levels` (by code)."""
    assignment = AssignmentFactory(submission=submission, reviewer=user)
    review = ReviewFactory(assignment=assignment, criteria_set=criteria_set, state="submitted")
    for criterion in criteria_set.criteria.all():
        if criterion.code in levels:
            CriterionScore.objects.create(
                review=review, criterion=criterion, level=levels[criterion.code]
            )
    return assignment


@pytest.fixture
def team(workshop, submission, criteria_set, rui):
    """Rui (the lead to be) and Mia review the submission; they disagree on REL-1 (1 vs 4)."""
    mia = UserFactory(email="mia@example.org", full_name="Mia Second")
    approve(mia, workshop)
    _reviewed_by(submission, criteria_set, rui, {"REL-1": 1, "VAL-1": 3})
    _reviewed_by(submission, criteria_set, mia, {"REL-1": 4, "VAL-1": 3})
    return rui, mia


def _name_lead(client, staff, submission, value):
    client.force_login(staff)
    return client.post(
        reverse("reviews:staff_consolidation_lead", args=[submission.code]), {"lead": value}
    )


def _form(assessment, criterion, level, **extra):
    return {
        "revision": assessment.revision,
        f"c{criterion.pk}_level": str(level),
        f"c{criterion.pk}_tag": extra.get("tag", ""),
        f"c{criterion.pk}_synthesis": extra.get("synthesis", ""),
    }


def test_the_whole_flow(client, staff, submission, criteria_set, team):
    rui, mia = team
    rel = criteria_set.criteria.get(code="REL-1")
    rui_assignment = submission.assignments.get(reviewer=rui)

    # Staff name Rui, by his assignment's code, on the Reviewers page.
    client.force_login(staff)
    page = client.get(reverse("reviews:staff_submission_reviewers", args=[submission.code]))
    assert "Name the lead" in page.content.decode()
    response = _name_lead(client, staff, submission, rui_assignment.code)
    assert response.status_code == 302
    assessment = ConsolidatedAssessment.objects.get(submission=submission)
    assert (assessment.lead, assessment.state, assessment.criteria_set) == (
        rui,
        "draft",
        criteria_set,
    )
    event = AuditEvent.objects.get(action="consolidation.lead_named")
    assert (event.actor, event.details["lead"]) == (staff, rui.pk)

    # Rui's page: the reviews side by side, the disagreement on REL-1 flagged.
    client.force_login(rui)
    url = reverse("reviews:consolidation_detail", args=[assessment.code])
    page = client.get(url)
    assert page.status_code == 200
    rows = {row.criterion.code: row for row in page.context["page"].rows}
    assert [c.level for c in rows["REL-1"].individual.cells] == [1, 4]
    assert rows["REL-1"].individual.stats.disagreement is True
    assert rows["VAL-1"].individual.stats.disagreement is False
    assert page.content.decode().count("reviewers disagree by two levels or more") == 1
    assert page.context["page"].reviewer_labels == ["Reviewer A", "Reviewer B"]

    # A draft save, then a save from the outdated revision (another tab) is refused.
    first = assessment.revision
    saved = client.post(url, _form(assessment, rel, 3, tag="gap", synthesis="Between the two."))
    assert saved.status_code == 302
    score = assessment.scores.get(criterion=rel)
    assert (score.level, score.tag, score.synthesis) == (3, "gap", "Between the two.")
    stale = client.post(url, {**_form(assessment, rel, 0), "revision": first})
    assert stale.status_code == 409
    assert "saved in another tab" in stale.content.decode()
    assert assessment.scores.get(criterion=rel).level == 3
    autosave = reverse("reviews:consolidation_autosave", args=[assessment.code])
    assert (
        client.post(autosave, {**_form(assessment, rel, 0), "revision": first}).status_code == 409
    )
    assessment.refresh_from_db()
    fresh = client.post(autosave, _form(assessment, rel, 2, synthesis="Autosaved."))
    assert fresh.status_code == 200
    assert fresh.json()["revision"] == assessment.revision + 1

    # Mia does not see the draft; Rui circulates it and can no longer edit it.
    client.force_login(mia)
    concur = reverse("reviews:consolidation_concur", args=[assessment.code])
    assert client.post(concur, {"agrees": "yes"}).status_code == 404
    assert client.get(url).status_code == 404
    client.force_login(rui)
    circulate = reverse("reviews:consolidation_circulate", args=[assessment.code])
    assert client.post(circulate).status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "circulated"
    assert client.post(url, _form(assessment, rel, 1)).status_code == 403
    # The lead does not answer their own assessment.
    assert client.post(concur, {"agrees": "yes"}).status_code == 403

    # Mia dissents: a note is required.
    client.force_login(mia)
    assert client.post(concur, {"agrees": "no", "dissent_note": " "}).status_code == 400
    assert client.post(concur, {"agrees": "no", "dissent_note": "REL-1 is a 4."}).status_code == 302
    answer = Concurrence.objects.get(assessment=assessment, reviewer=mia)
    assert (answer.agrees, answer.dissent_note) == (False, "REL-1 is a 4.")
    # Staff see her answer by name; Rui sees "Reviewer B".
    client.force_login(rui)
    assert "Reviewer B" in client.get(url).content.decode()

    # Staff finalise.
    client.force_login(staff)
    finalise = reverse("reviews:consolidation_finalise", args=[assessment.code])
    page = client.get(url).content.decode()
    assert "Mia Second" in page and "REL-1 is a 4." in page
    assert client.post(finalise).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.state, assessment.finalised_by) == ("final", staff)
    assert list(
        AuditEvent.objects.filter(object_code=assessment.code)
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "consolidation.lead_named",
        "consolidation.circulated",
        "consolidation.answered",
        "consolidation.finalised",
    ]


def test_staff_take_the_role(client, staff, submission, team):
    response = _name_lead(client, staff, submission, "me")
    assessment = ConsolidatedAssessment.objects.get(submission=submission)
    assert response.url == reverse("reviews:consolidation_detail", args=[assessment.code])
    assert assessment.lead == staff
    page = client.get(response.url)
    assert page.context["form"] is not None
    assert page.context["page"].reviewer_labels == ["Rui Reviewer", "Mia Second"]


def test_the_lead_is_a_reviewer_of_the_submission_or_staff(staff, submission, workshop, team):
    stranger = UserFactory()
    approve(stranger, workshop)
    with pytest.raises(ValidationError):
        consolidation_lead_name(submission=submission, lead=stranger, user=staff)
    assert not ConsolidatedAssessment.objects.exists()


def test_circulating_needs_a_level(client, staff, submission, team):
    rui, _mia = team
    assessment = consolidation_lead_name(submission=submission, lead=rui, user=staff)
    client.force_login(rui)
    client.post(reverse("reviews:consolidation_circulate", args=[assessment.code]))
    assessment.refresh_from_db()
    assert assessment.state == "draft"


def test_only_the_lead_and_staff_see_a_draft_and_the_reviewers_a_circulated_one(
    staff, submission, workshop, baltic_lab, team
):
    rui, mia = team
    assessment = consolidation_lead_name(submission=submission, lead=rui, user=staff)
    # A draft is the lead's alone; circulated, the other reviewers see it.
    with pytest.raises(Http404):
        consolidation_get_for_user(code=assessment.code, user=mia)
    ConsolidatedAssessment.objects.filter(pk=assessment.pk).update(state="circulated")
    assert consolidation_get_for_user(code=assessment.code, user=mia) == assessment
    ReviewerTieFactory(user=mia, organisation=baltic_lab)
    with pytest.raises(Http404):
        consolidation_get_for_user(code=assessment.code, user=mia)
    outsider = UserFactory()
    with pytest.raises(Http404):
        consolidation_get_for_user(code=assessment.code, user=outsider)


@pytest.mark.parametrize("reviewers", [2, 8])
def test_the_lead_page_queries_do_not_grow_with_reviewers(
    client, staff, submission, workshop, criteria_set, django_assert_num_queries, reviewers
):
    users = []
    for index in range(reviewers):
        user = UserFactory()
        approve(user, workshop)
        _reviewed_by(submission, criteria_set, user, {"REL-1": index % 5, "VAL-1": 2})
        users.append(user)
    assessment = consolidation_lead_name(submission=submission, lead=staff, user=staff)
    client.force_login(staff)
    url = reverse("reviews:consolidation_detail", args=[assessment.code])
    # the assessment, the reviewer order, score rows, criteria of the version, the reviewers'
    # names (staff), the assessment's scores, the justifications, its criteria, the answers
    with django_assert_num_queries(REQUEST + 9):
        response = client.get(url)
    assert len(response.context["page"].reviewer_labels) == reviewers


def test_the_lead_reads_the_justifications_side_by_side(client, staff, submission, team):
    rui, mia = team
    CriterionScore.objects.filter(review__assignment__reviewer=mia, criterion__code="REL-1").update(
        justification="Only point estimates are reported."
    )
    assessment = consolidation_lead_name(submission=submission, lead=rui, user=staff)
    client.force_login(rui)
    response = client.get(reverse("reviews:consolidation_detail", args=[assessment.code]))
    rows = {row.criterion.code: row for row in response.context["page"].rows}
    labels = response.context["page"].reviewer_labels
    # In the labels' order: Rui wrote nothing, Mia's words are beside her label.
    assert dict(rows["REL-1"].justifications) == {
        labels[0]: "",
        labels[1]: "Only point estimates are reported.",
    } or dict(rows["REL-1"].justifications) == {
        labels[0]: "Only point estimates are reported.",
        labels[1]: "",
    }
    assert not rows["VAL-1"].has_justification
    html = response.content.decode()
    assert "Only point estimates are reported." in html
    # REL-1 is a disagreement: its justifications are open; anonymous labels, no names.
    assert '<details class="mb-3" open>' in html
    assert "Mia Second" not in html


def _reads(user, language):
    User.objects.filter(pk=user.pk).update(preferred_language=language)


def test_the_pages_name_the_criteria_in_the_reader_language(
    client, staff, submission, criteria_set, team
):
    rui, mia = team
    rel = criteria_set.criteria.get(code="REL-1")
    translate_criterion(rel, language="fr", title="Pertinence systémique")
    translate_criterion(rel, language="de", title="Systemrelevanz")
    assessment = consolidation_lead_name(submission=submission, lead=rui, user=staff)
    assessment.scores.create(criterion=rel, level=3, synthesis="Entre les deux.")
    url = reverse("reviews:consolidation_detail", args=[assessment.code])

    # The lead's draft (the form's levels), the other reviewer's answer and staff's
    # finalising once circulated; VAL-1 (untranslated) in English, marked.
    for state, user, language, title in [
        ("draft", rui, "fr", "Pertinence systémique"),
        ("circulated", mia, "de", "Systemrelevanz"),
        ("circulated", staff, "de", "Systemrelevanz"),
    ]:
        ConsolidatedAssessment.objects.filter(pk=assessment.pk).update(state=state)
        _reads(user, language)
        client.force_login(user)
        html = client.get(url).content.decode()
        assert f"REL-1 {title}" in html
        assert f"{title} — niveau 3" in html
        assert "Systemic-risk relevance" not in html
        assert 'VAL-1 <span lang="en">Internal validity</span> <span class="badge' in html


def test_the_released_assessment_names_the_criteria_in_the_submitter_language(
    client, staff, submission, criteria_set, team, baltic_lab
):
    rui, _mia = team
    rel = criteria_set.criteria.get(code="REL-1")
    translate_criterion(rel, language="de", title="Systemrelevanz")
    assessment = consolidation_lead_name(submission=submission, lead=rui, user=staff)
    assessment.scores.create(criterion=rel, level=2, synthesis="SYNTHESIS-TEXT")
    val = criteria_set.criteria.get(code="VAL-1")
    assessment.scores.create(criterion=val, level=4, synthesis="Solide.")
    ConsolidatedAssessment.objects.filter(pk=assessment.pk).update(state="final")
    Workshop.objects.filter(pk=submission.workshop_id).update(
        reviews_released_at=timezone.now() - timedelta(days=1)
    )
    member = UserFactory(preferred_language="de")
    MembershipFactory(organisation=baltic_lab, user=member, role=Membership.Role.MEMBER)
    client.force_login(member)

    html = client.get(reverse("reviews:submission_reviews", args=[submission.code])).content
    html = html.decode()

    assert "SYNTHESIS-TEXT" in html
    assert "REL-1 Systemrelevanz" in html
    assert "2 – Systemrelevanz — niveau 2" in html
    assert "Systemic-risk relevance" not in html
    # Untranslated: the English title and descriptor, marked as English.
    assert 'VAL-1 <span lang="en">Internal validity</span>' in html
    assert '4 – <span lang="en">State of the art</span>' in html
