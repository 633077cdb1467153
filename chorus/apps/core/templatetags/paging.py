from django import template

from chorus.apps.core.paging import page_href, page_links

register = template.Library()


@register.inclusion_tag("nhsuk/pagination.html", takes_context=True)
def pagination(context, page, label: str = "Pagination", parameter: str = "page", anchor: str = "") -> dict:
    """The NHS.UK numbered pagination for a Django page; its links keep the request's other query parameters
    (the filters) and land on `anchor`, the list's heading, when the list is not at the top of the page."""
    query = context["request"].GET
    return {
        "page": page,
        "label": label,
        "previous_href": page_href(query, page.previous_page_number(), parameter, anchor)
        if page.has_previous()
        else "",
        "next_href": page_href(query, page.next_page_number(), parameter, anchor) if page.has_next() else "",
        "links": page_links(page, query, parameter, anchor),
    }
