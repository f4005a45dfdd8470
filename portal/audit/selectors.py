"""Reading the audit log: the staff's filtered list, a page of it by id (keyset), and an
object's history with who may see it.

The list never counts: a page is the 50 events below (or above) an id, read along one of
the log's indexes, so it costs the same at a hundred events and at millions.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from portal.audit.actions import action_label
from portal.audit.display import actor_for_staff, change_lines, detail_lines
from portal.models import AuditEvent, Membership, User, Workshop
from portal.permissions import has_perm
from portal.rules import member_of

PAGE_SIZE = 50


def audit_events(
    *,
    workshop: Workshop | None = None,
    actor_id: int | None = None,
    action: str = "",
    object_type: str = "",
    object_code: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching every filter given, newest first, with actor and workshop joined
    (both may be gone: the log keeps their ids without a constraint). `until` is
    exclusive."""
    qs = AuditEvent.objects.select_related("actor", "workshop")
    if workshop is not None:
        qs = qs.filter(workshop_id=workshop.pk)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_code:
        qs = qs.filter(object_code=object_code)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return qs.order_by("-id")


@dataclass
class EventPage:
    events: list[AuditEvent]
    # The ids to page from: ?before=<older> shows the next older events, ?after=<newer>
    # the next newer ones; None when there are none.
    older: int | None = None
    newer: int | None = None


def audit_events_page(
    events: QuerySet[AuditEvent],
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> EventPage:
    """`size` events of `events` (newest first) older than `before`, or newer than
    `after`, or the newest. One query reads the page and one more than it, to know whether
    there is a next page that way; the other way takes one EXISTS query (none on the first
    page, which is the newest)."""
    if after is not None and before is None:
        rows = list(events.filter(id__gt=after).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        more_older = bool(rows) and events.filter(id__lt=rows[-1].id).exists()
    else:
        page = events.filter(id__lt=before) if before is not None else events
        rows = list(page.order_by("-id")[: size + 1])
        more_older = len(rows) > size
        rows = rows[:size]
        more_newer = before is not None and bool(rows) and events.filter(id__gt=rows[0].id).exists()
    return EventPage(
        events=rows,
        older=rows[-1].id if more_older else None,
        newer=rows[0].id if more_newer else None,
    )


# --- an object's history --------------------------------------------------------------

# object type -> a function giving the id of the organisation an object (by its code)
# belongs to. Members of that organisation see the object's history, anonymised; objects
# of other types have a history for staff only. Apps register their types in ready().
_HISTORY_OWNERS: dict[str, Callable[[str], int | None]] = {}

_is_member = member_of(lambda organisation_id: organisation_id, name="is_history_owner_member")


def register_history_owner(object_type: str, organisation_of: Callable[[str], int | None]):
    _HISTORY_OWNERS[object_type] = organisation_of


@dataclass
class HistoryEntry:
    created_at: datetime
    who: str
    action: str
    verb: str
    changes: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    email: str = ""


@dataclass
class AuditHistory:
    entries: list[HistoryEntry]
    # Staff see the values changed, and a link to the full log filtered to the object.
    for_staff: bool = False
    log_query: str = ""
    limit: int = 20

    @property
    def more(self) -> bool:
        return len(self.entries) >= self.limit


def audit_history_for(
    *,
    user: User,
    object_type: str | Sequence[str],
    code: str | Sequence[str] | None = None,
    workshop: Workshop | None = None,
    limit: int = 20,
) -> AuditHistory | None:
    """The latest events about an object, as `user` may see them; None when they may see
    none (show no panel). Also: several codes of one type, or with `code` None every
    object of the type(s) in `workshop` (a workshop's report jobs, its criteria).

    Staff see everything, actors named. Members of the organisation an object belongs to
    (see `register_history_owner`; submissions) see its events with their colleagues
    named, AI Office staff shown as "AI Office", anyone else (a reviewer) as "A reviewer",
    and which fields changed without the values.
    """
    types = [object_type] if isinstance(object_type, str) else list(object_type)
    events = AuditEvent.objects.filter(object_type__in=types).select_related("actor")
    if isinstance(code, str):
        events = events.filter(object_code=code)
    elif code is not None:
        events = events.filter(object_code__in=list(code))
    elif workshop is not None:
        events = events.filter(workshop_id=workshop.pk)
    else:
        raise ValueError("audit_history_for needs a code or a workshop")
    if has_perm(user, "portal.view_audit_log"):
        rows = list(events.order_by("-id")[:limit])
        return AuditHistory(
            entries=[_staff_entry(event) for event in rows],
            for_staff=True,
            log_query=_log_query(types, code, workshop),
            limit=limit,
        )
    organisation_of = _HISTORY_OWNERS.get(object_type) if isinstance(object_type, str) else None
    if organisation_of is None or not isinstance(code, str):
        return None
    organisation_id = organisation_of(code)
    if organisation_id is None or not _is_member.test(user, organisation_id):
        return None
    rows = list(
        events.annotate(
            actor_is_member=Exists(
                Membership.objects.filter(
                    organisation_id=organisation_id, user_id=OuterRef("actor_id")
                )
            ),
            actor_in_staff_group=Exists(
                Group.user_set.through.objects.filter(
                    user_id=OuterRef("actor_id"), group__name=settings.STAFF_GROUP_NAME
                )
            ),
        ).order_by("-id")[:limit]
    )
    return AuditHistory(entries=[_member_entry(event) for event in rows], limit=limit)


def _staff_entry(event: AuditEvent) -> HistoryEntry:
    who, email = actor_for_staff(event)
    return HistoryEntry(
        created_at=event.created_at,
        who=who,
        email=email,
        action=action_label(event.action),
        verb=event.action,
        changes=change_lines(event.changes),
        details=detail_lines(event.details),
    )


def _member_entry(event: AuditEvent) -> HistoryEntry:
    return HistoryEntry(
        created_at=event.created_at,
        who=_who_for_member(event),
        action=action_label(event.action),
        verb=event.action,
        # Which fields, not their values: a value may be a staff note or a reviewer's.
        changes=sorted(event.changes or {}),
    )


def _who_for_member(event: AuditEvent) -> str:
    actor = event.actor
    if event.actor_id is None:
        return _("The portal")
    if actor is None:
        return _("A deleted account")
    if actor.is_active and (actor.is_superuser or event.actor_in_staff_group):
        # Staff act for the AI Office; their names are not the submitters' business.
        return _("AI Office")
    if event.actor_is_member:
        return actor.full_name or actor.email
    # Submitters never learn who reviews them (reviews reach them as "Reviewer A").
    return _("A reviewer")


def _log_query(types: list[str], code, workshop: Workshop | None) -> str:
    # The log filters by one object type; for several, by the workshop alone.
    query = {"object_type": types[0]} if len(types) == 1 else {}
    if isinstance(code, str):
        query["object_code"] = code
    if workshop is not None:
        query["workshop"] = workshop.code
    return urlencode(query)
