from django.contrib import admin

from .models import (
    AgreementSample,
    Codebook,
    Coding,
    CodingEvent,
    CodingSampleAnswer,
    ContributionVector,
    DiscoveredTheme,
    EmergingCluster,
    ModelRun,
    ModelRunChunk,
    ReviewState,
    Sentiment,
    TeachAnswer,
    Theme,
)


@admin.register(Codebook)
class CodebookAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "source", "created_at"]
    list_filter = ["source", "programme"]
    search_fields = ["name", "programme__name"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "codebook", "parent", "position"]
    list_filter = ["codebook__programme", "codebook"]
    search_fields = ["name", "slug", "description"]
    raw_id_fields = ["parent", "promoted_from_cluster"]


@admin.register(ModelRun)
class ModelRunAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "programme",
        "kind",
        "status",
        "model_name",
        "training_size",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status", "programme"]
    search_fields = ["model_name", "model_version", "programme__name"]


@admin.register(Coding)
class CodingAdmin(admin.ModelAdmin):
    list_display = [
        "contribution_id",
        "theme",
        "status",
        "confidence",
        "made_by_user",
        "made_by_model",
        "current",
        "made_at",
    ]
    list_filter = ["status", "current", "theme__codebook__programme"]
    search_fields = ["theme__name", "made_by_model", "made_by_user__username"]
    raw_id_fields = ["contribution", "theme", "run"]


@admin.register(CodingEvent)
class CodingEventAdmin(admin.ModelAdmin):
    list_display = ["contribution_id", "theme", "action", "actor", "model", "at"]
    list_filter = ["action"]
    search_fields = ["theme__name", "actor__username"]
    raw_id_fields = ["contribution", "theme"]


@admin.register(ReviewState)
class ReviewStateAdmin(admin.ModelAdmin):
    list_display = ["contribution_id", "codebook", "margin", "reviewed_by", "reviewed_at"]
    list_filter = ["codebook"]
    search_fields = ["reviewed_by__username"]
    raw_id_fields = ["contribution"]


@admin.register(ContributionVector)
class ContributionVectorAdmin(admin.ModelAdmin):
    list_display = ["contribution_id", "model_name", "model_version"]
    list_filter = ["model_version"]
    search_fields = ["model_name"]
    raw_id_fields = ["contribution"]
    exclude = ["vector"]


@admin.register(Sentiment)
class SentimentAdmin(admin.ModelAdmin):
    list_display = ["contribution_id", "label", "confidence", "model"]
    list_filter = ["label", "contribution__programme"]
    search_fields = ["model"]
    raw_id_fields = ["contribution"]


@admin.register(EmergingCluster)
class EmergingClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "size", "trend", "promoted_to", "created_at"]
    list_filter = ["trend", "programme"]
    search_fields = ["name"]
    raw_id_fields = ["run", "promoted_to"]


@admin.register(AgreementSample)
class AgreementSampleAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "codebook", "created_at"]
    list_filter = ["programme"]
    search_fields = ["name"]
    raw_id_fields = ["contributions"]


@admin.register(CodingSampleAnswer)
class CodingSampleAnswerAdmin(admin.ModelAdmin):
    list_display = ["sample", "contribution_id", "coder", "coder_model", "answered_at"]
    list_filter = ["sample"]
    search_fields = ["coder__username", "coder_model"]
    raw_id_fields = ["contribution"]


@admin.register(DiscoveredTheme)
class DiscoveredThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "size", "trend", "stability", "promoted_to", "created_at"]
    list_filter = ["trend", "programme"]
    search_fields = ["name"]
    raw_id_fields = ["run", "merged_into", "promoted_to"]


@admin.register(TeachAnswer)
class TeachAnswerAdmin(admin.ModelAdmin):
    list_display = ["contribution", "codebook", "answered_by", "answered_at", "agreed"]
    list_filter = ["agreed", "codebook"]
    raw_id_fields = ["contribution"]


@admin.register(ModelRunChunk)
class ModelRunChunkAdmin(admin.ModelAdmin):
    list_display = ["run", "stage", "index", "done"]
    list_filter = ["stage", "done"]
    raw_id_fields = ["run"]
