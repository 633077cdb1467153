"""Asking for a human translation of a contribution, from its page (engagement.request_translation)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from chorus.apps.core.errors import ActionError

from . import actions
from .forms import TranslationRequestForm
from .views import _visible_or_404


@login_required
@require_POST
def request_translation(request, pk: int):
    contribution = _visible_or_404(request.user, pk)
    if not request.user.has_perm("engagement.request_translation", contribution):
        raise PermissionDenied("Only the programme's analysts ask for translations.")
    form = TranslationRequestForm(request.POST)
    requested = form.is_valid() and form.cleaned_data["requested"]
    try:
        actions.request_translation(contribution, by=request.user, requested=requested)
    except ActionError as error:
        messages.info(request, str(error))
    else:
        messages.success(
            request,
            "Marked for a human translation." if requested else "No longer waiting for a translation.",
        )
    return redirect("contribution", pk=pk)
