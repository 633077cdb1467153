"""CACHE_URL picks Django's cache: Redis shared by every process, a folder, or each process its own."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from chorus.site.cache_url import cache_settings


def test_redis_addresses_give_the_redis_cache_with_a_short_timeout():
    for url in ("redis://127.0.0.1:6379/0", "rediss://:secret@cache.example.org:6380/2"):
        chosen = cache_settings(url)
        assert chosen["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert chosen["LOCATION"] == url
        assert chosen["OPTIONS"]["socket_timeout"] <= 5


def test_no_cache_url_keeps_a_cache_per_process_and_a_folder_gives_the_file_cache():
    assert cache_settings("")["BACKEND"].endswith("LocMemCache")
    assert cache_settings("file:///var/cache/chorus")["LOCATION"] == "/var/cache/chorus"
    assert cache_settings("dummy://")["BACKEND"].endswith("DummyCache")


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "file://relative/folder", "127.0.0.1:6379"])
def test_a_cache_url_chorus_does_not_know_is_a_clear_error(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL=.*redis://HOST:6379/DB"):
        cache_settings(url)
