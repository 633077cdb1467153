from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from chorus.apps.core.forms import render_form, run_action

from .actions import create_token, revoke_token
from .forms import NewTokenForm


@login_required
def tokens(request):
    """The signed-in user's API tokens: create one (its secret is shown once) or revoke one."""
    if not request.user.has_perm("api.manage_tokens"):
        raise PermissionDenied("API tokens are for programme leads and analysts, who use the read API.")
    new_secret = ""
    form = NewTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = run_action(form, create_token, request.user, form.cleaned_data["name"])
        if created is not None:
            new_secret = created.secret
            form = NewTokenForm()
    return render_form(
        request,
        "api/tokens.html",
        {"form": form, "new_secret": new_secret, "tokens": request.user.api_tokens.all()},
    )


@login_required
@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    revoke_token(token, by=request.user)
    return redirect("api:tokens")
