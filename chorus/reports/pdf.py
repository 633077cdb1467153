"""HTML to PDF with WeasyPrint (needs Debian's Pango). Fonts and images must be local: nothing is fetched."""

from __future__ import annotations

from pathlib import Path

PRINT_CSS = Path(__file__).with_name("print.css")


def html_to_pdf(html: str, *, base_url: str | None = None, extra_css: str = "") -> bytes:
    """Render an HTML document to PDF bytes. Only data: and file: URLs load: a report never calls out."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data", "file"})
    stylesheets = [CSS(filename=str(PRINT_CSS), url_fetcher=fetcher)]
    if extra_css:
        stylesheets.append(CSS(string=extra_css, url_fetcher=fetcher))
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)
