from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from chorus.apps.audit.log import record as audit
from chorus.apps.core.forms import render_form, run_action
from chorus.apps.engagement.rules import recordable_programmes

from . import actions
from .forms import RecordingForm
from .rules import visible_recordings

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _visible_or_404(user, pk: int):
    recording = (
        visible_recordings(user)
        .select_related("programme", "activity", "contribution", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if recording is None:
        raise Http404("No such recording")
    return recording


@login_required
def upload(request):
    programmes = recordable_programmes(request.user)
    if not programmes.exists():
        raise PermissionDenied("You are not a connector, partner or analyst in any programme.")
    form = RecordingForm(
        request.POST or None, request.FILES or None, programmes=programmes, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        result = run_action(
            form,
            actions.receive_recording,
            form.cleaned_data["recording"],
            form.to_recording_input(),
            by=request.user,
            submission_key=form.cleaned_data["submission_key"],
        )
        if result is not None:
            recording, created = result
            if created:
                messages.success(request, "Recording uploaded. Chorus is writing down what was said.")
            else:
                messages.info(request, "This recording was already uploaded, so it has not been kept twice.")
            return redirect(recording)
    return render_form(
        request,
        "recordings/upload.html",
        {"form": form, "max_mb": actions.max_upload_bytes() // (1024 * 1024)},
    )


@login_required
def recording_list(request):
    if not request.user.has_perm("recordings.list"):
        raise PermissionDenied("Only people who record conversations see recordings.")
    recordings = visible_recordings(request.user).select_related("programme", "contribution")[:50]
    return render(request, "recordings/list.html", {"recordings": recordings})


@login_required
def recording_detail(request, pk: int):
    recording = _visible_or_404(request.user, pk)
    can_listen = bool(recording.audio) and request.user.has_perm("recordings.listen", recording)
    return render(
        request,
        "recordings/recording.html",
        {
            "recording": recording,
            "segments": recording.segments.all() if recording.contribution_id else [],
            "can_listen": can_listen,
        },
    )


@login_required
def progress(request, pk: int):
    """How far the transcription has got, for the status page's script (which then updates the page)."""
    recording = _visible_or_404(request.user, pk)
    label = recording.get_status_display()
    if recording.status == "transcribing":
        label = f"{label}: {recording.progress}% done"
    return JsonResponse(
        {
            "status": recording.status,
            "progress": recording.progress,
            "label": label,
            "done": not recording.in_progress,
        }
    )


@login_required
def audio(request, pk: int):
    """The kept audio, decrypted, for those who may listen (a quote is played with a #t=start,end fragment).
    Answers byte ranges, which browsers ask for to seek; the first request of a listening is audited."""
    recording = _visible_or_404(request.user, pk)
    if not request.user.has_perm("recordings.listen", recording):
        raise PermissionDenied
    if not recording.audio:
        raise Http404("The audio of this recording is not kept")
    data = actions.read_audio(recording)
    content_type = actions.CONTENT_TYPES.get(recording.audio_format, "application/octet-stream")
    wanted = RANGE.match(request.headers.get("Range", ""))
    start, end, status = 0, len(data) - 1, 200
    if wanted and (wanted.group(1) or wanted.group(2)):
        if wanted.group(1):
            start = int(wanted.group(1))
            end = min(int(wanted.group(2)), end) if wanted.group(2) else end
        else:
            start = max(0, len(data) - int(wanted.group(2)))
        if start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{len(data)}"
            return response
        status = 206
    if start == 0:
        audit("recording.listened", actor=request.user, obj=recording, programme=recording.programme)
    response = HttpResponse(data[start : end + 1], content_type=content_type, status=status)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "no-store"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
    return response
