"""Querysets compiled to SQL once per process, for the few pages everyone opens all day.

Building and compiling a queryset with several EXISTS conditions costs Django more than
PostgreSQL takes to answer it: on the reviewer's dashboard, about 3 ms of its 9 ms (one
query: assignments with their workshop, submission and review, visible to the reviewer and
free of conflicts). The SQL of such a queryset depends only on its shape, not on whose page
it is, so it is compiled once per process and database with a stand-in id, and each request
then runs the same SQL with its own id, through Django's own model loading (select_related
included). The queryset stays the one definition (its builder is called on the first use,
and in the tests that compare both ways).

On PostgreSQL the SQL is also a prepared statement of each connection (PREPARE once, then
EXECUTE): planning that query took PostgreSQL 1.9 ms of the 2.3 ms it spent on it, for every
request. Behind a pooler that does not keep a session's prepared statements (PgBouncer in
transaction mode), set DATABASE_PREPARED_STATEMENTS=false.

Only for querysets whose sole varying input is one id: the builder must not read the clock,
the request or settings that change at run time.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

logger = logging.getLogger(__name__)

# An id no row has (ids are positive), so that its places in the parameters can be found.
STAND_IN = -7_340_001_003


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: tuple
    places: tuple[int, ...]


_compiled: dict[tuple[str, str, str], _Compiled] = {}
_PLACEHOLDER = re.compile(r"%%|%s")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,40}")


def _numbered(sql: str) -> str:
    """Django's `%s` placeholders as PostgreSQL's `$1, $2, ...` (and `%%` as `%`)."""
    numbers = iter(range(1, 1_000_000))
    return _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)


def _prepared_names(connection) -> set[str]:
    """Statements prepared on this connection's current database session; a reconnect
    starts a new, empty set."""
    raw = connection.connection
    held = getattr(connection, "_portal_prepared", None)
    if held is None or held[0] is not raw:
        held = (raw, set())
        connection._portal_prepared = held
    return held[1]


def _fetch_prepared(connection, key: str, compiled: _Compiled, params: list) -> list | None:
    """The rows by EXECUTE of the connection's prepared statement (prepared first if need
    be), or None when PostgreSQL refused it: the caller then runs the plain SQL. Only
    outside transactions (as web requests run), where a refused statement aborts nothing."""
    connection.ensure_connection()
    names = _prepared_names(connection)
    # The SQL's digest in the name: a shape changed at run time (tests) is a new statement.
    name = f"portal_{key}_{hashlib.sha256(compiled.sql.encode()).hexdigest()[:12]}"
    placeholders = ", ".join(["%s"] * len(params))
    try:
        with connection.cursor() as cursor:
            if name not in names:
                cursor.execute(f"PREPARE {name} AS {_numbered(compiled.sql)}")
                names.add(name)
            cursor.execute(f"EXECUTE {name} ({placeholders})", params)
            return cursor.fetchall()
    except DatabaseError:
        logger.warning("Prepared statement %s refused; running its SQL instead.", name)
        names.discard(name)
        return None


def _compile(build: Callable[[int], QuerySet], alias: str) -> _Compiled:
    queryset = build(STAND_IN)
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    places = tuple(i for i, value in enumerate(params) if value == STAND_IN)
    if not places:
        raise ValueError("The builder's queryset does not use the id it is given.")
    return _Compiled(compiler, sql, tuple(params), places)


def precompiled_list(key: str, build: Callable[[int], QuerySet], *, pk: int) -> list[Model]:
    """`list(build(pk))`, with the SQL compiled on this process's first call for `key`
    (an identifier: it names the prepared statement)."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"Not an identifier: {key!r}")
    alias = "default"
    connection = connections[alias]
    slot = (key, alias, connection.vendor)
    compiled = _compiled.get(slot)
    if compiled is None:
        compiled = _compiled[slot] = _compile(build, alias)
    params = list(compiled.params)
    for place in compiled.places:
        params[place] = pk
    compiler = copy.copy(compiled.compiler)
    compiler.connection = connection
    compiler.as_sql = lambda *args, **kwargs: (compiled.sql, tuple(params))
    results = None
    if (
        connection.vendor == "postgresql"
        and settings.DATABASE_PREPARED_STATEMENTS
        and not connection.in_atomic_block
    ):
        rows = _fetch_prepared(connection, key, compiled, params)
        results = None if rows is None else [rows]
    if results is None:
        results = compiler.execute_sql()
    # As django.db.models.query.ModelIterable, from the compiled select.
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, alias)
    annotations = compiler.annotation_col_map
    objects = []
    for row in compiler.results_iter(results):
        obj = model.from_db(alias, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in (annotations or {}).items():
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def forget_compiled() -> None:
    """Drop every compiled query (tests that change a queryset's shape at run time)."""
    _compiled.clear()
