"""Long lists a page at a time: a number that is no page gives the nearest page; the numbered links show the
first and last pages and the current one with its neighbours, and keep the other query parameters."""

import pytest
from django.http import QueryDict

from chorus.apps.core.paging import PageLink, page_links, page_of


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("0", 1),
        ("-4", 1),
        ("1.5", 1),
        ("7", 7),
        ("10", 10),
        ("11", 10),
        ("999", 10),
    ],
)
def test_a_number_that_is_no_page_gives_the_nearest_page(asked, shown):
    page = page_of(range(200), 20, asked)

    assert page.number == shown and list(page) == list(range(20 * (shown - 1), 20 * shown))


def test_an_empty_list_has_one_empty_page():
    page = page_of([], 20, "3")

    assert page.number == 1 and list(page) == [] and not page.has_other_pages()


def test_the_links_leave_out_the_pages_far_from_the_current_one_and_keep_the_filters():
    page = page_of(range(200), 20, "6")

    links = page_links(page, QueryDict("q=damp&page=6&ward=4"), anchor="list")

    assert [link.number for link in links] == [1, None, 5, 6, 7, None, 10]
    assert [link.number for link in links if link.current] == [6]
    assert links[0] == PageLink(1, "?q=damp&page=1&ward=4#list")
