"""Reading the audit log: the staff's filtered list, a page of it by id (keyset), and an
object's history with who may see it.

The list never counts: a page is the 50 events below (or above) an id, read along one of
the log's indexes, so it costs the same at a hundred events and at millions.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
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
    exclusive; an object code counts only with its type (the index starts with the type).
    """
    qs = AuditEvent.objects.select_related("actor", "workshop")
    indexed = 0
    if workshop is not None:
        qs = qs.filter(workshop_id=workshop.pk)
        indexed += 1
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
        indexed += 1
    if action:
        qs = qs.filter(action=action)
        indexed += 1
    if object_type:
        qs = qs.filter(object_type=object_type)
        if object_code:
            qs = qs.filter(object_code=object_code)
        indexed += 1
    if since is not None:
        qs = qs.filter(created_at__gte=since, id__gt=_last_id_before(since - CLOCK_SLACK))
    if until is not None:
        qs = qs.filter(created_at__lt=until, id__lt=_first_id_from(until + CLOCK_SLACK))
    return newest_first(qs, combined=indexed > 1)


# How far the order of ids may stray from the order of times: an event's time is taken
# before it waits for the chain's lock, which a long transaction holds until it commits.
CLOCK_SLACK = timedelta(days=1)
_NO_ID_ABOVE = 2**63 - 1


def _last_id_before(moment: datetime):
    """The id of the latest event before `moment` (0 if none): every event at least
    CLOCK_SLACK later has a greater id. Dates become a range of ids, so that the page reads
    along the primary key from the right place instead of from the newest event."""
    latest = AuditEvent.objects.filter(created_at__lt=moment).order_by("-created_at")
    return Coalesce(Subquery(latest.values("id")[:1]), Value(0))


def _first_id_from(moment: datetime):
    """The id of the first event at or after `moment` (none: no bound)."""
    first = AuditEvent.objects.filter(created_at__gte=moment).order_by("created_at")
    return Coalesce(Subquery(first.values("id")[:1]), Value(_NO_ID_ABOVE))


def newest_first(events: QuerySet[AuditEvent], *, combined: bool) -> QuerySet[AuditEvent]:
    """`events` newest first.

    With one filter, its index (filter, -id) yields the events in order. With two or more,
    PostgreSQL walks the primary key backwards, expecting to meet a match soon; when the
    combination is rare (a workshop and an action that never met) it reads the whole log.
    Ordering by an expression instead makes it intersect the filters' indexes and sort
    only what matches.
    """
    if combined:
        return events.order_by((F("id") + 0).desc())
    return events.order_by("-id")


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
    """`size` events of `events` (newest first, as `audit_events` orders them) older than
    `before`, or newer than `after`, or the newest. One query reads the page and one
    event more, to know whether there is a next page that way; the other way takes one
    EXISTS query (none on the first page, which is the newest)."""
    if after is not None and before is None:
        rows = list(events.filter(id__gt=after).reverse()[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        more_older = bool(rows) and events.filter(id__lt=rows[-1].id).exists()
    else:
        page = events.filter(id__lt=before) if before is not None else events
        rows = list(page[: size + 1])
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
    # A type and a code use one index; a workshop with the type(s), or several codes, two.
    events = newest_first(events, combined=not isinstance(code, str))
    if has_perm(user, "portal.view_audit_log"):
        rows = list(events[:limit])
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
        )[:limit]
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
