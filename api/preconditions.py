"""Optimistic locking over HTTP, for every API resource that has a `revision`: its `ETag`
is the revision, and a change sends it back in `If-Match` (428 without one, 412 when
someone saved in between). The browser's forms send the same revision as a field."""

from django.utils.translation import gettext as _

from api.problems import PreconditionRequired


def etag(revision: int) -> str:
    return f'"{revision}"'


def if_match_revision(
    request, *, body_field: bool = False, body_revision: int | None = None
) -> int | None:
    """The revision the client edited: the If-Match header, else (`body_field`) the body's
    `revision`, as the browser's form sends it; 428 with neither. None when the header names no
    revision (garbage, `*`, several ETags): it matches none, so the change is stale."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if body_revision is not None:
            return body_revision
        if not body_field:
            raise PreconditionRequired
        raise PreconditionRequired(
            _(
                "Send the ETag you read (GET) in an If-Match header, or the revision "
                "you edited as `revision`."
            )
        )
    value = header.removeprefix("W/").strip().strip('"')
    # isascii too: "²" is a digit to str.isdigit but not to int().
    return int(value) if value.isascii() and value.isdigit() else None
