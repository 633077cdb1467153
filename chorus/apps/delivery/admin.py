from django.contrib import admin

from .models import (
    Attendance,
    ConnectorProfile,
    Event,
    GrantMilestone,
    GrantReport,
    Neighbourhood,
    SafeguardingConcern,
    SafeguardingLead,
    StandardsAssessment,
    StandardScore,
    StatusChange,
    StepRecord,
    SupervisionNote,
    TrainingRecord,
)


@admin.register(GrantMilestone)
class GrantMilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "grant", "due_on", "completed_on"]
    list_filter = ["grant__programme", "due_on"]
    search_fields = ["title", "grant__organisation__name"]


@admin.register(GrantReport)
class GrantReportAdmin(admin.ModelAdmin):
    list_display = ["title", "grant", "due_on", "submitted_on"]
    list_filter = ["grant__programme", "due_on"]
    search_fields = ["title", "grant__organisation__name"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0


class TrainingInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


@admin.register(ConnectorProfile)
class ConnectorProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "status", "area", "languages", "recruited_on"]
    list_filter = ["programme", "status"]
    search_fields = ["name", "user__username", "languages"]
    raw_id_fields = ["user", "area"]
    inlines = [StatusChangeInline, TrainingInline]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["profile", "from_status", "to_status", "changed_on"]
    list_filter = ["to_status", "profile__programme"]
    search_fields = ["profile__name", "reason"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["module", "profile", "completed_on"]
    list_filter = ["module", "profile__programme"]
    search_fields = ["module", "profile__name"]


@admin.register(SupervisionNote)
class SupervisionNoteAdmin(admin.ModelAdmin):
    list_display = ["profile", "met_on", "written_by"]
    list_filter = ["profile__programme"]
    search_fields = ["profile__name"]


@admin.register(SafeguardingLead)
class SafeguardingLeadAdmin(admin.ModelAdmin):
    list_display = ["programme", "user"]
    search_fields = ["programme__name", "user__username"]


@admin.register(SafeguardingConcern)
class SafeguardingConcernAdmin(admin.ModelAdmin):
    # The concern's words are left off the list so they are never seen in passing.
    list_display = ["pk", "programme", "raised_by", "raised_at", "lead_notified_at", "closed_at"]
    list_filter = ["programme", "closed_at"]
    search_fields = ["programme__name", "raised_by__username"]
    raw_id_fields = ["contribution"]


class StepInline(admin.TabularInline):
    model = StepRecord
    extra = 0


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "programme"]
    list_filter = ["programme"]
    search_fields = ["name"]
    filter_horizontal = ["areas"]
    inlines = [StepInline]


@admin.register(StepRecord)
class StepRecordAdmin(admin.ModelAdmin):
    list_display = ["neighbourhood", "step", "started_on", "completed_on"]
    list_filter = ["step", "neighbourhood__programme"]
    search_fields = ["neighbourhood__name", "evidence"]


class ScoreInline(admin.TabularInline):
    model = StandardScore
    extra = 0


@admin.register(StandardsAssessment)
class StandardsAssessmentAdmin(admin.ModelAdmin):
    list_display = ["programme", "neighbourhood", "assessor", "assessed_on"]
    list_filter = ["programme", "assessor", "assessed_on"]
    search_fields = ["programme__name", "neighbourhood__name"]
    inlines = [ScoreInline]


@admin.register(StandardScore)
class StandardScoreAdmin(admin.ModelAdmin):
    list_display = ["assessment", "standard", "score"]
    list_filter = ["standard", "score"]
    search_fields = ["evidence"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "kind", "date", "place", "capacity"]
    list_filter = ["programme", "kind", "date"]
    search_fields = ["title", "place"]
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["event", "display_name", "organisation", "signed_in"]
    list_filter = ["signed_in", "event__programme"]
    search_fields = ["display_name", "organisation", "event__title"]
