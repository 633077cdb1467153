from django.contrib import admin

from .models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "population", "imd_decile", "core20", "parent_method"]
    list_filter = ["level", "core20", "imd_decile", "parent_method"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
