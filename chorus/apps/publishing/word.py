"""A report version's board paper as a Word document (.docx, python-docx), for boards that edit their papers.

The paper holds the board story (publishing.story: the same sentences as the report's first page), the top
themes table and a note on how the figures were made, all from the version's frozen figures.
"""

from __future__ import annotations

import io

from .models import Report
from .story import number, percent, story_period, story_sections

WORD_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _themes_table(document, figures: dict) -> None:
    themes = figures.get("themes") or []
    if not themes:
        return
    methods = figures["methods"]
    document.add_heading("Top themes", level=2)
    document.add_paragraph(
        f"Each theme's share of the {number(methods['coded'])} contributions sorted into themes (by the "
        f"Chorus model or by a person; a person checked {number(methods['reviewed'])}), with its 95% "
        "confidence interval: the range the true share very likely lies in."
    )
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, heading in zip(
        table.rows[0].cells, ("Theme", "Contributions", "Share of coded (95% CI)"), strict=True
    ):
        cell.text = heading
    for theme in themes:
        cells = table.add_row().cells
        cells[0].text = theme["theme"]
        cells[1].text = number(theme["count"])
        interval = theme.get("interval")
        cells[2].text = percent(theme["percent"]) + (
            f" ({interval[0]:.1f} to {interval[1]:.1f})" if interval else ""
        )


def board_paper(report: Report, *, title: str, meta: str) -> bytes:
    """The .docx bytes of the version's board paper."""
    from docx import Document  # python-docx: imported here so the rest of publishing works without it

    figures = report.figures
    document = Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    document.add_paragraph(meta)
    story = figures.get("story")
    if story:
        document.add_heading("Summary for the board", level=1)
        document.add_paragraph(story_period(story))
        for section in story_sections(story):
            document.add_heading(section.heading, level=2)
            for paragraph in section.paragraphs:
                document.add_paragraph(paragraph)
            style = "List Number" if section.numbered else "List Bullet"
            for item in section.items:
                document.add_paragraph(item, style=style)
    _themes_table(document, figures)
    document.add_heading("About these figures", level=2)
    document.add_paragraph(
        "Counts are exact in a version for the programme and its board; a published version rounds every "
        "count to the nearest 5 and shows counts of 1 to 7 as *. "
        f"This is version {report.version}; its figures were frozen when it was made and do not change. "
        "The full report, with who we heard from, quotes, focus wards and methods, is in the PDF."
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
