from django.contrib import admin

from .models import (
    ErasureRecord,
    ImportBatch,
    ImportChunk,
    ImportSource,
    OriginalText,
    Participant,
    QuarantinedRow,
    SavedMapping,
)


@admin.register(ImportSource)
class ImportSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "kind", "created_at"]
    list_filter = ["kind", "programme"]
    search_fields = ["name", "programme__name"]
    readonly_fields = ["token_hash"]


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):
    list_display = ["key", "programme", "saved_by", "saved_at"]
    list_filter = ["programme"]
    search_fields = ["key"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "filename",
        "source",
        "status",
        "rows_seen",
        "imported",
        "duplicates",
        "quarantined",
    ]
    list_filter = ["status", "source__programme", "source__kind"]
    search_fields = ["filename", "file_sha256", "source__name"]
    readonly_fields = [
        "file_sha256",
        "last_row_committed",
        "created_at",
        "updated_at",
        "started_at",
        "finished_at",
    ]


@admin.register(QuarantinedRow)
class QuarantinedRowAdmin(admin.ModelAdmin):
    list_display = ["batch", "row_number", "resolved_at", "erased_at"]
    list_filter = ["batch__source__programme", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["batch__filename"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["pseudonym", "programme", "created"]
    list_filter = ["programme"]
    search_fields = ["pseudonym"]
    readonly_fields = ["ref_hash", "contact_channel"]
    exclude = ["contact_encrypted", "contact_hash"]


@admin.register(OriginalText)
class OriginalTextAdmin(admin.ModelAdmin):
    # The ciphertext only; reading the words goes through the audited page.
    list_display = ["contribution", "created_at"]
    search_fields = ["contribution__id"]
    exclude = ["ciphertext"]
    raw_id_fields = ["contribution"]


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    list_display = ["pseudonym", "programme", "contributions_removed", "quarantined_rows_erased", "at", "by"]
    list_filter = ["programme"]
    search_fields = ["pseudonym"]


@admin.register(ImportChunk)
class ImportChunkAdmin(admin.ModelAdmin):
    list_display = ["batch", "index", "first_row", "rows", "imported", "quarantined", "done"]
    list_filter = ["done"]
    raw_id_fields = ["batch"]
