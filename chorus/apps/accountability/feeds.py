"""Atom feed of a programme's "You said, we did": public priorities, decisions and actions. No personal
data: titles, outcomes, organisations and dates only; figures pass through disclosure control."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from chorus.privacy.disclosure import display_count

from .queries import public_priorities, public_programme


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    description: str
    updated: datetime
    link: str


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


class YouSaidWeDidFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug: str):
        return public_programme(slug)

    def title(self, programme) -> str:
        return f"You said, we did: {programme.name}"

    def subtitle(self, programme) -> str:
        return "What residents told us, what was decided and what is being done."

    def link(self, programme) -> str:
        return reverse("accountability:you-said-we-did", args=[programme.slug])

    def items(self, programme) -> list[Entry]:
        page = self.link(programme)
        entries = []
        for priority in public_priorities(programme):
            heard = display_count(priority.contributions.count())
            entries.append(
                Entry(
                    f"priority-{priority.pk}",
                    f"You said: {priority.title}",
                    f"{priority.summary} (Residents who raised it: {heard}.)",
                    priority.created_at,
                    f"{page}#priority-{priority.pk}",
                )
            )
            for decision in priority.decisions.all():
                detail = decision.reason or decision.referred_to
                entries.append(
                    Entry(
                        f"decision-{decision.pk}",
                        f"We decided ({decision.get_outcome_display().lower()}): {priority.title}",
                        f"{decision.meeting.body}, {decision.meeting.date:%d %B %Y}: {decision.summary}"
                        + (f" {detail}" if detail else ""),
                        decision.recorded_at,
                        f"{page}#priority-{priority.pk}",
                    )
                )
            for action in priority.actions.all():
                entries.append(
                    Entry(
                        f"action-{action.pk}",
                        f"We did ({action.get_status_display().lower()}): {action.title}",
                        f"{action.owner}, due {action.due_date:%d %B %Y}.",
                        action.updated_at,
                        f"{page}#priority-{priority.pk}",
                    )
                )
        return sorted(entries, key=lambda e: e.updated, reverse=True)[:50]

    def item_title(self, entry: Entry) -> str:
        return entry.title

    def item_description(self, entry: Entry) -> str:
        # Atom's summary is type="html": the feed XML-escapes it once, a reader unescapes that once and then
        # reads HTML, so plain text must be HTML-escaped here for "<b>" to reach a reader as text.
        return escape(entry.description)

    def item_link(self, entry: Entry) -> str:
        return entry.link

    def item_guid(self, entry: Entry) -> str:
        return entry.key

    item_guid_is_permalink = False

    def item_updateddate(self, entry: Entry) -> datetime:
        return entry.updated

    def item_pubdate(self, entry: Entry) -> datetime:
        return entry.updated
