"""Write actions for maps of experience, and the read-only analyses the pages run.

Each write validates, changes atomically and records an audit event with ids only (never residents' words).
Views, the demo and tests call these.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Q, QuerySet

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme
from chorus.maps import MapError, aggregate_maps, compare_scenario, rank_leverage
from chorus.maps.formats import read_edge_list_csv, read_matrix_csv, read_mmp
from chorus.maps.simulate import DEFAULT_SETTINGS, SimulationSettings
from chorus.maps.strengths import strength_to_weight

from .models import (
    AggregationMethod,
    ExperienceMap,
    Factor,
    Link,
    MapKind,
    MapSettings,
    factor_key,
    programme_strength_terms,
    strength_terms_problem,
)

IMPORT_FORMATS = {
    "edge-list": "Edge list CSV (columns from, to, and weight or strength with sign)",
    "matrix": "Adjacency matrix CSV (factor names across the top and down the side)",
    "mmp": "Mental Modeler project (.mmp)",
}
MAX_IMPORT_BYTES = 2_000_000


def _audit(action: str, by, experience_map: ExperienceMap, **ids) -> None:
    audit(action, actor=by, obj=experience_map, programme=experience_map.programme, **ids)


# Maps and factors -------------------------------------------------------------------------------------


@transaction.atomic
def create_map(
    programme: Programme,
    name: str,
    *,
    kind: str = MapKind.WORKSHOP,
    description: str = "",
    contribution: Contribution | None = None,
    by,
) -> ExperienceMap:
    if not name.strip():
        raise ActionError("Enter a name for the map.", "name")
    experience_map = ExperienceMap.objects.create(
        programme=programme,
        name=name.strip(),
        kind=kind,
        description=description.strip(),
        contribution=contribution,
        strength_terms=programme_strength_terms(programme),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    _audit("maps.map_created", by, experience_map, kind=kind)
    return experience_map


@transaction.atomic
def change_map(experience_map: ExperienceMap, *, kind: str, description: str, by) -> ExperienceMap:
    """Say what a map is and where it came from (an imported file that a workshop drew, say)."""
    if kind not in (MapKind.INDIVIDUAL, MapKind.WORKSHOP, MapKind.IMPORTED):
        raise ActionError("A community map is made by combining maps, not by choosing it here.")
    experience_map.kind = kind
    experience_map.description = description.strip()
    experience_map.save(update_fields=["kind", "description"])
    _audit("maps.map_changed", by, experience_map, kind=kind)
    return experience_map


@transaction.atomic
def delete_map(experience_map: ExperienceMap, *, by) -> None:
    map_id, programme = experience_map.pk, experience_map.programme
    _flag_maps_built_from(experience_map.links.all())
    experience_map.delete()
    audit("maps.map_deleted", actor=by, programme=programme, map_id=map_id)


def _find_factor(experience_map: ExperienceMap, name: str) -> Factor | None:
    key = factor_key(name)
    return next((f for f in experience_map.factors.all() if factor_key(f.name) == key), None)


def _factor_named(experience_map: ExperienceMap, name: str) -> Factor:
    """The map's factor with this name (ignoring case and spacing), created if it is new."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ActionError("Enter the name of each factor.")
    if len(cleaned) > 120:
        raise ActionError("A factor's name must be 120 characters or fewer.")
    return _find_factor(experience_map, cleaned) or Factor.objects.create(map=experience_map, name=cleaned)


@transaction.atomic
def create_factor(experience_map: ExperienceMap, name: str, description: str = "", *, by) -> Factor:
    _check_editable(experience_map)
    if _find_factor(experience_map, name) is not None:
        raise ActionError(f"The map already has a factor called {' '.join(name.split())!r}.", "name")
    factor = _factor_named(experience_map, name)
    factor.description = description.strip()
    factor.save(update_fields=["description"])
    _audit("maps.factor_added", by, experience_map, factor_id=factor.pk)
    return factor


@transaction.atomic
def change_factor(factor: Factor, name: str, description: str = "", *, by) -> Factor:
    _check_editable(factor.map)
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ActionError("Enter the factor's name.", "name")
    other = _find_factor(factor.map, cleaned)
    if other is not None and other.pk != factor.pk:
        raise ActionError(f"The map already has a factor called {cleaned!r}.", "name")
    factor.name, factor.description = cleaned, description.strip()
    factor.save(update_fields=["name", "description"])
    _flag_community_maps(factor.map)  # maps are combined by factor name
    _audit("maps.factor_edited", by, factor.map, factor_id=factor.pk)
    return factor


@transaction.atomic
def delete_factor(factor: Factor, *, by) -> None:
    _check_editable(factor.map)
    experience_map, factor_id = factor.map, factor.pk
    _flag_maps_built_from(Link.objects.filter(Q(source=factor) | Q(target=factor)))
    factor.delete()  # its links go with it
    _audit("maps.factor_deleted", by, experience_map, factor_id=factor_id)


# Links ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Strength:
    """What a person chose: a sign and a linguistic term, or a signed number for imported/expert maps."""

    sign: int
    term: str = ""
    weight: float | None = None

    def resolve(self, experience_map: ExperienceMap) -> float:
        if self.sign not in (1, -1):
            raise ActionError("Choose whether the link is positive or negative.")
        if self.weight is not None:
            value = self.sign * abs(float(self.weight))
        elif self.term:
            try:
                value = strength_to_weight(self.term, self.sign, experience_map.strength_terms)
            except MapError as error:
                raise ActionError(str(error)) from None
        else:
            raise ActionError("Choose how strong the link is.")
        if not -1.0 <= value <= 1.0 or not np.isfinite(value):
            raise ActionError("A link's strength must be between -1 and 1.")
        return value


def _flag_community_maps(experience_map: ExperienceMap) -> None:
    """Community maps combined from this map are out of date once it changes: ask for a rebuild."""
    experience_map.combined_into.filter(needs_rebuild=False).update(needs_rebuild=True)


def _flag_maps_built_from(links: QuerySet[Link]) -> None:
    """Community maps with links combined from these links (about to go) ask to be combined again."""
    ExperienceMap.objects.filter(links__derived_from__in=links).exclude(needs_rebuild=True).update(
        needs_rebuild=True
    )


def _check_editable(experience_map: ExperienceMap) -> None:
    if experience_map.kind == MapKind.COMMUNITY:
        raise ActionError(
            "A community map is combined from other maps: change those maps and combine them again."
        )


@transaction.atomic
def create_link(
    experience_map: ExperienceMap,
    source: str,
    target: str,
    strength: Strength,
    *,
    note: str = "",
    by,
    contribution: Contribution | None = None,
    quote: str = "",
) -> Link:
    _check_editable(experience_map)
    weight = strength.resolve(experience_map)
    source_factor, target_factor = (
        _factor_named(experience_map, source),
        _factor_named(experience_map, target),
    )
    if source_factor.pk == target_factor.pk:
        raise ActionError("A link joins two different factors.")
    if experience_map.links.filter(source=source_factor, target=target_factor).exists():
        raise ActionError(
            f"The map already has a link from {source_factor} to {target_factor}: edit that link instead."
        )
    link = Link.objects.create(
        map=experience_map,
        source=source_factor,
        target=target_factor,
        weight=weight,
        term=strength.term,
        sign=strength.sign,
        contribution=contribution,
        quote=quote if contribution is not None and contribution.consent_quote else "",
        note=note.strip(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    _flag_community_maps(experience_map)
    _audit("maps.link_added", by, experience_map, link_id=link.pk, contribution_id=link.contribution_id)
    return link


@transaction.atomic
def change_link(link: Link, strength: Strength, *, note: str | None = None, by) -> Link:
    _check_editable(link.map)
    link.weight, link.sign, link.term = strength.resolve(link.map), strength.sign, strength.term
    if note is not None:
        link.note = note.strip()
    link.save(update_fields=["weight", "sign", "term", "note"])
    _flag_community_maps(link.map)
    _audit("maps.link_edited", by, link.map, link_id=link.pk)
    return link


@transaction.atomic
def delete_link(link: Link, *, by) -> None:
    _check_editable(link.map)
    experience_map, link_id = link.map, link.pk
    _flag_maps_built_from(Link.objects.filter(pk=link.pk))
    link.delete()
    _audit("maps.link_deleted", by, experience_map, link_id=link_id)


def _clean_quote(contribution: Contribution, quote: str) -> str:
    """The selected span, checked to be the resident's own words (so nothing is put in their mouth)."""
    span = " ".join(quote.split())
    if span and span not in " ".join(contribution.text.split()):
        raise ActionError("The quote must be words copied exactly from what the resident said.", "quote")
    return span


@transaction.atomic
def code_link_from_contribution(
    contribution: Contribution,
    source: str,
    target: str,
    strength: Strength,
    *,
    quote: str = "",
    by,
) -> Link:
    """An analyst codes "because of the damp my breathing got worse" as damp -> breathing problems.

    The link goes on the contribution's own individual map (made on first use). The quote is kept only when
    the resident agreed to be quoted; otherwise the link is kept without it.
    """
    span = _clean_quote(contribution, quote)
    experience_map = ExperienceMap.objects.filter(contribution=contribution).first() or create_map(
        contribution.programme,
        f"Contribution {contribution.pk}",
        kind=MapKind.INDIVIDUAL,
        contribution=contribution,
        by=by,
    )
    return create_link(experience_map, source, target, strength, by=by, contribution=contribution, quote=span)


# Residents' consent ----------------------------------------------------------------------------------


@transaction.atomic
def withdraw_link_quotes(contribution_ids: Iterable[int], *, by) -> int:
    """Residents withdrew consent to be quoted: their words leave every link coded from what they said (the
    links stay). Returns how many links lost a quote. The withdrawal itself is what the audit log records."""
    return Link.objects.filter(contribution_id__in=list(contribution_ids)).exclude(quote="").update(quote="")


@transaction.atomic
def flag_maps_built_from_contributions(contribution_ids: Iterable[int], *, by) -> None:
    """These contributions are about to be erased, and the links coded from them with them (a database
    cascade): community maps combined from those links ask to be combined again without that evidence."""
    _flag_maps_built_from(Link.objects.filter(contribution_id__in=list(contribution_ids)))


# Strength terms ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermsChange:
    maps: int  # maps of the programme now using the terms
    links_reweighed: int  # links whose weight changed
    community_maps_flagged: int  # community maps to rebuild because a source changed


def _term_key(term: str) -> str:
    return " ".join(term.lower().split())


@transaction.atomic
def change_strength_terms(programme: Programme, terms: Mapping[str, object], *, by) -> TermsChange:
    """Make `terms` the programme's strength words and re-weigh every link chosen with a word.

    A term that links still use cannot be dropped (their weight would lose its meaning): the error names
    it. Community maps built from a re-weighed map are flagged to be combined again.
    """
    cleaned = {" ".join(str(term).split()): value for term, value in terms.items()}
    problem = strength_terms_problem(cleaned)
    if problem:
        raise ActionError(problem)
    if len({_term_key(term) for term in cleaned}) != len(cleaned):
        raise ActionError("Each strength needs its own words: two terms are the same.")
    maps = list(programme.maps.select_for_update().order_by("pk"))
    links = Link.objects.filter(map__programme=programme).exclude(term="").select_related("map")
    kept = {_term_key(term) for term in cleaned}
    missing = sorted({link.term for link in links if _term_key(link.term) not in kept})
    if missing:
        raise ActionError(
            f"Links still use {', '.join(repr(term) for term in missing)}: keep "
            f"{'that term' if len(missing) == 1 else 'those terms'} or change those links first."
        )
    settings, _ = MapSettings.objects.select_for_update().get_or_create(programme=programme)
    settings.strength_terms = cleaned
    settings.updated_by = by if getattr(by, "is_authenticated", False) else None
    settings.save()

    changed_maps: set[int] = set()
    reweighed = []
    for link in links:
        weight = strength_to_weight(link.term, link.sign, cleaned)
        if abs(weight - link.weight) > 1e-12:
            link.weight = weight
            reweighed.append(link)
            changed_maps.add(link.map_id)
    Link.objects.bulk_update(reweighed, ["weight"])
    for experience_map in maps:
        experience_map.strength_terms = cleaned
    ExperienceMap.objects.bulk_update(maps, ["strength_terms"])
    flagged = (
        ExperienceMap.objects.filter(kind=MapKind.COMMUNITY, sources__in=changed_maps)
        .exclude(needs_rebuild=True)
        .distinct()
    )
    flagged_ids = list(flagged.values_list("pk", flat=True))
    ExperienceMap.objects.filter(pk__in=flagged_ids).update(needs_rebuild=True)
    audit(
        "maps.strength_terms_set",
        actor=by,
        obj=settings,
        programme=programme,
        terms=len(cleaned),
        links_reweighed=len(reweighed),
        community_maps_flagged=flagged_ids,
    )
    return TermsChange(
        maps=len(maps), links_reweighed=len(reweighed), community_maps_flagged=len(flagged_ids)
    )


# Import -----------------------------------------------------------------------------------------------


def _read(fmt: str, content: bytes):
    if len(content) > MAX_IMPORT_BYTES:
        raise ActionError("The file is too large: a map file must be under 2 MB.", "file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError(
            "The file is not UTF-8 text: save it as CSV (UTF-8) and try again.", "file"
        ) from None
    readers = {"edge-list": read_edge_list_csv, "matrix": read_matrix_csv, "mmp": read_mmp}
    if fmt not in readers:
        raise ActionError(f"Choose a file format: {', '.join(IMPORT_FORMATS)}.", "format")
    try:
        return readers[fmt](io.StringIO(text, newline=""))
    except MapError as error:
        raise ActionError(f"The file could not be read: {error}.", "file") from None


@transaction.atomic
def import_map(programme: Programme, name: str, fmt: str, content: bytes, *, by) -> ExperienceMap:
    fcm = _read(fmt, content)
    if not fcm.factors:
        raise ActionError("The file has no factors in it.", "file")
    for link in fcm.links:
        if not -1.0 <= link.weight <= 1.0:
            raise ActionError(
                f"The link {fcm.factor(link.source).name} -> {fcm.factor(link.target).name} has weight "
                f"{link.weight:g}: weights must be between -1 and 1.",
                "file",
            )
    names = [" ".join(factor.name.split())[:120] for factor in fcm.factors]
    if len({factor_key(n) for n in names}) != len(names) or not all(names):
        raise ActionError("Each factor in the file needs its own name.", "file")
    experience_map = create_map(programme, name, kind=MapKind.IMPORTED, by=by)
    factors = {
        factor.id: Factor.objects.create(map=experience_map, name=name)
        for factor, name in zip(fcm.factors, names, strict=True)
    }
    Link.objects.bulk_create(
        Link(
            map=experience_map,
            source=factors[link.source],
            target=factors[link.target],
            weight=link.weight,
            sign=1 if link.weight > 0 else -1,
            note=link.quote,
        )
        for link in fcm.links
    )
    _audit("maps.map_imported", by, experience_map, format=fmt, factors=len(factors), links=len(fcm.links))
    return experience_map


# Community maps ---------------------------------------------------------------------------------------


def _community_weight(method: str, weight: float, ratings: Sequence[float]) -> float:
    if method != AggregationMethod.COUNT:
        return weight
    # The library counts the maps that hold the link; store it as a signed share so it stays in -1..1.
    direction = 1.0 if np.mean(ratings) >= 0 else -1.0
    return direction * weight / len(ratings)


def _fill_community(community: ExperienceMap, sources: list[ExperienceMap]) -> None:
    combined = aggregate_maps(
        [source.as_fcm(by_key=True) for source in sources], community.aggregation_method, str(community.pk)
    )
    factors = {f.id: Factor.objects.create(map=community, name=f.name) for f in combined.factors}
    for aggregated in combined.links:
        weight = _community_weight(community.aggregation_method, aggregated.weight, aggregated.ratings)
        link = Link.objects.create(
            map=community,
            source=factors[aggregated.source],
            target=factors[aggregated.target],
            weight=weight,
            sign=1 if weight >= 0 else -1,
            agreement=aggregated.agreement,
            entropy=aggregated.entropy,
        )
        link.derived_from.set(int(item.removeprefix("link:")) for item in aggregated.provenance)
    community.sources.set(sources)


@transaction.atomic
def combine_maps(
    programme: Programme,
    sources: Iterable[ExperienceMap],
    name: str,
    method: str = AggregationMethod.MEAN_WITH_ZEROS,
    *,
    by,
) -> ExperienceMap:
    """A community map of `sources`: every link keeps which links (so contributions, quotes) it came from,
    how many maps hold it (agreement) and how much they disagree (entropy of the ratings)."""
    chosen = list(sources)
    if len(chosen) < 2:
        raise ActionError("Choose at least two maps to combine.")
    if any(source.programme_id != programme.pk for source in chosen):
        raise ActionError("Only maps of this programme can be combined here.")
    if method not in AggregationMethod.values:
        raise ActionError("Choose how to combine the maps.")
    community = create_map(programme, name, kind=MapKind.COMMUNITY, by=by)
    community.aggregation_method = method
    community.save(update_fields=["aggregation_method"])
    _fill_community(community, chosen)
    _audit("maps.maps_combined", by, community, method=method, source_ids=[source.pk for source in chosen])
    return community


@transaction.atomic
def rebuild_community_map(community: ExperienceMap, *, by) -> ExperienceMap:
    """Combine the community map's remaining sources again (after evidence was erased or maps changed)."""
    if community.kind != MapKind.COMMUNITY:
        raise ActionError("Only a community map can be rebuilt.")
    sources = list(community.sources.all())
    _flag_maps_built_from(community.links.all())
    community.links.all().delete()
    community.factors.all().delete()
    if sources:
        _fill_community(community, sources)
    community.needs_rebuild = False
    community.save(update_fields=["needs_rebuild", "updated_at"])
    _audit("maps.map_rebuilt", by, community, source_ids=[source.pk for source in sources])
    return community


# Scenarios and leverage (read only) -------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioRow:
    factor: Factor
    clamped: bool
    baseline: float
    scenario: float

    @property
    def difference(self) -> float:
        return self.scenario - self.baseline

    @property
    def direction(self) -> str:
        if self.clamped:
            return "held"
        if abs(self.difference) < 0.005:
            return "no change"
        return "rises" if self.difference > 0 else "falls"


@dataclass(frozen=True)
class ScenarioOutcome:
    rows: list[ScenarioRow]
    iterations: int
    converged: bool
    cycle_period: int | None
    settings: SimulationSettings = DEFAULT_SETTINGS  # what the run used, so its results can say so


def run_scenario(
    experience_map: ExperienceMap,
    clamps: Mapping[Factor, float],
    settings: SimulationSettings | None = None,
) -> ScenarioOutcome:
    """Hold some factors at chosen values and compare where the map settles with the unheld baseline."""
    if not clamps:
        raise ActionError("Hold at least one factor at a value.")
    fcm = experience_map.as_fcm()
    settings = settings or DEFAULT_SETTINGS
    try:
        comparison = compare_scenario(
            fcm, {str(factor.pk): float(value) for factor, value in clamps.items()}, settings=settings
        )
    except MapError as error:
        raise ActionError(str(error)) from None
    factors = {str(factor.pk): factor for factor in experience_map.factors.all()}
    held = {str(factor.pk) for factor in clamps}
    baseline, scenario = comparison.baseline.settled_state, comparison.scenario.settled_state
    rows = [
        ScenarioRow(factors[factor_id], factor_id in held, float(baseline[i]), float(scenario[i]))
        for i, factor_id in enumerate(comparison.factor_ids)
    ]
    rows.sort(key=lambda row: (not row.clamped, -abs(row.difference), row.factor.name))
    result = comparison.scenario
    return ScenarioOutcome(rows, result.iterations, result.converged, result.cycle_period, settings)


@dataclass(frozen=True)
class LeverageRow:
    factor: Factor
    score: float
    swings: list[tuple[Factor, float]]  # (outcome, swing): positive means more of the factor raises it


def leverage_table(
    experience_map: ExperienceMap, outcomes: Sequence[Factor], settings: SimulationSettings | None = None
) -> list[LeverageRow]:
    """Factors ranked by how much changing them moves the chosen outcomes (the "pick a focus" step)."""
    if not outcomes:
        raise ActionError("Choose at least one outcome, such as feeling connected.")
    factors = {str(factor.pk): factor for factor in experience_map.factors.all()}
    try:
        ranked = rank_leverage(
            experience_map.as_fcm(), [str(o.pk) for o in outcomes], settings=settings or SimulationSettings()
        )
    except MapError as error:
        raise ActionError(str(error)) from None
    return [
        LeverageRow(
            factor=factors[item.factor],
            score=item.score,
            swings=[(factors[s.outcome], s.swing) for s in item.sensitivities],
        )
        for item in ranked
    ]
