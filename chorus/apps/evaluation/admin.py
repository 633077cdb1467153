from django.contrib import admin

from .models import (
    CaseStudy,
    ComparatorPopulation,
    Intervention,
    InterventionPartner,
    Measurement,
    OutcomeIndicator,
    Reach,
    Survey,
    SurveyItem,
    SurveyResponse,
    SurveyTally,
)


class InterventionPartnerInline(admin.TabularInline):
    model = InterventionPartner
    extra = 0
    autocomplete_fields = ["organisation", "area"]


class ComparatorInline(admin.TabularInline):
    model = ComparatorPopulation
    extra = 0
    autocomplete_fields = ["area"]


class IndicatorInline(admin.StackedInline):
    model = OutcomeIndicator
    extra = 0


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "start_date", "end_date", "report_is_public", "created_at"]
    list_filter = ["programme"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["programme"]
    list_select_related = ["programme"]
    inlines = [InterventionPartnerInline, ComparatorInline, IndicatorInline]


@admin.register(InterventionPartner)
class InterventionPartnerAdmin(admin.ModelAdmin):
    list_display = ["organisation", "intervention", "population_kind", "population_description", "area"]
    list_filter = ["population_kind", "intervention__programme"]
    search_fields = ["organisation__name", "population_description", "intervention__name"]
    autocomplete_fields = ["intervention", "organisation", "area"]
    list_select_related = ["organisation", "intervention", "area"]


@admin.register(ComparatorPopulation)
class ComparatorPopulationAdmin(admin.ModelAdmin):
    list_display = ["name", "intervention", "population_kind", "area"]
    list_filter = ["population_kind"]
    search_fields = ["name", "description", "intervention__name"]
    autocomplete_fields = ["intervention", "area"]


@admin.register(OutcomeIndicator)
class OutcomeIndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "intervention"]
    list_filter = ["kind"]
    search_fields = ["name", "definition", "intervention__name"]
    autocomplete_fields = ["intervention"]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["indicator", "partner", "comparator", "date", "eligible", "with_outcome", "source"]
    list_filter = ["source", "indicator__intervention", "date"]
    search_fields = ["partner__organisation__name", "comparator__name", "indicator__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["indicator", "partner", "comparator"]
    list_select_related = ["indicator", "partner__organisation", "comparator"]


@admin.register(Reach)
class ReachAdmin(admin.ModelAdmin):
    list_display = ["partner", "period_start", "period_end", "residents_reached"]
    list_filter = ["partner__intervention"]
    search_fields = ["partner__organisation__name", "how_counted"]
    autocomplete_fields = ["partner"]
    list_select_related = ["partner__organisation"]


class SurveyItemInline(admin.TabularInline):
    model = SurveyItem
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "intervention"]
    list_filter = ["intervention__programme"]
    search_fields = ["title", "who_was_asked", "intervention__name"]
    autocomplete_fields = ["intervention"]
    inlines = [SurveyItemInline]


@admin.register(SurveyItem)
class SurveyItemAdmin(admin.ModelAdmin):
    list_display = ["statement", "domain", "survey", "position"]
    list_filter = ["domain"]
    search_fields = ["statement", "survey__title"]
    autocomplete_fields = ["survey"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["item", "wave", "agrees"]
    list_filter = ["wave", "agrees"]
    search_fields = ["item__statement"]
    autocomplete_fields = ["item"]
    list_select_related = ["item"]


@admin.register(SurveyTally)
class SurveyTallyAdmin(admin.ModelAdmin):
    list_display = ["item", "wave", "agreeing", "respondents"]
    list_filter = ["wave"]
    search_fields = ["item__statement"]
    autocomplete_fields = ["item"]


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ["title", "intervention", "partner", "consent_to_publish", "published", "created_at"]
    list_filter = ["consent_to_publish", "published", "intervention"]
    search_fields = ["title", "intervention__name"]
    autocomplete_fields = ["intervention", "partner"]
