"""Turning HTML into PDF and charts into images, for every report Chorus produces. No Django here."""
