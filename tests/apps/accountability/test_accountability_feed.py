"""The Atom feed of "you said, we did": a summary is HTML, so text reaches a feed reader as text."""

from xml.etree import ElementTree

from django.urls import reverse

from chorus.apps.accountability.models import Priority

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_summary_is_html_escaped_so_readers_show_markup_as_text(client, world):
    programme = world.programme
    Priority.objects.create(
        programme=programme,
        title="Warm homes",
        theme="Damp",
        summary='Damp <img src=x onerror="alert(1)"> & mould',
        is_public=True,
        created_by=world.analyst,
    )
    feed = client.get(reverse("accountability:you-said-we-did-feed", args=[programme.slug]))
    assert feed.status_code == 200
    root = ElementTree.fromstring(feed.content)
    summaries = [entry.find(f"{ATOM}summary") for entry in root.iter(f"{ATOM}entry")]
    assert summaries and all(summary.get("type") == "html" for summary in summaries)
    # What a reader renders as HTML after undoing the XML escaping: markup must still be escaped.
    html = summaries[0].text
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; mould" in html
