from django.contrib import admin

from .models import Area, Indicator, IndicatorValue


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "population", "imd_decile", "core20", "parent_method"]
    list_filter = ["level", "core20", "imd_decile", "parent_method"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "per", "polarity", "source"]
    list_filter = ["unit", "polarity"]
    search_fields = ["name", "source"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "area", "period", "numerator", "denominator", "value", "illustrative"]
    list_filter = ["indicator", "illustrative", "area__level"]
    search_fields = ["indicator__name", "area__code", "area__name"]
    autocomplete_fields = ["area"]
    list_select_related = ["indicator", "area"]
