"""`chorus restore FILE`: see chorus.site.backup."""

from chorus.site.backup import restore as main

__all__ = ["main"]
