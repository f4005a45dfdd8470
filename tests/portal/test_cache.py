"""portal.cache.FallbackRedisCache: Redis, or this process's memory while Redis is away."""

import logging
import socket
import threading
import time

import pytest
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError

from portal import cache as portal_cache
from portal.cache import FallbackRedisCache


def _outage_logs(caplog) -> list[str]:
    return [f"{r.levelname} {r.getMessage()}" for r in caplog.records if r.name == "portal.cache"]


def test_calls_are_answered_from_memory_while_redis_is_down(redis_server, caplog):
    caplog.set_level(logging.INFO, logger="portal.cache")
    # Redis is tried on every call: the outage must still be logged once, not per call.
    cache = FallbackRedisCache(redis_server.url(1), {"OPTIONS": {"FALLBACK_RETRY_SECONDS": 0}})
    cache.set("before", "in redis")
    with redis_server.client(1) as redis_db:
        assert redis_db.exists(cache.make_key("before")) == 1

    redis_server.stop()

    assert cache.get("before") is None  # recomputed by the caller
    assert cache.add("lock", True, timeout=10) is True
    assert cache.add("lock", True, timeout=10) is False
    cache.set("count", 1)
    assert cache.incr("count") == 2
    assert cache.get_or_set("figure", lambda: 42) == 42
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(key for key in ("a", "b", "c")) == {"a": 1, "b": 2}
    assert cache.has_key("a") is True
    assert cache.touch("a", timeout=60) is True
    cache.delete_many(["a", "b"])
    assert cache.delete("count") is True
    assert cache.get_many(["a", "b", "count"]) == {}
    logs = _outage_logs(caplog)
    assert len(logs) == 1
    assert logs[0].startswith(f"ERROR Redis cache at 127.0.0.1:{redis_server.port}/1 unreachable")

    redis_server.start()

    cache.set("after", "in redis")
    with redis_server.client(1) as redis_db:
        assert redis_db.exists(cache.make_key("after")) == 1
    assert cache.get("lock") is None  # the fallback's data is gone with the outage
    logs = _outage_logs(caplog)
    assert len(logs) == 2
    assert logs[1].startswith(f"WARNING Redis cache at 127.0.0.1:{redis_server.port}/1 answers")


def test_redis_is_left_alone_between_retries(monkeypatch):
    attempts = []

    def unreachable(self, key, default):
        attempts.append(key)
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(RedisCacheClient, "get", unreachable)
    cache = FallbackRedisCache("redis://127.0.0.1:9/1", {"OPTIONS": {"FALLBACK_RETRY_SECONDS": 30}})
    for _ in range(5):
        assert cache.get("key") is None
    assert len(attempts) == 1

    later = time.monotonic() + 31
    monkeypatch.setattr(portal_cache.time, "monotonic", lambda: later)
    assert cache.get("key") is None
    assert len(attempts) == 2


@pytest.fixture
def hung_redis():
    """A port that accepts connections and never answers, as a hung Redis; closed after
    5 s, so that a client without a read timeout fails the test instead of hanging it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    closer = threading.Timer(5, server.close)
    closer.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/1"
    finally:
        closer.cancel()
        server.close()


def test_hung_redis_holds_a_call_for_a_second_at_most(hung_redis):
    cache = FallbackRedisCache(hung_redis, {})
    started = time.monotonic()

    cache.set("key", "value")

    assert time.monotonic() - started < 2
    assert cache.get("key") == "value"
