from django.contrib import admin

from .models import ExperienceMap, Factor, Link, MapSettings


class FactorInline(admin.TabularInline):
    model = Factor
    extra = 0
    fields = ["name", "description"]


@admin.register(ExperienceMap)
class ExperienceMapAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "programme",
        "kind",
        "aggregation_method",
        "needs_rebuild",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "aggregation_method", "needs_rebuild", "programme"]
    search_fields = ["name", "description"]
    raw_id_fields = ["contribution", "created_by"]
    filter_horizontal = ["sources"]
    list_select_related = ["programme", "created_by"]
    inlines = [FactorInline]


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    list_display = ["name", "map"]
    list_filter = ["map__programme", "map__kind"]
    search_fields = ["name", "description", "map__name"]
    list_select_related = ["map"]


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "target",
        "weight",
        "term",
        "sign",
        "map",
        "contribution",
        "agreement",
        "entropy",
    ]
    list_filter = ["sign", "term", "map__kind", "map__programme"]
    search_fields = ["source__name", "target__name", "map__name", "note"]
    raw_id_fields = ["map", "source", "target", "contribution", "created_by", "derived_from"]
    list_select_related = ["map", "source", "target"]


@admin.register(MapSettings)
class MapSettingsAdmin(admin.ModelAdmin):
    """Strength words are edited on the programme's maps page, which re-weighs links; this is to look."""

    list_display = ["programme"]
    readonly_fields = ["programme", "strength_terms"]
