from django import template

register = template.Library()


@register.filter
def signed(value: float | None, places: int = 2) -> str:
    """A weight with its sign written out (+0.75, −0.50), so the sign never depends on colour."""
    if value is None:
        return "–"
    text = f"{abs(float(value)):.{places}f}"
    return f"−{text}" if value < 0 else f"+{text}"
