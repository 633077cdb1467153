"""A meeting's board pack: the priorities on its agenda, their evidence and the outstanding actions, as
HTML and as PDF (chorus.reports). Board members are not the programme team, so figures are
disclosure-controlled here too and quotes come only from residents who agreed to be quoted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.template.loader import render_to_string

from chorus.reports import charts
from chorus.reports.pdf import html_to_pdf

from . import reporting
from .models import Meeting


def _chart(rows: list[tuple[str, int | str]]) -> str:
    """Residents behind each priority, as a bar chart (suppressed counts drawn as empty bars marked *)."""
    figure, axes = charts.new_figure(7.0, 0.5 + 0.5 * max(len(rows), 1))
    labels = [label if len(label) <= 40 else label[:39] + "…" for label, _ in rows]
    values = [value if isinstance(value, int) else 0 for _, value in rows]
    bars = axes.barh(labels, values, color=charts.NHS_BLUE)
    axes.invert_yaxis()
    axes.set_xlabel("Residents who raised it (rounded to 5; * = 1 to 7)", fontsize=8)
    for bar, (_, value) in zip(bars, rows, strict=True):
        axes.annotate(
            str(value),
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            color=charts.NHS_DARK_GREY,
        )
    return charts.png_data_uri(charts.figure_to_png(figure))


def context(meeting: Meeting, *, today: date) -> dict:
    items = []
    for priority in meeting.agenda_priorities.order_by("title"):
        released = reporting.priority_evidence(priority).released()
        outstanding = [
            (action, action.deadline(today))
            for action in priority.actions.filter(completed_on=None).select_related("owner")
        ]
        items.append(
            {
                "priority": priority,
                "evidence": released,
                "quotes": reporting.quotes(priority, limit=3),
                "proposals": list(meeting.agenda_proposals.filter(priority=priority))
                or list(priority.proposals.all()),
                "earlier_decisions": list(
                    priority.decisions.exclude(meeting=meeting).select_related("meeting__body", "owner")
                ),
                "decisions": list(priority.decisions.filter(meeting=meeting).select_related("owner")),
                "outstanding": outstanding,
            }
        )
    return {
        "meeting": meeting,
        "items": items,
        "today": today,
        "chart": _chart([(item["priority"].title, item["evidence"]["total"]) for item in items])
        if items
        else "",
        "overdue": sum(d.overdue for item in items for _, d in item["outstanding"]),
    }


STYLESHEET = Path(__file__).parent / "static" / "accountability" / "board_pack.css"


def render_html(meeting: Meeting, *, today: date, for_pdf: bool = False) -> str:
    return render_to_string(
        "accountability/board_pack.html", {**context(meeting, today=today), "for_pdf": for_pdf}
    )


def render_pdf(meeting: Meeting, *, today: date) -> bytes:
    return html_to_pdf(render_html(meeting, today=today, for_pdf=True), extra_css=STYLESHEET.read_text())
