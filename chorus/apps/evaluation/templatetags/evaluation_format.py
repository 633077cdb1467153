"""Formatting figures the way a public health analyst writes them (fractions in, text out)."""

from __future__ import annotations

from django import template

register = template.Library()
MINUS = "\u2212"


def _signed(value: float, decimals: int) -> str:
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        return text
    return f"+{text}" if value > 0 else f"{MINUS}{text}"


def _plain(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace("-", MINUS) if float(text) != 0 else text.lstrip("-")


@register.filter
def percent(fraction: float | None, decimals: int = 1) -> str:
    """0.5899 -> '59.0%'."""
    if fraction is None:
        return "–"
    return f"{_plain(100 * fraction, int(decimals))}%"


@register.filter
def percent_number(fraction: float | None, decimals: int = 1) -> str:
    """0.5899 -> '59.0' (for intervals written 'x to y%')."""
    if fraction is None:
        return "–"
    return _plain(100 * fraction, int(decimals))


@register.filter
def points(fraction: float | None, decimals: int = 2) -> str:
    """A difference of proportions in percentage points: 0.0602 -> '+6.02'."""
    if fraction is None:
        return "–"
    return _signed(100 * fraction, int(decimals))


@register.filter
def signed_percent(fraction: float | None, decimals: int = 1) -> str:
    """A relative change: 0.102 -> '+10.2%'."""
    if fraction is None:
        return "–"
    return f"{_signed(100 * fraction, int(decimals))}%"


@register.filter
def number(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return "–"
    return _plain(value, int(decimals))


@register.filter
def p_value(value: float | None) -> str:
    """Two-sided p: '0.0003', or '<0.0001' below that."""
    if value is None:
        return "–"
    if value < 0.0001:
        return "<0.0001"
    return f"{value:.4f}" if value < 0.01 else f"{value:.3f}"


@register.filter
def pounds(pence: int | None) -> str:
    """12345 pence -> '£123.45'; whole pounds without pence."""
    if pence is None:
        return "–"
    if pence % 100 == 0:
        return f"£{pence // 100:,}"
    return f"£{pence / 100:,.2f}"


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key)
