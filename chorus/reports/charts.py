"""Charts as images (matplotlib, headless), embedded in HTML and PDF as data URIs."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

NHS_BLUE = "#005eb8"
NHS_DARK_GREY = "#425563"
NHS_PALETTE = ["#005eb8", "#007f3b", "#ffb81c", "#330072", "#d5281b", "#00a499", "#768692"]


def new_figure(width_inches: float = 7.0, height_inches: float = 3.5):
    figure, axes = plt.subplots(figsize=(width_inches, height_inches), dpi=150)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(colors=NHS_DARK_GREY)
    return figure, axes


def figure_to_png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# ---------------------------------------------------------------------------------------------- report charts
# Values may be numbers or a marker string ("*" for a suppressed figure): a marker is drawn as an empty bar
# or a missing point, and written beside it, so a chart never shows more than the table beside it.

Value = int | float | str | None


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    labels: list[str], values: list[Value], *, axis_label: str, horizontal: bool = False, suffix: str = ""
) -> bytes:
    """Bars with their values written on them; horizontal for long labels (themes, wards)."""
    numbers = [_number(value) or 0.0 for value in values]
    if horizontal:
        figure, axes = new_figure(7.0, 0.6 + 0.32 * max(len(labels), 1))
        bars = axes.barh([_short(label) for label in labels], numbers, color=NHS_BLUE)
        axes.invert_yaxis()
        axes.set_xlabel(axis_label, fontsize=8)
    else:
        figure, axes = new_figure(7.0, 3.0)
        bars = axes.bar(range(len(labels)), numbers, color=NHS_BLUE)
        axes.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 6 else 0, ha="right")
        axes.set_ylabel(axis_label, fontsize=8)
    # Counts: whole-number ticks only.
    (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(labelsize=7)
    for bar, value in zip(bars, values, strict=True):
        text = "" if value is None else f"{value}{suffix if _number(value) is not None else ''}"
        if horizontal:
            position, offset = (bar.get_width(), bar.get_y() + bar.get_height() / 2), (3, 0)
            alignment = {"va": "center", "ha": "left"}
        else:
            position, offset = (bar.get_x() + bar.get_width() / 2, bar.get_height()), (0, 2)
            alignment = {"va": "bottom", "ha": "center"}
        axes.annotate(
            text,
            position,
            xytext=offset,
            textcoords="offset points",
            color=NHS_DARK_GREY,
            fontsize=7,
            **alignment,
        )
    return figure_to_png(figure)


def interval_chart(
    labels: list[str], estimates: list[Value], lowers: list[Value], uppers: list[Value], *, axis_label: str
) -> bytes:
    """Estimates as points with their confidence intervals as whiskers, one row per label."""
    figure, axes = new_figure(7.0, 0.6 + 0.32 * max(len(labels), 1))
    positions = list(range(len(labels)))
    for position, estimate, lower, upper in zip(positions, estimates, lowers, uppers, strict=True):
        point, low, high = _number(estimate), _number(lower), _number(upper)
        if point is None:
            axes.annotate(str(estimate or ""), (0, position), va="center", color=NHS_DARK_GREY, fontsize=7)
            continue
        if low is not None and high is not None:
            axes.plot([low, high], [position, position], color=NHS_BLUE, linewidth=2, solid_capstyle="butt")
        axes.plot([point], [position], "o", color=NHS_BLUE, markersize=5)
    axes.set_yticks(positions, [_short(label) for label in labels])
    axes.set_ylim(len(labels) - 0.5, -0.5)
    axes.set_xlim(left=0)
    axes.set_xlabel(axis_label, fontsize=8)
    axes.tick_params(labelsize=7)
    axes.grid(axis="x", color="#d8dde0", linewidth=0.5)
    return figure_to_png(figure)


def line_chart(periods: list[str], series: dict[str, list[Value]], *, axis_label: str) -> bytes:
    """One line per series over the periods; a suppressed or missing value breaks the line."""
    figure, axes = new_figure(7.0, 3.2)
    positions = list(range(len(periods)))
    for index, (name, values) in enumerate(series.items()):
        numbers = [_number(value) for value in values]
        axes.plot(
            positions,
            [float("nan") if value is None else value for value in numbers],
            marker="o",
            markersize=3,
            color=NHS_PALETTE[index % len(NHS_PALETTE)],
            label=_short(name, 30),
        )
    axes.set_xticks(positions, periods, rotation=45 if len(periods) > 6 else 0, ha="right")
    axes.set_ylim(bottom=0)
    axes.set_ylabel(axis_label, fontsize=8)
    axes.tick_params(labelsize=7)
    if series:
        axes.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return figure_to_png(figure)
