"""Who is acting and on behalf of which request, for the audit log and the server log.

A request's id is set by `portal.middleware.RequestIdMiddleware`; a Celery task runs with
the id of the request that queued it (passed in the message headers) and names itself as
the system actor; a management command names itself with `system_actor`.
"""

import contextlib
import contextvars
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_system_actor: contextvars.ContextVar[str] = contextvars.ContextVar("system_actor", default="")

# What a caller may choose as its own id (a proxy's X-Request-ID): short, printable, no
# spaces, so that it cannot forge a log line.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id(proposed: str | None = None) -> str:
    if proposed and _ACCEPTABLE_ID.match(proposed):
        return proposed
    return uuid.uuid4().hex


def get_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str) -> contextvars.Token:
    return _request_id.set(value)


def get_system_actor() -> str:
    return _system_actor.get()


def set_system_actor(value: str) -> contextvars.Token:
    return _system_actor.set(value)


@contextlib.contextmanager
def system_actor(name: str, *, request_id: str | None = None):
    """Everything recorded inside is attributed to `name` when no person is given."""
    actor_token = _system_actor.set(name)
    id_token = _request_id.set(request_id or new_request_id())
    try:
        yield
    finally:
        _request_id.reset(id_token)
        _system_actor.reset(actor_token)
