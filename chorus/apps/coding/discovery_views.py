"""Pages for themes from the data: the proposed themes of the latest discovery run, and the analyst's edits,
merges and promotions (actions.discovery). Same permission as the rest of coding: the programme's leads
and analysts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chorus.apps.core.errors import ActionError
from chorus.apps.core.forms import render_form, run_action

from .actions import discovery
from .forms import DiscoveredThemeForm, MergeDiscoveredForm
from .models import DiscoveredTheme, RunKind
from .queries import current_codebook
from .views import _programme_for_coding


def _open_groups(programme):
    return programme.discovered_themes.filter(merged_into__isnull=True, promoted_to__isnull=True).order_by(
        "-size", "number"
    )


@login_required
def discovery_page(request, slug: str):
    programme = _programme_for_coding(request.user, slug)
    run = programme.model_runs.filter(kind=RunKind.DISCOVERY).first()
    groups = list(_open_groups(programme))
    for group in groups:
        group.quotes = discovery.quotable_texts(group)
        peak = max((count for _, count in group.periods), default=0) or 1
        group.bars = [
            {"period": period, "count": count, "height": max(1, round(40 * count / peak))}
            for period, count in group.periods[-12:]
        ]
        group.merge_form = MergeDiscoveredForm(
            groups=_open_groups(programme).exclude(pk=group.pk), auto_id=f"id_merge_{group.pk}_%s"
        )
    promoted = programme.discovered_themes.filter(promoted_to__isnull=False).select_related("promoted_to")
    codebook = current_codebook(programme)
    return render(
        request,
        "coding/discovery.html",
        {
            "programme": programme,
            "run": run,
            "groups": groups,
            "promoted": promoted,
            "codebook": codebook,
            "has_themes": bool(codebook and codebook.themes.exists()),
        },
    )


@login_required
@require_POST
def start_discovery(request, slug: str):
    programme = _programme_for_coding(request.user, slug)
    try:
        run = discovery.start_discovery(programme, by=request.user)
    except ActionError as error:
        messages.info(request, str(error))
        return redirect("coding:discovery", slug=slug)
    return redirect(run)


def _group(programme, pk: int) -> DiscoveredTheme:
    return get_object_or_404(
        DiscoveredTheme, programme=programme, pk=pk, merged_into__isnull=True, promoted_to__isnull=True
    )


@login_required
def edit_discovered(request, slug: str, pk: int):
    programme = _programme_for_coding(request.user, slug)
    group = _group(programme, pk)
    form = DiscoveredThemeForm(
        request.POST or None, initial={"name": group.name, "description": group.description}
    )
    if request.method == "POST" and form.is_valid():
        run_action(
            form,
            discovery.edit_discovered,
            group,
            by=request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )
        if not form.errors:
            messages.success(request, f"Saved “{group.name}”.")
            return redirect("coding:discovery", slug=slug)
    return render_form(
        request, "coding/discovered_edit.html", {"programme": programme, "group": group, "form": form}
    )


@login_required
@require_POST
def merge_discovered(request, slug: str, pk: int):
    programme = _programme_for_coding(request.user, slug)
    group = _group(programme, pk)
    form = MergeDiscoveredForm(request.POST, groups=_open_groups(programme).exclude(pk=group.pk))
    if form.is_valid():
        into = run_action(form, discovery.merge_discovered, group, form.cleaned_data["into"], by=request.user)
        if not form.errors:
            messages.success(request, f"“{group.name}” is now part of “{into.name}”.")
            return redirect("coding:discovery", slug=slug)
    messages.info(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect("coding:discovery", slug=slug)


@login_required
@require_POST
def promote_discovered(request, slug: str, pk: int):
    programme = _programme_for_coding(request.user, slug)
    group = _group(programme, pk)
    try:
        theme = discovery.promote_discovered(group, by=request.user)
    except ActionError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"“{theme.name}” is now a theme of the codebook.")
    return redirect("coding:discovery", slug=slug)
