"""Protecting residents: redaction, disclosure control, anonymisation. No Django here."""
