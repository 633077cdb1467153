from django.contrib import admin

from .models import Grant, Organisation, Partnership, Programme, Topic


class PartnershipInline(admin.TabularInline):
    model = Partnership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "lead_organisation", "local_authority", "start_date", "is_public"]
    list_filter = ["is_public", "local_authority"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead_organisation", "local_authority", "focus_areas", "priority_topics"]
    inlines = [PartnershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "communities_served"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["areas_served"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "programme", "joined_on"]
    list_filter = ["programme"]
    search_fields = ["organisation__name", "programme__name"]


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["organisation", "programme", "amount_pounds", "purpose", "start_date", "end_date"]
    list_filter = ["programme"]
    search_fields = ["organisation__name", "purpose"]
    autocomplete_fields = ["organisation"]
