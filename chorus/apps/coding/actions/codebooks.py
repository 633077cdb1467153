"""Codebooks: a starter codebook, one imported from a CSV or REFI-QDA file, and an export (recorded)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.programmes.models import Programme
from chorus.coding import codebook as library

from ..models import Codebook, Theme
from ..queries import as_library_codebook
from .coverage import update_coverage

STARTER_TITLES = {
    "community_health": "Community health and wellbeing",
    "nhs_patient_experience": "NHS patient experience framework",
}


def _store_codebook(programme: Programme, book: library.Codebook, source: str, *, by, name: str) -> Codebook:
    codebook = Codebook.objects.create(programme=programme, name=name, source=source, created_by=by)
    stored: dict[str, Theme] = {}
    for position, theme in enumerate(book.themes):
        stored[theme.id] = Theme.objects.create(
            codebook=codebook,
            parent=stored.get(theme.parent_id) if theme.parent_id else None,
            slug=theme.id,
            name=theme.name,
            description=theme.description,
            examples=list(theme.examples),
            position=position,
            guid=theme.guid or "",
            color=theme.color or "",
            created_by=by,
        )
    update_coverage(programme)  # the new codebook is the current one: no contribution is coded under it yet
    return codebook


@transaction.atomic
def create_starter_codebook(programme: Programme, starter: str, *, by) -> Codebook:
    """A copy of one of the starter codebooks Chorus ships (chorus.coding.codebook.starter_names)."""
    try:
        book = library.load_starter(starter)
    except library.CodebookError as error:
        raise ActionError(str(error), field="starter") from None
    codebook = _store_codebook(
        programme, book, Codebook.Source.STARTER, by=by, name=STARTER_TITLES.get(starter, starter)
    )
    audit("coding.codebook_loaded", actor=by, obj=codebook, programme=programme, themes=len(book))
    return codebook


def _read_codebook_file(data: bytes, filename: str, name: str) -> tuple[library.Codebook, str]:
    if filename.lower().endswith((".qdc", ".qde", ".xml")):
        return library.codebook_from_qdc(data, name), Codebook.Source.QDC
    if not filename.lower().endswith(".csv"):
        raise ActionError("Choose a .csv or .qdc file.", field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError(
            "The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again.", field="file"
        ) from None
    return library.codebook_from_csv(text, name), Codebook.Source.CSV


@transaction.atomic
def import_codebook(programme: Programme, data: bytes, filename: str, *, by, name: str = "") -> Codebook:
    """A codebook from an uploaded CSV or REFI-QDA .qdc file; the message of an error says what is wrong."""
    name = name.strip() or Path(filename).stem or "Imported codebook"
    try:
        book, source = _read_codebook_file(data, filename, name)
    except library.CodebookError as error:
        raise ActionError(f"The codebook could not be read: {error}.", field="file") from None
    if not book.themes:
        raise ActionError("The file has no themes.", field="file")
    codebook = _store_codebook(programme, book, source, by=by, name=name)
    audit("coding.codebook_imported", actor=by, obj=codebook, programme=programme, themes=len(book))
    return codebook


def export_codebook(codebook: Codebook, fmt: str, *, by) -> tuple[bytes, str, str]:
    """(content, content type, filename) of a codebook as "csv" or "qdc"; the export is recorded."""
    book = as_library_codebook(codebook)
    stem = library.slugify(codebook.name)
    if fmt == "csv":
        content, content_type, filename = (
            library.codebook_to_csv(book).encode("utf-8"),
            "text/csv; charset=utf-8",
            f"{stem}.csv",
        )
    elif fmt == "qdc":
        try:
            content = library.codebook_to_qdc(book)
        except library.CodebookError as error:
            raise ActionError(str(error)) from None
        content_type, filename = "application/xml", f"{stem}.qdc"
    else:
        raise ActionError(f"Unknown format {fmt!r}.")
    audit("coding.codebook_exported", actor=by, obj=codebook, programme=codebook.programme, format=fmt)
    return content, content_type, filename
