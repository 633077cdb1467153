from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from chorus.apps.core.forms import render_form, run_action

from . import actions
from .forms import ProgrammeSettingsForm
from .models import Programme


@login_required
def programme_settings(request, slug: str):
    """A programme's settings, for its leads/analysts and administrators. Non-members get a 404."""
    programme = get_object_or_404(Programme.objects.select_related("local_authority"), slug=slug)
    if not request.user.has_perm("programmes.change_programme", programme):
        if not request.user.has_perm("programmes.view_programme", programme):
            raise Http404
        raise PermissionDenied
    wards = actions.programme_wards(programme)
    form = ProgrammeSettingsForm(
        request.POST or None, request.FILES or None, programme=programme, wards=wards
    )
    if request.method == "POST" and form.is_valid():
        changed = run_action(
            form, actions.change_programme_settings, programme, form.cleaned_data, by=request.user
        )
        if not form.errors:
            messages.success(request, "Programme settings saved." if changed else "Nothing was changed.")
            return redirect("programmes:settings", slug=programme.slug)
    return render_form(
        request, "programmes/settings.html", {"programme": programme, "form": form, "wards": wards}
    )
