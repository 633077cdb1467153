"""Helpers shared by the Django tests (importable because pytest puts tests/ on sys.path)."""
