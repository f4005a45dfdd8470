"""The workshop agenda as an iCalendar file (RFC 5545), built with the `icalendar` package:
it folds long lines, escapes commas and semicolons and writes UTC times as the standard
wants, which is easy to get subtly wrong by hand."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from debate.models import AgendaSession
from portal.models import Workshop
from portal.services.mail import absolute_url


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def agenda_calendar(*, workshop: Workshop, sessions: list[AgendaSession], now: datetime) -> bytes:
    """One VEVENT per session; `sessions` come from selectors.agenda_for_workshop (criteria
    and proposals prefetched)."""
    calendar = Calendar()
    calendar.add("prodid", "-//GPAI evaluation portal//Workshop agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", workshop.title)
    domain = uid_domain()
    page = absolute_url(reverse("debate:agenda", args=[workshop.code]))
    stamp = now.astimezone(UTC)
    for session in sessions:
        event = Event()
        event.add("uid", f"agenda-{session.code}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at.astimezone(UTC))
        event.add("dtend", session.ends_at.astimezone(UTC))
        event.add("summary", session.title)
        if session.room:
            event.add("location", session.room)
        event.add("description", _description(session))
        event.add("url", page)
        calendar.add_component(event)
    return calendar.to_ical()


def _description(session: AgendaSession) -> str:
    lines = []
    if session.description:
        lines.append(session.description)
    codes = [c.code for c in session.criteria.all()]
    if codes:
        lines.append(_("Criteria: %(codes)s") % {"codes": ", ".join(codes)})
    titles = [p.title for p in session.proposals.all()]
    if titles:
        lines.append(_("Proposals:"))
        lines.extend(f"- {title}" for title in titles)
    return "\n".join(lines)
