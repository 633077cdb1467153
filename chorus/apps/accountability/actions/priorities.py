"""What residents said, as priorities with their evidence and quotes, and residents' own proposals.
Quotes only from residents who agreed to be quoted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme

from ..models import Priority, Proposal
from ._checks import refuse_unquotable, require, same_programme


@transaction.atomic
def create_priority(
    *,
    by,
    programme: Programme,
    title: str,
    theme: str,
    summary: str,
    contributions: Iterable[Contribution] = (),
    quotes: Iterable[Contribution] = (),
    is_public: bool = False,
) -> Priority:
    """A priority with its supporting contributions. Quotes only from those who agreed to be quoted."""
    contributions = same_programme(contributions, programme)
    quotes = same_programme(quotes, programme)
    refuse_unquotable(quotes)
    priority = Priority.objects.create(
        programme=programme,
        title=require(title, "Enter a title for the priority.", "title"),
        theme=require(theme, "Enter the theme.", "theme"),
        summary=require(summary, "Enter what residents said.", "summary"),
        is_public=is_public,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    priority.contributions.set(contributions + [q for q in quotes if q not in contributions])
    priority.quotes.set(quotes)
    audit(
        "priority.created",
        actor=by,
        obj=priority,
        programme=programme,
        contributions=len(set(contributions) | set(quotes)),
    )
    return priority


@transaction.atomic
def change_priority(
    *, by, priority: Priority, title: str, theme: str, summary: str, is_public: bool
) -> Priority:
    """Change what a priority says and whether it is public. Its evidence changes through link_evidence."""
    priority.title = require(title, "Enter a title for the priority.", "title")
    priority.theme = require(theme, "Enter the theme.", "theme")
    priority.summary = require(summary, "Enter what residents said.", "summary")
    published = is_public and not priority.is_public
    priority.is_public = is_public
    priority.save(update_fields=["title", "theme", "summary", "is_public", "updated_at"])
    audit(
        "priority.updated",
        actor=by,
        obj=priority,
        programme=priority.programme,
        is_public=is_public,
        published=published,
    )
    return priority


@dataclass
class EvidenceChange:
    added: int
    removed: int
    quoted: int
    unquoted: int


@transaction.atomic
def link_evidence(
    *,
    by,
    priority: Priority,
    add: Iterable[Contribution] = (),
    remove: Iterable[Contribution] = (),
    quote: Iterable[Contribution] = (),
    unquote: Iterable[Contribution] = (),
) -> EvidenceChange:
    """Link contributions to a priority as evidence or unlink them, and choose which are quoted.

    Quoting links the contribution too; unlinking stops quoting it. Quotes only with consent to quote."""
    programme = priority.programme
    add, remove = same_programme(add, programme), same_programme(remove, programme)
    quote, unquote = same_programme(quote, programme), same_programme(unquote, programme)
    both = {c.pk for c in add} & {c.pk for c in remove} | {c.pk for c in quote} & {c.pk for c in unquote}
    if both:
        raise ActionError(f"Contributions {', '.join(map(str, sorted(both)))} are both added and removed.")
    if {c.pk for c in quote} & {c.pk for c in remove}:
        raise ActionError("A contribution cannot be quoted and removed at once.")
    refuse_unquotable(quote, "quote")
    linked = set(priority.contributions.values_list("pk", flat=True))
    quoted = set(priority.quotes.values_list("pk", flat=True))
    to_link = [c for c in [*add, *quote] if c.pk not in linked]
    to_unlink = [c for c in remove if c.pk in linked]
    to_quote = [c for c in quote if c.pk not in quoted]
    to_unquote = [c for c in [*unquote, *remove] if c.pk in quoted]
    priority.contributions.add(*to_link)
    priority.contributions.remove(*to_unlink)
    priority.quotes.add(*to_quote)
    priority.quotes.remove(*to_unquote)
    change = EvidenceChange(
        added=len({c.pk for c in to_link}),
        removed=len(to_unlink),
        quoted=len(to_quote),
        unquoted=len({c.pk for c in to_unquote}),
    )
    if any(vars(change).values()):
        Priority.objects.filter(pk=priority.pk).update(updated_at=timezone.now())
        audit("priority.evidence_linked", actor=by, obj=priority, programme=programme, **vars(change))
    return change


def _check_proposer(contribution: Contribution | None, programme: Programme) -> None:
    if contribution is None:
        return
    same_programme([contribution], programme)
    if not contribution.consent_quote:
        raise ActionError(
            "This resident did not agree to be quoted, so the proposal cannot be linked to them. "
            "Record it as the group's proposal instead.",
            "contribution",
        )


@transaction.atomic
def create_proposal(
    *,
    by,
    priority: Priority,
    title: str,
    description: str,
    group: str = "",
    contribution: Contribution | None = None,
) -> Proposal:
    """Residents' own solution. Linked to one resident only if they agreed to be quoted."""
    _check_proposer(contribution, priority.programme)
    proposal = Proposal.objects.create(
        priority=priority,
        title=require(title, "Enter the proposal's title.", "title"),
        description=require(description, "Describe what residents propose.", "description"),
        proposed_by_group=group.strip(),
        contribution=contribution,
    )
    audit("proposal.added", actor=by, obj=proposal, programme=priority.programme, priority_id=priority.pk)
    return proposal


@transaction.atomic
def change_proposal(
    *,
    by,
    proposal: Proposal,
    title: str,
    description: str,
    group: str = "",
    contribution: Contribution | None = None,
) -> Proposal:
    """Correct a proposal's words or who proposed it (one resident only with consent to be quoted)."""
    _check_proposer(contribution, proposal.priority.programme)
    proposal.title = require(title, "Enter the proposal's title.", "title")
    proposal.description = require(description, "Describe what residents propose.", "description")
    proposal.proposed_by_group = group.strip()
    proposal.contribution = contribution
    proposal.save(update_fields=["title", "description", "proposed_by_group", "contribution"])
    audit(
        "proposal.updated",
        actor=by,
        obj=proposal,
        programme=proposal.priority.programme,
        priority_id=proposal.priority_id,
    )
    return proposal
