from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["programme", "organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Chorus", {"fields": ("display_name",)}))
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role"]
    search_fields = ["username", "display_name", "email"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "programme", "organisation", "created_at"]
    list_filter = ["role", "programme"]
    search_fields = ["user__username", "user__display_name", "organisation__name"]
    autocomplete_fields = ["user", "programme", "organisation"]
