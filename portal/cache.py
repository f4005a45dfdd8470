"""The Redis cache, answered from this process's memory while Redis cannot be reached.

In production Redis holds the login rate limits and cached figures (the progress board's
totals). Django's RedisCache raises redis' ConnectionError from every call while Redis is
down, so signing in answered 500. Here such a call is answered by a local-memory cache of
this process instead: the rate limits then count per process (each gunicorn worker) until
Redis is back, and cached figures are recomputed. The outage is logged once a minute per
process, not once per call.

After a failed call Redis is left alone for FALLBACK_RETRY_SECONDS (OPTIONS; default 5),
so that a request does not pay a timeout on each of its cache calls; then the next call
tries it again.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)
LOG_INTERVAL_SECONDS = 60
# Redis answers a cache call in well under a millisecond. A server that is down refuses
# the connection at once; these bound the wait for one that is unreachable or hung.
CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 1.0
FALLBACK_MAX_ENTRIES = 5000


@dataclass
class _Outage:
    """What this process knows about one Redis server. Django makes one cache backend per
    thread; they share this, so that the outage is logged once per process."""

    lock: threading.Lock
    retry_at: float = 0.0  # time.monotonic(); Redis is not tried before
    since: float | None = None
    logged_at: float | None = None


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _describe(server: str) -> str:
    # Host, port and database only: the URL may carry a password.
    parts = urlsplit(server)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path}"


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self._retry_seconds = float(options.pop("FALLBACK_RETRY_SECONDS", 5))
        options.setdefault("socket_connect_timeout", CONNECT_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", READ_TIMEOUT_SECONDS)
        super().__init__(server, {**params, "OPTIONS": options})
        self._where = ", ".join(_describe(one) for one in self._servers)
        # Same name in every thread: LocMemCache instances of one name share their data.
        self._fallback = LocMemCache(
            f"portal.cache.fallback:{self._where}",
            {
                **{
                    name: params[name]
                    for name in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
                    if name in params
                },
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
            },
        )
        with _outages_lock:
            self._outage = _outages.setdefault(self._where, _Outage(lock=threading.Lock()))

    def _call(self, method: str, *args, **kwargs):
        if time.monotonic() < self._outage.retry_at:
            return getattr(self._fallback, method)(*args, **kwargs)
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except OUTAGE_ERRORS as error:
            self._went_down(error)
            return getattr(self._fallback, method)(*args, **kwargs)
        if self._outage.since is not None:
            self._came_back()
        return result

    def _went_down(self, error: Exception) -> None:
        now = time.monotonic()
        outage = self._outage
        with outage.lock:
            outage.retry_at = now + self._retry_seconds
            if outage.since is None:
                outage.since = now
            log = outage.logged_at is None or now - outage.logged_at >= LOG_INTERVAL_SECONDS
            if log:
                outage.logged_at = now
            lasted = now - outage.since
        if log:
            logger.error(
                "Redis cache at %s unreachable for %.0f s (%s: %s): this process uses its "
                "own memory cache until Redis answers again; rate limits count per process.",
                self._where,
                lasted,
                type(error).__name__,
                error,
            )

    def _came_back(self) -> None:
        outage = self._outage
        with outage.lock:
            if outage.since is None:  # another thread saw it first
                return
            lasted = time.monotonic() - outage.since
            outage.since = outage.logged_at = None
            outage.retry_at = 0.0
        # What the fallback held is stale once Redis answers; it must not come back in the
        # next outage.
        self._fallback.clear()
        logger.warning("Redis cache at %s answers again after %.0f s.", self._where, lasted)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", list(keys), version=version)  # may be read twice

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", list(keys), version=version)

    def clear(self):
        return self._call("clear")
