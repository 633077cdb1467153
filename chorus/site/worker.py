"""`chorus worker`: see chorus.site.serve."""

from chorus.site.serve import worker as main

__all__ = ["main"]
