"""How an audit event reads on a page: who acted, what changed, which object it was about.

The log keeps ids, verbs and hash markers; these turn them into text for staff (names and
email addresses of the actors) and, on a submission's page, for its organisation (who
from the AI Office or among the reviewers is never named to them).
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from portal.audit.actions import action_label
from portal.models import AuditEvent

# Pages that show one object by its code alone. An object type missing here is shown
# without a link; add a line when the object has such a page.
OBJECT_URLS = {
    "workshop": "portal:workshop_detail",
    "organisation": "portal:organisation_detail",
    "submission": "submissions:detail",
}


def is_digest(value) -> bool:
    """A value the log kept as its hash and length only (long text, personal data)."""
    return isinstance(value, dict) and set(value) == {"sha256", "length"}


def value_text(value) -> str:
    if value is None or value == "":
        return "—"
    if is_digest(value):
        return _("(%(count)d characters)") % {"count": value["length"]}
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {value_text(item)}" for key, item in value.items())
    return str(value)


def change_lines(changes: dict) -> list[str]:
    """ "field: before → after"; a hashed value reads "field: changed (n characters)"."""
    lines = []
    for field, pair in sorted((changes or {}).items()):
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        if is_digest(before) or is_digest(after):
            length = after["length"] if is_digest(after) else len(str(after or ""))
            lines.append(
                _("%(field)s: changed (%(count)d characters)") % {"field": field, "count": length}
            )
        else:
            lines.append(f"{field}: {value_text(before)} → {value_text(after)}")
    return lines


def detail_lines(details: dict) -> list[str]:
    return [f"{name}: {value_text(value)}" for name, value in (details or {}).items()]


def system_text(actor_system: str) -> str:
    return _("system: %(name)s") % {"name": actor_system or "system"}


def actor_for_staff(event: AuditEvent) -> tuple[str, str]:
    """(who, their email address) for staff. The actor is loaded with the event."""
    if event.actor_id is None:
        return system_text(event.actor_system), ""
    if event.actor is None:
        # The account was deleted since; the log keeps its id only.
        return _("deleted account #%(id)d") % {"id": event.actor_id}, ""
    return event.actor.full_name or event.actor.email, event.actor.email


def object_url(event: AuditEvent) -> str:
    name = OBJECT_URLS.get(event.object_type)
    if not name or not event.object_code:
        return ""
    try:
        return reverse(name, args=[event.object_code])
    except NoReverseMatch:
        return ""


def workshop_text(event: AuditEvent) -> str:
    if event.workshop_id is None:
        return ""
    if event.workshop is None:
        return _("deleted workshop #%(id)d") % {"id": event.workshop_id}
    return event.workshop.title


def staff_row(event: AuditEvent) -> dict:
    """Everything the staff's log shows of one event."""
    who, email = actor_for_staff(event)
    return {
        "event": event,
        "actor": who,
        "actor_email": email,
        "action": action_label(event.action),
        "object_url": object_url(event),
        "workshop": workshop_text(event),
        "changes": change_lines(event.changes),
        "details": detail_lines(event.details),
    }
