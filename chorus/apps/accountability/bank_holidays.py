"""Bank holidays in England (and Wales), 2024 to 2028. No Django, no network.

Source: GOV.UK, "UK bank holidays" (https://www.gov.uk/bank-holidays, data at
https://www.gov.uk/bank-holidays.json, division "england-and-wales"), Open Government Licence v3.0.
GOV.UK publishes about two years ahead; the 2028 dates follow the same standing pattern (New Year's Day,
Good Friday, Easter Monday, first and last Monday in May, last Monday in August, Christmas and Boxing Day,
with a substitute weekday when one falls at a weekend). A one-off bank holiday proclaimed later (as for the
coronation in 2023) must be added here by hand. The test suite checks every date against that pattern.
"""

from __future__ import annotations

from datetime import date

FIRST_YEAR = 2024
LAST_YEAR = 2028

ENGLAND: dict[date, str] = {
    date(2024, 1, 1): "New Year’s Day",
    date(2024, 3, 29): "Good Friday",
    date(2024, 4, 1): "Easter Monday",
    date(2024, 5, 6): "Early May bank holiday",
    date(2024, 5, 27): "Spring bank holiday",
    date(2024, 8, 26): "Summer bank holiday",
    date(2024, 12, 25): "Christmas Day",
    date(2024, 12, 26): "Boxing Day",
    date(2025, 1, 1): "New Year’s Day",
    date(2025, 4, 18): "Good Friday",
    date(2025, 4, 21): "Easter Monday",
    date(2025, 5, 5): "Early May bank holiday",
    date(2025, 5, 26): "Spring bank holiday",
    date(2025, 8, 25): "Summer bank holiday",
    date(2025, 12, 25): "Christmas Day",
    date(2025, 12, 26): "Boxing Day",
    date(2026, 1, 1): "New Year’s Day",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 4): "Early May bank holiday",
    date(2026, 5, 25): "Spring bank holiday",
    date(2026, 8, 31): "Summer bank holiday",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 28): "Boxing Day (substitute day)",
    date(2027, 1, 1): "New Year’s Day",
    date(2027, 3, 26): "Good Friday",
    date(2027, 3, 29): "Easter Monday",
    date(2027, 5, 3): "Early May bank holiday",
    date(2027, 5, 31): "Spring bank holiday",
    date(2027, 8, 30): "Summer bank holiday",
    date(2027, 12, 27): "Christmas Day (substitute day)",
    date(2027, 12, 28): "Boxing Day (substitute day)",
    date(2028, 1, 3): "New Year’s Day (substitute day)",
    date(2028, 4, 14): "Good Friday",
    date(2028, 4, 17): "Easter Monday",
    date(2028, 5, 1): "Early May bank holiday",
    date(2028, 5, 29): "Spring bank holiday",
    date(2028, 8, 28): "Summer bank holiday",
    date(2028, 12, 25): "Christmas Day",
    date(2028, 12, 26): "Boxing Day",
}

DAYS: frozenset[date] = frozenset(ENGLAND)


def covers(day: date) -> bool:
    """Whether the list knows the bank holidays of `day`'s year."""
    return FIRST_YEAR <= day.year <= LAST_YEAR
