"""Gathering one intervention's records into the figures its page and report show, within a user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, Sum

from chorus.apps.programmes.models import Grant
from chorus.reports.charts import png_data_uri

from . import analysis, charts, release
from .models import (
    CaseStudy,
    ComparatorPopulation,
    Intervention,
    InterventionPartner,
    OutcomeIndicator,
    Survey,
)


@dataclass
class IndicatorFigures:
    indicator: OutcomeIndicator
    evaluation: analysis.IndicatorEvaluation
    uptake_chart: str | None = None
    funnel_chart: str | None = None


@dataclass
class SurveyFigures:
    survey: Survey
    items: list[analysis.ItemResult]


@dataclass
class InterventionFigures:
    intervention: Intervention
    partners: list[InterventionPartner]
    comparators: list[ComparatorPopulation]
    whole_programme_view: bool
    public: bool = False
    indicators: list[IndicatorFigures] = field(default_factory=list)
    reach: list[analysis.ReachRow] = field(default_factory=list)
    surveys: list[SurveyFigures] = field(default_factory=list)
    case_studies: list[CaseStudy] = field(default_factory=list)


def _counts(indicator: OutcomeIndicator, partner_ids: set[int]) -> list[analysis.Count]:
    measurements = indicator.measurements.select_related("partner__organisation", "comparator").filter(
        Q(partner_id__in=partner_ids) | Q(comparator__isnull=False)
    )
    return [
        analysis.Count(
            population=str(m.population),
            when=m.date,
            with_outcome=m.with_outcome,
            eligible=m.eligible,
            is_comparator=m.comparator_id is not None,
            published_percentage=float(m.published_percentage)
            if m.published_percentage is not None
            else None,
        )
        for m in measurements
    ]


def grant_pence(intervention: Intervention, partner: InterventionPartner) -> int:
    """Grants from the programme to the partner, overlapping the intervention's dates when they are known."""
    grants = Grant.objects.filter(
        programme_id=intervention.programme_id, organisation_id=partner.organisation_id
    )
    if intervention.end_date:
        grants = grants.filter(start_date__lte=intervention.end_date)
    if intervention.start_date:
        grants = grants.filter(end_date__gte=intervention.start_date)
    return grants.aggregate(total=Sum("amount_pence"))["total"] or 0


def build(
    intervention: Intervention,
    scope: set[int] | None,
    *,
    with_charts: bool = True,
    published_stories_only: bool = True,
    public: bool = False,
) -> InterventionFigures:
    """Figures for `intervention`; `scope` is the organisation ids whose rows may be shown (None: all).

    `public` gives the version anyone may read: every partner, counts under disclosure control
    (chorus.apps.evaluation.release) and published case studies only.
    """
    if public:
        scope, published_stories_only = None, True
    partners = list(intervention.partners.select_related("organisation", "area"))
    if scope is not None:
        partners = [p for p in partners if p.organisation_id in scope]
    whole = scope is None
    figures = InterventionFigures(
        intervention=intervention,
        partners=partners,
        comparators=list(intervention.comparators.select_related("area")),
        whole_programme_view=whole,
        public=public,
    )
    partner_ids = {p.pk for p in partners}
    for indicator in intervention.indicators.all():
        if public:  # every partner (whole), worked out from the published counts
            evaluation = release.evaluate_published(_counts(indicator, partner_ids))
        else:
            evaluation = analysis.evaluate_indicator(_counts(indicator, partner_ids), include_pooled=whole)
        if not whole:
            evaluation.funnel = None  # a funnel places every partner; partners see only their own rows
        indicator_figures = IndicatorFigures(indicator, evaluation)
        charted = [row for row in evaluation.rows if not row.suppressed]
        if with_charts and charted:
            indicator_figures.uptake_chart = png_data_uri(
                charts.uptake_png(charted, f"{indicator.name}: uptake by date")
            )
        if with_charts and evaluation.funnel:
            indicator_figures.funnel_chart = png_data_uri(
                charts.funnel_png(
                    evaluation.funnel, f"{indicator.name} on {evaluation.funnel.when:%d %b %Y}: funnel plot"
                )
            )
        figures.indicators.append(indicator_figures)

    reach_by_partner = {p.pk: p.reach.aggregate(total=Sum("residents_reached"))["total"] for p in partners}
    reach_rows = [
        analysis.ReachRow(p.organisation.name, reach_by_partner[p.pk] or 0, grant_pence(intervention, p))
        for p in partners
        if reach_by_partner[p.pk] is not None
    ]
    figures.reach = analysis.reach_with_totals(reach_rows) if whole else reach_rows
    if public:
        figures.reach = release.release_reach(figures.reach)

    for survey in intervention.surveys.prefetch_related("items__responses", "items__tallies"):
        results = []
        for item in survey.items.all():
            responses = list(item.responses.all())
            tallies = {t.wave: (t.agreeing, t.respondents) for t in item.tallies.all()}
            results.append(
                analysis.evaluate_item(
                    item.statement,
                    item.get_domain_display(),
                    before=[(r.respondent_key, r.agrees) for r in responses if r.wave == "pre"],
                    after=[(r.respondent_key, r.agrees) for r in responses if r.wave == "post"],
                    before_tally=tallies.get("pre"),
                    after_tally=tallies.get("post"),
                )
            )
        if public:
            results = [release.release_item(result) for result in results]
        figures.surveys.append(SurveyFigures(survey, results))

    stories = intervention.case_studies.select_related("partner__organisation")
    if published_stories_only:
        stories = stories.filter(published=True, consent_to_publish=True)
    if not whole:
        stories = stories.filter(partner_id__in=partner_ids)
    figures.case_studies = list(stories)
    return figures
