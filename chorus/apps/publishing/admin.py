from django.contrib import admin

from .models import Recommendation, Report, ReportQuote


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["programme", "period_start", "period_end", "version", "is_public", "status", "created_at"]
    list_filter = ["programme", "is_public", "status"]
    # A version never changes: the admin shows it but edits nothing.
    readonly_fields = [field.name for field in Report._meta.fields if field.name != "pdf"]
    exclude = ["pdf"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportQuote)
class ReportQuoteAdmin(admin.ModelAdmin):
    """Which contribution each quote came from (ids only: the words are in the report's figures)."""

    list_display = ["report", "position", "contribution_id"]
    fields = readonly_fields = ["report", "position", "contribution_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    """ "The Board is asked to…" lines; leads write them on the board story page (audited there)."""

    list_display = ["programme", "period_start", "period_end", "position", "text"]
    list_filter = ["programme"]
    readonly_fields = ["created_by", "created_at"]
