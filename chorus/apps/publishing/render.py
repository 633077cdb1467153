"""A report version's charts, HTML body and PDF, all drawn from its frozen figures (chorus.reports)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.template.loader import render_to_string

from chorus.reports import charts
from chorus.reports.pdf import html_to_pdf

from .story import plain_period, story_period, story_sections

PDF_CSS = Path(__file__).parent / "static" / "publishing" / "report_print.css"


def _over_time(figures: dict) -> bytes | None:
    rows = figures["over_time"]
    if not rows:
        return None
    return charts.bar_chart(
        [plain_period(row["label"]) for row in rows],
        [row["count"] for row in rows],
        axis_label="Contributions",
    )


def _heard(figures: dict) -> bytes | None:
    section = next((s for s in figures["heard_from"]["sections"] if s["grouping"] == "imd_quintile"), None)
    if section is None or not section["rows"]:
        return None
    rows = section["rows"]
    return charts.bar_chart(
        [row["label"] for row in rows],
        [row["count"] for row in rows],
        axis_label="Contributions",
        horizontal=True,
    )


def _themes(figures: dict) -> bytes | None:
    themes = figures["themes"]
    if not themes:
        return None
    intervals = [theme["interval"] or [None, None] for theme in themes]
    return charts.interval_chart(
        [theme["theme"] for theme in themes],
        [theme["percent"] for theme in themes],
        [low for low, _ in intervals],
        [high for _, high in intervals],
        axis_label="Share of coded contributions, % (95% confidence interval)",
    )


def _trend(figures: dict) -> bytes | None:
    trend = figures["trend"]
    if len(trend["periods"]) < 2:
        return None
    return charts.line_chart(
        [plain_period(label) for label in trend["periods"]],
        {series["theme"]: [point["percent"] for point in series["points"]] for series in trend["series"]},
        axis_label="Share of all contributions, %",
    )


CHARTS: dict[str, Callable[[dict], bytes | None]] = {
    "over_time": _over_time,
    "heard": _heard,
    "themes": _themes,
    "trend": _trend,
}


def draw_charts(figures: dict, progress: Callable[[], None] = lambda: None) -> dict[str, str]:
    """Each chart as a PNG data URI (absent when there is nothing to draw); `progress` after each."""
    drawn = {}
    for name, draw in CHARTS.items():
        png = draw(figures)
        if png is not None:
            drawn[name] = charts.png_data_uri(png)
        progress()
    return drawn


def body_html(figures: dict, chart_uris: dict[str, str], *, version: int, made_at: str) -> str:
    unanswered = [section["title"] for section in figures["heard_from"]["sections"] if not section["known"]]
    story = figures.get("story")  # versions made before the board story have none
    return render_to_string(
        "publishing/_report_body.html",
        {
            "f": figures,
            "story_sections": story_sections(story) if story else [],
            "story_period": story_period(story) if story else "",
            "charts": chart_uris,
            "version": version,
            "made_at": made_at,
            "unanswered": unanswered,
        },
    )


def pdf_bytes(*, title: str, meta: str, body: str) -> bytes:
    html = render_to_string("publishing/report_pdf.html", {"title": title, "meta": meta, "body": body})
    return html_to_pdf(html, extra_css=PDF_CSS.read_text(encoding="utf-8"))
