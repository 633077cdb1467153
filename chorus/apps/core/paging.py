"""Long lists a page at a time: the page a visitor asked for, and the links of NHS.UK pagination."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict


def page_of(objects, per_page: int, number: str | None) -> Page:
    """The asked-for page; a number that is no page gives the nearest one (page 1 for words and numbers
    below 1, the last page for numbers past the end), so an old or mistyped link still shows a page."""
    paginator = Paginator(objects, per_page)
    try:
        wanted = int(number or 1)
    except ValueError:
        wanted = 1
    return paginator.page(min(max(wanted, 1), paginator.num_pages))


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis standing for the pages left out
    href: str = ""
    current: bool = False


def page_href(query: QueryDict, number: int, parameter: str = "page", anchor: str = "") -> str:
    """A link to page `number` keeping the rest of the query string (the filters), landing on `anchor`."""
    kept = query.copy()
    kept[parameter] = str(number)
    return f"?{kept.urlencode()}" + (f"#{anchor}" if anchor else "")


def page_links(page: Page, query: QueryDict, parameter: str = "page", anchor: str = "") -> list[PageLink]:
    """The numbered links: the first and last pages, the current page and its neighbours, ellipses between."""
    return [
        PageLink(None)
        if number == Paginator.ELLIPSIS
        else PageLink(number, page_href(query, number, parameter, anchor), number == page.number)
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
