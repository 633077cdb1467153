"""Django's cache from one URL, CACHE_URL, so every process of a deployment can share one cache.

CACHE_URL=redis://127.0.0.1:6379/0        # Redis, database 0 (rediss:// for TLS, redis://:password@host)
CACHE_URL=file:///var/cache/chorus        # a folder every process on one machine can write
CACHE_URL=locmem://                       # each process its own (the default: one machine, one process)
CACHE_URL=dummy://                        # no cache at all
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

KEY_PREFIX = "chorus"
# A Redis that stops answering costs a request at most this long before Chorus works the figures out itself.
REDIS_TIMEOUT_SECONDS = 2


def cache_settings(url: str) -> dict:
    """CACHES["default"] for CACHE_URL. An address it does not understand is an error, not a default."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme if url else "locmem"
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": KEY_PREFIX}
    if scheme in {"redis", "rediss", "unix"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": KEY_PREFIX,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    if scheme == "file" and not parts.netloc and parts.path.startswith("/"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": parts.path,
            "KEY_PREFIX": KEY_PREFIX,
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL={url!r} is not a cache Chorus knows: use redis://HOST:6379/DB (rediss:// for TLS), "
        "file:///ABSOLUTE/FOLDER, locmem:// or dummy://."
    )
