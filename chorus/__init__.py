"""Chorus: community intelligence for health and care."""
