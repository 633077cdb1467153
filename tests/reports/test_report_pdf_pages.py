"""The board report's PDF (WeasyPrint with chorus/reports/print.css and the report's own print styles): a
section heading, or a table's caption, is never the last thing on a page with what it heads on the next,
wherever the text before it leaves it. Each heading is pushed down the page a few millimetres at a time,
followed by each kind of block a report puts under one."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from chorus.apps.publishing.render import pdf_bytes

# As long as a report's: over several lines.
TABLE_CAPTION = (
    "Top themes: " + "share of the contributions coded to themes, with 95% confidence intervals; " * 4
)
# What a report puts under a heading: a paragraph, a chart, a table with its caption, a list, a subheading.
SECTIONS = """
<h2>Who we heard from</h2>
<figure class="publishing-figure"><div style="height: 70mm; background: #005eb8"></div>
<figcaption>Contributions by IMD 2019 quintile</figcaption></figure>
<h2>What residents raised</h2>
<table class="nhsuk-table publishing-table"><caption>{caption}</caption>
<thead><tr><th>Theme</th><th class="num">Contributions</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2>In residents' words</h2>
<blockquote class="publishing-quote"><p>“The bus stops at six and the surgery is far.”</p></blockquote>
<h2>What was done about earlier priorities</h2>
<h3>Warm, dry homes</h3>
<p>Raised by 40 residents' contributions (theme: damp and mould).</p>
<h2>Methods and caveats</h2>
<ul class="nhsuk-list nhsuk-list--bullet"><li>{words}</li><li>{words}</li></ul>
""".format(
    rows="".join(f"<tr><th>Theme {n}</th><td class='num'>{10 * n}</td></tr>" for n in range(1, 9)),
    words="Shares are of the contributions coded to themes, with Wilson score intervals. " * 4,
    caption=TABLE_CAPTION,
)
HEADINGS = {
    "Who we heard from",
    "What residents raised",
    "In residents' words",
    "What was done about earlier priorities",
    "Warm, dry homes",
    "Methods and caveats",
}
# The page's body under print.css's margins, less the report's title: a spacer taller than what is left of
# the first page would move to the next one whole.
LEFT_ON_FIRST_PAGE_MM = 297 - 18 - 20 - 25


def page_texts(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return [page for page in text.stdout.split("\f") if page.strip()]


def heads_what_follows(line: str) -> bool:
    """A heading, a line of a table's caption, or the table's header row."""
    return line in HEADINGS or line == "Theme Contributions" or (len(line) > 20 and line in TABLE_CAPTION)


def last_line(page: str) -> str:
    lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
    return next((line for line in reversed(lines) if not re.fullmatch(r"Page \d+ of \d+", line)), "")


@pytest.mark.slow
def test_a_section_heading_or_table_caption_is_never_the_last_line_of_a_report_page(tmp_path):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF's pages")
    stranded = []
    for above_mm in range(0, LEFT_ON_FIRST_PAGE_MM, 4):
        body = f'<div style="height: {above_mm}mm"></div>{SECTIONS}'
        pages = page_texts(pdf_bytes(title="Board report", meta="Version 1", body=body), tmp_path)
        stranded += [
            (above_mm, last_line(page)) for page in pages[:-1] if heads_what_follows(last_line(page))
        ]
    assert stranded == []
