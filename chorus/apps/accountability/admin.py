from django.contrib import admin

from .models import (
    Action,
    ActionUpdate,
    Assessment,
    BulkSend,
    Decision,
    DecisionBody,
    FeedbackDelivery,
    FeedbackItem,
    Meeting,
    Priority,
    Proposal,
    ShortLink,
)


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    fields = ["title", "proposed_by_group", "contribution"]
    raw_id_fields = ["contribution"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["title", "theme", "programme", "is_public", "created_at"]
    list_filter = ["programme", "is_public", "theme"]
    search_fields = ["title", "theme", "summary"]
    raw_id_fields = ["contributions", "quotes"]
    inlines = [ProposalInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "priority", "proposed_by_group", "created_at"]
    list_filter = ["priority__programme"]
    search_fields = ["title", "description", "proposed_by_group"]
    raw_id_fields = ["contribution"]


@admin.register(DecisionBody)
class DecisionBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "programme", "organisation"]
    list_filter = ["kind", "programme"]
    search_fields = ["name"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["priority", "outcome", "owner", "due_date"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "date", "location"]
    list_filter = ["body__kind", "body__programme"]
    search_fields = ["title", "body__name"]
    date_hierarchy = "date"
    filter_horizontal = ["agenda_priorities", "agenda_proposals"]
    inlines = [DecisionInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["priority", "meeting", "outcome", "owner", "due_date", "recorded_at"]
    list_filter = ["outcome", "meeting__body"]
    search_fields = ["summary", "priority__title", "referred_to"]


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "priority", "owner", "due_date", "status", "completed_on"]
    list_filter = ["status", "owner", "priority__programme"]
    search_fields = ["title", "priority__title"]
    date_hierarchy = "due_date"
    inlines = [ActionUpdateInline]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    list_display = ["action", "date", "status", "by"]
    list_filter = ["status"]
    search_fields = ["note", "action__title"]


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "kind", "channel", "due_date", "sent_on"]
    list_filter = ["programme", "kind", "channel", "sent_on"]
    search_fields = ["title", "message"]
    date_hierarchy = "due_date"
    raw_id_fields = ["activity", "decision"]


@admin.register(FeedbackDelivery)
class FeedbackDeliveryAdmin(admin.ModelAdmin):
    list_display = ["feedback", "participant", "channel", "status", "sent_at", "finished_at"]
    list_filter = ["status", "channel", "feedback__programme"]
    search_fields = ["feedback__title"]
    raw_id_fields = ["feedback", "participant"]
    readonly_fields = ["notification_id", "attempts", "status_checks", "problem"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["id", "feedback", "listened", "difference", "source", "ward", "answered_at"]
    list_filter = ["listened", "difference", "source", "feedback__programme"]
    search_fields = ["feedback__title"]
    raw_id_fields = ["feedback", "contribution", "recorded_by"]


@admin.register(BulkSend)
class BulkSendAdmin(admin.ModelAdmin):
    list_display = ["pk", "by", "status", "done", "total", "created_at"]
    list_filter = ["status"]


@admin.register(ShortLink)
class ShortLinkAdmin(admin.ModelAdmin):
    list_display = ["code", "feedback", "created_at"]
    raw_id_fields = ["feedback", "participant"]
