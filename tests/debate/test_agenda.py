"""The workshop agenda: the staff's sessions (services and form), the participants' page by
day with constant queries, who sees what, and the iCalendar export parsed back."""

import zoneinfo
from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from icalendar import Calendar

from debate import selectors, services
from debate.models import AgendaSession, ProposalStance
from portal.models import AuditEvent
from tests.factories import UserFactory, WorkshopFactory

from .conftest import invite, make_proposal

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=BRUSSELS)


def _input(**fields) -> services.AgendaSessionInput:
    values = {
        "title": "Reliability criteria",
        "starts_at": _at(10, 9),
        "ends_at": _at(10, 10, 30),
        "room": "Room A",
    }
    values.update(fields)
    return services.AgendaSessionInput(**values)


def _session(workshop, staff, **fields) -> AgendaSession:
    return services.agenda_session_create(workshop=workshop, user=staff, data=_input(**fields))


def _agenda(workshop):
    return reverse("debate:agenda", args=[workshop.code])


def _manage(workshop):
    return reverse("debate:agenda_manage", args=[workshop.code])


# --- services -----------------------------------------------------------------------------


def test_create_update_delete_are_audited(workshop, staff, participant, criteria_set):
    proposal = make_proposal(workshop, participant)
    criterion = criteria_set.criteria.get(code="REL-1")
    session = _session(
        workshop,
        staff,
        chair=participant,
        note_taker=staff,
        criteria=[criterion],
        proposals=[proposal],
    )
    assert (session.chair, session.note_taker) == (participant, staff)
    assert list(session.criteria.all()) == [criterion]
    assert list(session.proposals.all()) == [proposal]

    services.agenda_session_update(
        session=session, user=staff, data=_input(title="Renamed", room="Room B")
    )
    session.refresh_from_db()
    assert (session.title, session.room, session.chair) == ("Renamed", "Room B", None)
    assert list(session.proposals.all()) == []

    code = session.code
    services.agenda_session_delete(session=session, user=staff)
    assert not AgendaSession.objects.filter(code=code).exists()
    events = AuditEvent.objects.filter(object_code=code).order_by("pk")
    assert [e.action for e in events] == [
        "agenda_session.created",
        "agenda_session.updated",
        "agenda_session.deleted",
    ]
    assert events[1].changes["room"] == ["Room A", "Room B"]
    assert events[1].changes["proposals"] == [[proposal.code], []]


def test_create_refuses_bad_times_people_criteria_and_proposals(
    workshop, staff, participant, invited_only, criteria_set
):
    other_workshop = WorkshopFactory()
    foreign = make_proposal(other_workshop, participant)
    withdrawn = make_proposal(workshop, participant, withdrawn_at=_at(1, 9))
    other_criterion = other_workshop.criteria_sets.get().criteria.first()
    cases = [
        ({"ends_at": _at(10, 9)}, "ends_at"),
        ({"ends_at": _at(10, 22)}, "ends_at"),
        ({"chair": invited_only}, "chair"),
        ({"note_taker": UserFactory()}, "note_taker"),
        ({"proposals": [foreign]}, "proposals"),
        ({"proposals": [withdrawn]}, "proposals"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as caught:
            _session(workshop, staff, **fields)
        assert field in caught.value.message_dict, fields
    with pytest.raises(ValidationError) as caught:
        _session(workshop, staff, criteria=[other_criterion])
    assert "criteria" in caught.value.message_dict
    assert not AgendaSession.objects.exists()


def test_sessions_must_be_near_the_event_day(staff):
    workshop = WorkshopFactory(event_date=_at(10, 9).date())
    with pytest.raises(ValidationError) as caught:
        _session(workshop, staff, starts_at=_at(20, 9), ends_at=_at(20, 10))
    assert "starts_at" in caught.value.message_dict
    assert _session(workshop, staff, starts_at=_at(11, 9), ends_at=_at(11, 10)).pk


def test_only_staff_write_the_agenda(workshop, participant):
    with pytest.raises(PermissionDenied):
        _session(workshop, participant)


# --- staff pages --------------------------------------------------------------------------


def test_staff_form_creates_in_the_workshop_time_zone(client, workshop, staff, participant):
    proposal = make_proposal(workshop, participant, title="Sharper anchors")
    client.force_login(staff)
    url = reverse("debate:agenda_session_create", args=[workshop.code])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{participant.pk}"' in html  # a participant may chair
    assert 'data-agenda-proposals="on"' in html and "Sharper anchors" in html

    response = client.post(
        url,
        {
            "title": "Opening",
            "starts_at": "2026-06-10T09:00",
            "ends_at": "2026-06-10T10:00",
            "room": "Room A",
            "chair": participant.pk,
            "criteria": ["REL-1"],
            "proposals": [proposal.code],
        },
    )
    assert response.status_code == 302
    session = AgendaSession.objects.get()
    # 09:00 in Brussels (summer time) is 07:00 UTC.
    assert session.starts_at == datetime(2026, 6, 10, 7, 0, tzinfo=UTC)
    assert [c.code for c in session.criteria.all()] == ["REL-1"]

    edit = reverse("debate:agenda_session_edit", args=[workshop.code, session.code])
    assert 'value="2026-06-10T09:00"' in client.get(edit).content.decode()
    bad = client.post(
        edit, {"title": "Opening", "starts_at": "2026-06-10T09:00", "ends_at": "2026-06-10T08:00"}
    )
    assert bad.status_code == 400
    assert "The session must end after it starts." in bad.content.decode()

    delete = reverse("debate:agenda_session_delete", args=[workshop.code, session.code])
    confirm = client.get(delete)
    assert confirm.status_code == 200 and "Opening" in confirm.content.decode()
    assert AgendaSession.objects.exists()
    assert client.post(delete).status_code == 302
    assert not AgendaSession.objects.exists()


def test_who_reaches_the_staff_pages(client, workshop, staff, participant, outsider):
    session = _session(workshop, staff)
    edit = reverse("debate:agenda_session_edit", args=[workshop.code, session.code])
    client.force_login(participant)
    assert client.get(_manage(workshop)).status_code == 403
    assert client.get(edit).status_code == 403
    client.force_login(outsider)
    assert client.get(_manage(workshop)).status_code == 403
    assert client.get(edit).status_code == 404


# --- the participants' agenda ---------------------------------------------------------------


def test_agenda_by_day_marks_the_users_roles(client, workshop, staff, participant, criteria_set):
    decided = make_proposal(workshop, participant, title="Decided one", outcome="rejected")
    ProposalStance.objects.create(proposal=decided, user=staff, stance="support")
    ProposalStance.objects.create(proposal=decided, user=UserFactory(), stance="object")
    _session(
        workshop,
        staff,
        title="Chaired by Pat",
        chair=participant,
        proposals=[decided],
        criteria=[criteria_set.criteria.get(code="REL-1")],
    )
    _session(
        workshop,
        staff,
        title="Second day",
        note_taker=participant,
        chair=staff,
        starts_at=_at(11, 9),
        ends_at=_at(11, 10),
    )
    client.force_login(participant)
    response = client.get(_agenda(workshop))
    assert response.status_code == 200
    days = response.context["days"]
    assert [(d.day.isoformat(), [s.title for s in d.sessions]) for d in days] == [
        ("2026-06-10", ["Chaired by Pat"]),
        ("2026-06-11", ["Second day"]),
    ]
    html = response.content.decode()
    assert html.count('data-role="chair"') == 1
    assert html.count('data-role="note-taker"') == 1
    assert reverse("debate:proposal_detail", args=[workshop.code, decided.code]) in html
    assert '<time datetime="2026-06-10T09:00:00+02:00">' in html
    assert "Rejected" in html and "Sofie Staff" in html and "REL-1" in html
    first = days[0].sessions[0].proposals.all()[0]
    assert (first.support_count, first.objection_count) == (1, 1)
    assert "Edit agenda" not in html

    client.force_login(staff)
    assert "Edit agenda" in client.get(_agenda(workshop)).content.decode()


def test_non_participants_get_no_agenda(client, workshop, staff, invited_only, outsider):
    _session(workshop, staff)
    for user in (invited_only, outsider):
        client.force_login(user)
        assert client.get(_agenda(workshop)).status_code == 403
        assert client.get(reverse("debate:agenda_ics", args=[workshop.code])).status_code == 403


def _many_sessions(workshop, staff, author, count):
    proposals = [make_proposal(workshop, author, title=f"P{i}") for i in range(count)]
    voters = [UserFactory() for _ in range(2)]
    ProposalStance.objects.bulk_create(
        ProposalStance(proposal=p, user=v, stance="support") for p in proposals for v in voters
    )
    criteria = list(workshop.criteria_sets.get().criteria.all()[:2])
    for i in range(count):
        _session(
            workshop,
            staff,
            title=f"Session {i}",
            starts_at=_at(10 + i % 3, 9 + i % 8),
            ends_at=_at(10 + i % 3, 10 + i % 8),
            chair=staff,
            note_taker=author,
            criteria=criteria,
            proposals=proposals[: i + 1],
        )


@pytest.mark.parametrize("count", [2, 12])
@pytest.mark.parametrize("page", ["participant", "staff"])
def test_agenda_queries_constant(
    client, workshop, staff, participant, count, page, django_assert_num_queries
):
    _many_sessions(workshop, staff, participant, count)
    client.force_login(participant if page == "participant" else staff)
    url = _agenda(workshop) if page == "participant" else _manage(workshop)
    # Participant: session, user, staff group, workshop, accepted invitation, then the
    # sessions with chair and note-taker, their criteria, their proposals with counts.
    # Staff: the MFA check instead of the invitation.
    with django_assert_num_queries(8):
        response = client.get(url)
    sessions = response.context["sessions"]
    assert len(sessions) == count
    assert response.content.decode().count('data-session="') == count
    assert sum(len(s.proposals.all()) for s in sessions) == sum(range(1, count + 1))


# --- iCalendar ------------------------------------------------------------------------------


def test_ics_parses_back(client, workshop, staff, participant, settings):
    settings.SITE_URL = "https://portal.example.eu"
    proposal = make_proposal(workshop, participant, title="Clearer wording, please")
    session = _session(
        workshop,
        staff,
        title="Reliability; part 1",
        proposals=[proposal],
        criteria=list(workshop.criteria_sets.get().criteria.filter(code="REL-1")),
    )
    _session(workshop, staff, title="Later", room="", starts_at=_at(11, 14), ends_at=_at(11, 15))
    client.force_login(participant)

    response = client.get(reverse("debate:agenda_ics", args=[workshop.code]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="agenda-{workshop.code}.ics"'
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Reliability; part 1", "Later"]
    first = events[0]
    assert str(first["UID"]) == f"agenda-{session.code}@portal.example.eu"
    assert first.decoded("DTSTART") == datetime(2026, 6, 10, 7, 0, tzinfo=UTC)
    assert first.decoded("DTEND") == datetime(2026, 6, 10, 8, 30, tzinfo=UTC)
    # In UTC ("Z"), not in a time zone the calendar would need a VTIMEZONE for.
    assert b"DTSTART:20260610T070000Z" in response.content
    assert "DTSTAMP" in first
    assert str(first["LOCATION"]) == "Room A"
    assert "REL-1" in str(first["DESCRIPTION"])
    assert "Clearer wording, please" in str(first["DESCRIPTION"])
    assert str(first["URL"]) == "https://portal.example.eu" + _agenda(workshop)
    assert "LOCATION" not in events[1]
    # Stable: the same UID on a second download.
    again = Calendar.from_ical(
        client.get(reverse("debate:agenda_ics", args=[workshop.code])).content
    )
    assert str(again.walk("VEVENT")[0]["UID"]) == str(first["UID"])


# --- links --------------------------------------------------------------------------------


def test_dashboard_links_participants_and_staff(client, workshop, staff, participant, outsider):
    client.force_login(participant)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert _agenda(workshop) in html
    assert reverse("debate:proposal_list", args=[workshop.code]) in html
    client.force_login(outsider)
    assert _agenda(workshop) not in client.get(reverse("portal:dashboard")).content.decode()
    client.force_login(staff)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert _manage(workshop) in html


def test_people_are_staff_and_accepted_invitees(workshop, staff, participant, invited_only):
    submitter = UserFactory()
    invite(workshop, submitter, kind="submitter")
    UserFactory()  # anyone else
    assert set(selectors.agenda_people(workshop=workshop)) == {staff, participant, submitter}


def test_the_proposal_picker_renders_what_django_select_multiple_renders():
    """GroupedSelectMultiple builds the options in Python for speed; the markup is Django's
    own (attribute order aside), escaping and the chosen options included."""
    from django import forms
    from django.test.html import parse_html

    from debate.forms import GroupedSelectMultiple

    choices = [
        ("REL-1", [("a1", "Intervals <now>"), ("a2", "Anchors (Accepted)")]),
        ("New", [("b1", "X & Y")]),
    ]
    attrs = {"id": "id_proposals", "class": "form-select", "required": True}
    plain = forms.SelectMultiple(attrs={"size": 12})
    fast = GroupedSelectMultiple(attrs={"size": 12})
    plain.choices = fast.choices = choices
    for value in ([], ["a2"], ["a1", "b1"]):
        assert parse_html(fast.render("proposals", value, attrs)) == parse_html(
            plain.render("proposals", value, attrs)
        )
