from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .actions import reset_two_factor, unlock_sign_in
from .models import ExternalIdentity, Membership, User


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
    actions = ["unlock_sign_in", "reset_two_factor"]

    @admin.action(description="Unlock sign-in (clear failed attempts against these usernames)")
    def unlock_sign_in(self, request, queryset):
        removed = unlock_sign_in(list(queryset), by=request.user)
        self.message_user(
            request, f"Unlocked {queryset.count()} account(s); {removed} failed-attempt record(s) cleared."
        )

    @admin.action(description="Reset two-step verification (lost phone: they set it up again)")
    def reset_two_factor(self, request, queryset):
        count = reset_two_factor(list(queryset), by=request.user)
        self.message_user(request, f"Reset two-step verification for {count} account(s).")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "programme", "organisation", "created_at"]
    list_filter = ["role", "programme"]
    search_fields = ["user__username", "user__display_name", "organisation__name"]
    autocomplete_fields = ["user", "programme", "organisation"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Who signed in through the organisation's identity provider; deleting a row unlinks that sign-in."""

    list_display = ["user", "issuer", "last_sign_in"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_sign_in"]
