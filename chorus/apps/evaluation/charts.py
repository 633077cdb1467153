"""Evaluation charts as PNG bytes (matplotlib through chorus.reports.charts). No Django."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable

from chorus.reports.charts import NHS_BLUE, NHS_DARK_GREY, NHS_PALETTE, figure_to_png, new_figure
from chorus.stats import funnel_curve

from .analysis import Funnel, UptakeRow

NHS_RED = "#d5281b"
NHS_GREEN = "#007f3b"
CACHED_CHARTS = 64

# Drawing a chart takes about half a second; the same figures are asked for again and again (page, report,
# PDF), so the last few PNGs are kept, keyed by everything that is drawn.
_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(key: str, draw: Callable[[], bytes]) -> bytes:
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    png = draw()
    with _cache_lock:
        _cache[key] = png
        while len(_cache) > CACHED_CHARTS:
            _cache.popitem(last=False)
    return png


def funnel_png(funnel: Funnel, title: str) -> bytes:
    """Partners on a funnel around the pooled uptake, with 95% (dashed) and 99.8% (solid) limits."""
    return _cached(repr(("funnel", funnel, title)), lambda: _draw_funnel(funnel, title))


def uptake_png(rows: list[UptakeRow], title: str) -> bytes:
    """Uptake at each date for each population, with 95% Wilson intervals as error bars."""
    return _cached(repr(("uptake", rows, title)), lambda: _draw_uptake(rows, title))


def _draw_funnel(funnel: Funnel, title: str) -> bytes:
    figure, axes = new_figure(7.0, 4.0)
    largest = max(unit.trials for unit in funnel.units)
    smallest = min(unit.trials for unit in funnel.units)
    start = max(10.0, smallest / 4)
    stop = largest * 1.3
    steps = 120
    grid = [start * (stop / start) ** (i / steps) for i in range(steps + 1)]
    curve = funnel_curve(funnel.target, grid)
    axes.plot(
        grid, [100 * p.upper_998 for p in curve], color=NHS_DARK_GREY, linewidth=1.2, label="99.8% limits"
    )
    axes.plot(grid, [100 * p.lower_998 for p in curve], color=NHS_DARK_GREY, linewidth=1.2)
    axes.plot(
        grid,
        [100 * p.upper_95 for p in curve],
        color=NHS_DARK_GREY,
        linewidth=1,
        linestyle="--",
        label="95% limits",
    )
    axes.plot(grid, [100 * p.lower_95 for p in curve], color=NHS_DARK_GREY, linewidth=1, linestyle="--")
    axes.axhline(
        100 * funnel.target, color=NHS_BLUE, linewidth=1, label=f"All partners {100 * funnel.target:.1f}%"
    )
    for unit in funnel.units:
        colour = (
            NHS_BLUE if unit.position == "inside" else (NHS_GREEN if unit.position == "above" else NHS_RED)
        )
        axes.scatter([unit.trials], [100 * unit.proportion], color=colour, s=36, zorder=3)
        axes.annotate(
            unit.name,
            (unit.trials, 100 * unit.proportion),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=8,
            color=NHS_DARK_GREY,
        )
    axes.set_xlim(0, stop)
    axes.set_xlabel("Eligible people")
    axes.set_ylabel("Uptake (%)")
    axes.set_title(title, fontsize=10, loc="left")
    axes.legend(fontsize=7, frameon=False, loc="lower right")
    return figure_to_png(figure)


def _draw_uptake(rows: list[UptakeRow], title: str) -> bytes:
    populations = list(dict.fromkeys(row.population for row in rows))
    dates = sorted({row.when for row in rows})
    figure, axes = new_figure(7.0, 3.6)
    width = 0.8 / max(1, len(dates))
    for date_index, when in enumerate(dates):
        xs, ys, below, above = [], [], [], []
        for position, population in enumerate(populations):
            row = next((r for r in rows if r.population == population and r.when == when), None)
            if row is None:
                continue
            xs.append(position + (date_index - (len(dates) - 1) / 2) * width)
            ys.append(100 * row.uptake)
            below.append(100 * (row.uptake - row.lower))
            above.append(100 * (row.upper - row.uptake))
        axes.bar(
            xs,
            ys,
            width=width * 0.92,
            color=NHS_PALETTE[date_index % len(NHS_PALETTE)],
            label=f"{when:%d %b %Y}",
            yerr=[below, above],
            capsize=3,
            ecolor=NHS_DARK_GREY,
        )
    axes.set_xticks(range(len(populations)), [_wrap(p) for p in populations], fontsize=8)
    axes.set_ylabel("Uptake (%) with 95% interval")
    top = max((100 * r.upper for r in rows), default=100)
    axes.set_ylim(0, min(100, math.ceil(top / 10) * 10 + 5))
    axes.set_title(title, fontsize=10, loc="left")
    axes.legend(fontsize=8, frameon=False, ncols=len(dates), loc="upper left", bbox_to_anchor=(0, -0.18))
    return figure_to_png(figure)


def _wrap(label: str, width: int = 16) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
