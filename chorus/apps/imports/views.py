from __future__ import annotations

from datetime import timedelta
from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chorus.apps.core.errors import ActionError
from chorus.apps.core.forms import run_action
from chorus.apps.engagement.models import Contribution
from chorus.apps.programmes.models import Programme
from chorus.ingest import Mapping
from chorus.ingest.mapping import TARGET_FIELDS
from chorus.ingest.readers import parse_json

from . import actions, protection
from .forms import EraseForm, EraseRowForm, MappingForm, RowCorrectionForm, SourceForm, UploadForm
from .models import (
    BatchStatus,
    ErasureRecord,
    ImportBatch,
    ImportSource,
    OriginalText,
    Participant,
    QuarantinedRow,
)
from .rules import importable_programmes

MAX_POST_BYTES = 2_500_000  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE; a field-tool submission is a few KB
STALE_AFTER = timedelta(minutes=2)  # a running import not heard from for this long was stopped


def _posted(request):
    """The POST data when the form was sent, even empty (an unticked box must still show its error)."""
    return request.POST if request.method == "POST" else None


def _programme(user, slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None or not user.has_perm("imports.manage", programme):
        raise Http404("No such programme")
    return programme


def _batch(user, pk: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("source__programme").filter(pk=pk).first()
    if batch is None or not user.has_perm("imports.manage", batch.source.programme):
        raise Http404("No such import")
    return batch


@login_required
def index(request):
    programmes = importable_programmes(request.user)
    if programmes.count() == 1:
        return redirect("imports:programme", programmes.get().slug)
    return render(request, "imports/index.html", {"programmes": programmes})


@login_required
def programme(request, slug: str):
    programme = _programme(request.user, slug)
    form = SourceForm(_posted(request), initial={"kind": "field-tool"})
    token = None
    if request.method == "POST" and form.is_valid():
        created = run_action(
            form,
            actions.create_source,
            programme,
            form.cleaned_data["name"],
            form.cleaned_data["kind"],
            by=request.user,
        )
        if created is not None:
            source, token = created
            if token is None:
                messages.success(request, f"Source {source.name} added.")
                return redirect("imports:programme", slug)
            return render(
                request,
                "imports/token.html",
                {
                    "programme": programme,
                    "source": source,
                    "token": token,
                    "endpoint": _endpoint(request, source),
                },
            )
    sources = programme.import_sources.annotate(batch_count=Count("batches"))
    batches = ImportBatch.objects.filter(source__programme=programme).select_related("source")[:30]
    return render(
        request,
        "imports/programme.html",
        {
            "programme": programme,
            "sources": sources,
            "batches": batches,
            "form": form,
            "endpoints": {source.pk: _endpoint(request, source) for source in sources if source.token_hash},
        },
    )


def _endpoint(request, source) -> str:
    from django.urls import reverse

    return request.build_absolute_uri(reverse("imports:field", args=[source.pk]))


@login_required
def upload(request, slug: str):
    programme = _programme(request.user, slug)
    form = UploadForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        started = run_action(
            form, actions.start_upload, programme, uploaded.name, uploaded.chunks(), by=request.user
        )
        if started is not None:
            batch, _ = started
            return redirect("imports:columns", batch.pk)
    return render(request, "imports/upload.html", {"programme": programme, "form": form})


@login_required
def columns(request, pk: int):
    batch = _batch(request.user, pk)
    if batch.status != BatchStatus.DRAFT:
        return redirect(batch)
    programme = batch.source.programme
    try:
        with actions.batch_table(batch) as table:
            preview = list(islice(table.rows(), 3))
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("imports:upload", programme.slug)
    suggested, was_saved = actions.suggested_mapping(programme, table.headers)
    form = MappingForm(_posted(request), headers=table.headers, initial_mapping=suggested)
    if request.method == "POST" and form.is_valid():
        run_action(form, actions.confirm_mapping, batch, form.mapping(), by=request.user)
        if not form.errors:
            return redirect(batch)
    return render(
        request,
        "imports/columns.html",
        {
            "programme": programme,
            "batch": batch,
            "form": form,
            "was_saved": was_saved,
            "table": table,
            "preview_headers": table.headers[:8],
            "preview": [[row.values.get(header, "")[:60] for header in table.headers[:8]] for row in preview],
        },
    )


def _source(user, pk: int) -> ImportSource:
    source = ImportSource.objects.select_related("programme").filter(pk=pk).first()
    if source is None or not user.has_perm("imports.manage", source.programme):
        raise Http404("No such source")
    return source


@login_required
def source_mappings(request, pk: int):
    """The column mappings a source's imports were read with, each one open to correction."""
    source = _source(request.user, pk)
    mappings = [(saved, Mapping.from_dict(saved.mapping)) for saved in actions.source_mappings(source)]
    labels = {target.name: target.label for target in TARGET_FIELDS}
    return render(
        request,
        "imports/source_mappings.html",
        {
            "programme": source.programme,
            "source": source,
            "mappings": [
                (saved, [(labels[target], header) for target, header in mapping.columns.items()])
                for saved, mapping in mappings
            ],
        },
    )


@login_required
def edit_mapping(request, pk: int, mapping_pk: int):
    """Correct a saved mapping (a guessed one, for a field tool): the form comes back filled on error."""
    source = _source(request.user, pk)
    saved = next((saved for saved in actions.source_mappings(source) if saved.pk == mapping_pk), None)
    if saved is None:
        raise Http404("No such mapping for this source")
    current = Mapping.from_dict(saved.mapping)
    form = MappingForm(_posted(request), headers=current.headers, initial_mapping=current)
    if request.method == "POST" and form.is_valid():
        run_action(form, actions.change_mapping, saved, form.mapping(), by=request.user)
        if not form.errors:
            messages.success(request, "The columns are saved: the next file or post of this shape uses them.")
            return redirect("imports:source_mappings", source.pk)
    return render(
        request,
        "imports/edit_mapping.html",
        {"programme": source.programme, "source": source, "saved": saved, "form": form},
    )


def _stalled(batch: ImportBatch) -> bool:
    return batch.status == BatchStatus.RUNNING and timezone.now() - batch.updated_at > STALE_AFTER


@login_required
def batch(request, pk: int):
    batch = _batch(request.user, pk)
    if request.method == "POST":
        if batch.status != BatchStatus.FAILED and not _stalled(batch):
            messages.error(request, "This import is still running.")
            return redirect(batch)
        try:
            actions.resume_batch(batch, by=request.user)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The import will carry on from where it stopped.")
        return redirect(batch)
    rows = batch.quarantined_rows.filter(resolved_at=None, erased_at=None)
    return render(
        request,
        "imports/batch.html",
        {
            "programme": batch.source.programme,
            "batch": batch,
            "rows": rows[:200],
            "more_rows": max(0, rows.count() - 200),
            "refresh": batch.is_active and not _stalled(batch),
            "can_resume": batch.status == BatchStatus.FAILED or _stalled(batch),
        },
    )


@login_required
def progress(request, pk: int):
    batch = _batch(request.user, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "rows_total": batch.rows_total,
            "rows_seen": batch.rows_seen,
            "percent": batch.percent,
            "imported": batch.imported,
            "duplicates": batch.duplicates,
            "quarantined": batch.quarantined,
            "error": batch.error,
        }
    )


@login_required
def quarantined_row(request, pk: int):
    row = get_object_or_404(QuarantinedRow.objects.select_related("batch__source__programme"), pk=pk)
    batch = _batch(request.user, row.batch_id)
    if row.resolved_at or row.erased_at:
        return redirect(batch)
    headers = (batch.mapping or {}).get("headers") or []
    form = RowCorrectionForm(_posted(request), raw=row.raw, headers=headers)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = run_action(form, actions.rerun_quarantined_row, row, form.values(), by=request.user)
        if outcome is not None:
            if outcome.status != "quarantined":
                messages.success(request, f"Row {row.row_number} is imported.")
                return redirect(batch)
            row.refresh_from_db()
            form = RowCorrectionForm(request.POST, raw=row.raw, headers=headers)
            form.is_valid()
            for problem in row.problems:
                form.add_error(None, problem["text"])
    return render(
        request,
        "imports/row.html",
        {"programme": batch.source.programme, "batch": batch, "row": row, "form": form},
    )


@login_required
def erase_row(request, pk: int):
    """Empty a quarantined row that holds a person's data, leaving a content-free record of it."""
    row = get_object_or_404(QuarantinedRow.objects.select_related("batch__source__programme"), pk=pk)
    batch = _batch(request.user, row.batch_id)
    if row.resolved_at or row.erased_at:
        return redirect(batch)
    form = EraseRowForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.erase_quarantined_row(row, by=request.user)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Row {row.row_number} is erased: nothing it held is kept.")
        return redirect(batch)
    return render(
        request,
        "imports/erase_row.html",
        {"programme": batch.source.programme, "batch": batch, "row": row, "form": form},
    )


@csrf_exempt
@require_POST
def field_post(request, source_id: int):
    """Where KoboToolbox REST Services or an ODK Central relay posts submissions (token auth)."""
    source = actions.authenticate_source(source_id, request.headers.get("Authorization", ""))
    if source is None:
        response = JsonResponse(
            {"status": "unauthorised", "message": "Send Authorization: Token <token>."}, status=401
        )
        response["WWW-Authenticate"] = "Token"
        return response
    length = (request.headers.get("Content-Length") or "0").strip()
    if not length.isdigit():
        message = "The Content-Length header must be a number of bytes."
        return JsonResponse({"status": "error", "message": message}, status=400)
    if int(length) > MAX_POST_BYTES:
        message = "The submission is larger than 2.5 MB."
        return JsonResponse({"status": "error", "message": message}, status=413)
    try:
        payload = parse_json(request.body.decode("utf-8-sig"), "The JSON body")
    except RequestDataTooBig:
        return JsonResponse({"status": "error", "message": "The submission is too large."}, status=413)
    except UnicodeDecodeError:
        return JsonResponse({"status": "error", "message": "The body is not JSON."}, status=400)
    except ValueError as error:
        return JsonResponse({"status": "error", "message": str(error)}, status=400)
    try:
        status, results, batch = actions.receive_submission(source, payload)
    except ActionError as error:
        return JsonResponse({"status": "error", "message": error.message}, status=400)
    body = {
        "status": status,
        "imported": batch.imported,
        "duplicates": batch.duplicates,
        "quarantined": batch.quarantined,
    }
    if status == "quarantined":
        body["problems"] = [problem for result in results for problem in result.problems]
    return JsonResponse(body, status={"imported": 201, "duplicate": 200}.get(status, 422))


@login_required
def open_data(request, slug: str):
    programme = _programme(request.user, slug)
    text, _ = actions.open_data_csv(programme, by=request.user)
    response = HttpResponse(text.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-open-data.csv"'
    return response


@login_required
def participants(request, slug: str):
    programme = _programme(request.user, slug)
    people = Participant.objects.filter(programme=programme).annotate(
        contribution_count=Count("contributions", distinct=True),
        quarantined_count=Count("quarantined_rows", distinct=True),
    )
    query = request.GET.get("pseudonym", "").strip()
    if query:
        # The pseudonym, or the reference the field tool or spreadsheet gave them (matched by its keyed hash).
        people = people.filter(
            Q(pseudonym=query.upper()) | Q(ref_hash=protection.ref_hash(programme.pk, query))
        )
    return render(
        request,
        "imports/participants.html",
        {
            "programme": programme,
            "participants": people[:100],
            "query": query,
            "erasures": ErasureRecord.objects.filter(programme=programme)[:20],
        },
    )


@login_required
def erase(request, slug: str, pseudonym: str):
    programme = _programme(request.user, slug)
    participant = get_object_or_404(Participant, programme=programme, pseudonym=pseudonym)
    form = EraseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        erasure = actions.erase_participant(participant, by=request.user)
        messages.success(
            request,
            f"{erasure.pseudonym} is erased: {erasure.contributions_removed} contribution(s) and all made "
            f"from them, and {erasure.quarantined_rows_erased} quarantined row(s).",
        )
        return redirect("imports:participants", slug)
    return render(
        request,
        "imports/erase.html",
        {
            "programme": programme,
            "participant": participant,
            "form": form,
            "count": participant.contributions.count(),
            "quarantined_count": participant.quarantined_rows.count(),
        },
    )


@login_required
@require_POST
def original_text(request, contribution_id: int):
    """Shown only on request (a POST, so a link preview or prefetch never decrypts), and audited."""
    contribution = get_object_or_404(Contribution.objects.select_related("programme"), pk=contribution_id)
    if not request.user.has_perm("imports.view_original_text", contribution.programme):
        raise Http404("No such text")
    if not OriginalText.objects.filter(contribution=contribution).exists():
        raise Http404("No original text is kept for this contribution")
    text = actions.read_original_text(contribution, by=request.user)
    response = render(
        request,
        "imports/original.html",
        {"programme": contribution.programme, "contribution": contribution, "original": text},
    )
    response["Cache-Control"] = "no-store"
    return response
