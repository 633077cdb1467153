from django.contrib import admin

from .models import Activity, Contribution


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0
    fields = ["id", "ward", "age_band", "consent_quote", "consent_open_data", "consent_recontact"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date", "programme", "area", "partner", "recorded_by", "participants"]
    list_filter = ["kind", "programme", "partner", "date"]
    search_fields = ["title", "source"]
    date_hierarchy = "date"
    autocomplete_fields = ["programme", "area", "partner", "recorded_by"]
    list_select_related = ["programme", "area", "partner", "recorded_by"]
    inlines = [ContributionInline]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "programme",
        "activity",
        "ward",
        "imd_decile",
        "age_band",
        "consent_quote",
        "consent_open_data",
        "consent_recontact",
        "recorded_at",
    ]
    list_filter = [
        "programme",
        "activity__kind",
        "core20",
        "imd_decile",
        "age_band",
        "sex",
        "consent_quote",
        "consent_open_data",
        "consent_recontact",
    ]
    search_fields = ["text"]
    date_hierarchy = "recorded_at"
    autocomplete_fields = ["activity", "ward", "lsoa", "recorded_by", "consent_taken_by"]
    list_select_related = ["programme", "activity", "ward"]
    readonly_fields = ["recorded_at", "submission_key", "consent_taken_at", "participant"]
