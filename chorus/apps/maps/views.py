from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from chorus.apps.core.errors import ActionError
from chorus.apps.core.forms import render_form, run_action
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.programmes.models import Programme
from chorus.maps import map_metrics
from chorus.maps.strengths import term_value

from . import actions, exports, graph
from .forms import (
    CodeLinkForm,
    CombineMapsForm,
    EditLinkForm,
    FactorForm,
    ImportMapForm,
    LeverageForm,
    LinkForm,
    NewMapForm,
    ScenarioForm,
    StrengthTermsForm,
    describe_settings,
)
from .models import ExperienceMap, Factor, Link, MapKind, default_strength_terms, programme_strength_terms
from .rules import map_programmes, visible_contribution_ids, visible_maps


def _programme(request, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not request.user.has_perm("maps.view_maps", programme):
        raise Http404("No such programme")
    return programme


def _map(request, pk: int) -> ExperienceMap:
    experience_map = get_object_or_404(ExperienceMap.objects.select_related("programme"), pk=pk)
    if not request.user.has_perm("maps.view_maps", experience_map):
        raise Http404("No such map")
    return experience_map


def _require_change(request, target) -> None:
    if not request.user.has_perm("maps.change_maps", target):
        raise PermissionDenied("Only the programme's leads and analysts change maps.")


@login_required
def index(request):
    """The programmes whose maps this person may read, with how many maps each shows them."""
    programmes = map_programmes(request.user)
    if not programmes.exists():
        raise PermissionDenied("Maps of experience are for the people who work in a programme.")
    counts = dict(
        visible_maps(request.user)
        .filter(programme__in=programmes)
        .order_by()
        .values_list("programme")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "maps/index.html",
        {"programmes": [(programme, counts.get(programme.pk, 0)) for programme in programmes]},
    )


@login_required
def map_list(request, slug: str):
    programme = _programme(request, slug)
    maps = (
        visible_maps(request.user)
        .filter(programme=programme)
        .annotate(n_factors=Count("factors", distinct=True), n_links=Count("links", distinct=True))
        .order_by("kind", "name")
    )
    groups = [(label, [m for m in maps if m.kind == kind]) for kind, label in MapKind.choices]
    return render(
        request,
        "maps/map_list.html",
        {
            "programme": programme,
            "groups": [(label, items) for label, items in groups if items],
            "can_change": request.user.has_perm("maps.change_maps", programme),
        },
    )


@login_required
def strength_terms(request, slug: str):
    """The programme's strength words and what each weighs; saving re-weighs the links that use them."""
    programme = _programme(request, slug)
    _require_change(request, programme)
    current = programme_strength_terms(programme)
    form = StrengthTermsForm(request.POST or None, terms=current)
    if request.method == "POST":
        use_default = "use_default" in request.POST
        if use_default or form.is_valid():
            terms = default_strength_terms() if use_default else form.cleaned_data["terms"]
            form.is_valid()  # so the page shows the rows as they were typed if the terms are refused
            change = run_action(form, actions.change_strength_terms, programme, terms, by=request.user)
            if change is not None:
                links, flagged = change.links_reweighed, change.community_maps_flagged
                message = f"Strength words saved. {links} link{pluralize(links)} re-weighed."
                if flagged:
                    message += f" {flagged} community map{pluralize(flagged)} to combine again."
                messages.success(request, message)
                return redirect("maps:strengths", slug=programme.slug)
    return render_form(
        request,
        "maps/strength_terms.html",
        {"programme": programme, "form": form, "current": _term_values(current)},
    )


def _term_values(terms: dict) -> list[tuple[str, float]]:
    return [(term, term_value(term, terms)) for term in terms]


@login_required
def new_map(request, slug: str):
    programme = _programme(request, slug)
    _require_change(request, programme)
    form = NewMapForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        experience_map = run_action(
            form,
            actions.create_map,
            programme,
            form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            by=request.user,
        )
        if experience_map is not None:
            messages.success(request, "Map created. Add its factors and links.")
            return redirect(experience_map)
    return render_form(request, "maps/new_map.html", {"programme": programme, "form": form})


def _links(experience_map: ExperienceMap):
    return experience_map.links.select_related("source", "target", "contribution").prefetch_related(
        Prefetch("derived_from", queryset=Link.objects.select_related("contribution", "source", "target"))
    )


def _evidence_access(user, links: list[Link]) -> dict:
    """Which contributions and maps behind these links the user may open: the pages link only to those."""
    evidence = [item for link in links for item in (link, *link.derived_from.all())]
    map_ids = {item.map_id for item in evidence}
    return {
        "openable_contributions": visible_contribution_ids(user, {item.contribution_id for item in evidence}),
        "openable_maps": set(visible_maps(user).filter(pk__in=map_ids).values_list("pk", flat=True)),
    }


def _detail_context(request, experience_map: ExperienceMap, **forms) -> dict:
    factors = list(experience_map.factors.all())
    fcm = experience_map.as_fcm()
    metrics = map_metrics(fcm)
    by_id = {str(factor.pk): factor for factor in factors}
    factor_rows = sorted(
        ((by_id[item.id], item) for item in metrics.factors),
        key=lambda pair: (-pair[1].centrality, pair[0].name),
    )
    can_change = request.user.has_perm("maps.change_maps", experience_map)
    editable = can_change and experience_map.kind != MapKind.COMMUNITY
    links = list(_links(experience_map))
    context = {
        "map": experience_map,
        "programme": experience_map.programme,
        "metrics": metrics,
        "factor_rows": factor_rows,
        "links": links,
        **_evidence_access(request.user, links),
        "factors": factors,
        "can_change": can_change,
        "editable": editable,
        "sources": experience_map.sources.order_by("name"),
        "graph": graph.graph_data(experience_map, fcm, metrics, links, editable=editable),
        "graph_library": graph.library_url(),
    }
    if editable:
        context["factor_form"] = forms.get("factor_form") or FactorForm(prefix="factor")
        context["link_form"] = forms.get("link_form") or LinkForm(
            prefix="link", experience_map=experience_map
        )
    return context


@login_required
def map_detail(request, pk: int):
    experience_map = _map(request, pk)
    return render(request, "maps/map_detail.html", _detail_context(request, experience_map))


@login_required
@require_POST
def add_factor(request, pk: int):
    experience_map = _map(request, pk)
    _require_change(request, experience_map)
    form = FactorForm(request.POST, prefix="factor")
    if form.is_valid():
        factor = run_action(
            form,
            actions.create_factor,
            experience_map,
            form.cleaned_data["name"],
            form.cleaned_data["description"],
            by=request.user,
        )
        if factor is not None:
            messages.success(request, f"Factor '{factor}' added.")
            return redirect(experience_map)
    context = _detail_context(request, experience_map, factor_form=form)
    return render(request, "maps/map_detail.html", context, status=400)


@login_required
@require_POST
def add_link(request, pk: int):
    experience_map = _map(request, pk)
    _require_change(request, experience_map)
    form = LinkForm(request.POST, prefix="link", experience_map=experience_map)
    if form.is_valid():
        link = run_action(
            form,
            actions.create_link,
            experience_map,
            form.cleaned_data["source"],
            form.cleaned_data["target"],
            form.strength(),
            note=form.cleaned_data["note"],
            by=request.user,
        )
        if link is not None:
            messages.success(request, "Link added.")
            return redirect(experience_map)
    context = _detail_context(request, experience_map, link_form=form)
    return render(request, "maps/map_detail.html", context, status=400)


@login_required
def edit_link(request, pk: int, link_pk: int):
    experience_map = _map(request, pk)
    _require_change(request, experience_map)
    link = get_object_or_404(experience_map.links.select_related("source", "target"), pk=link_pk)
    initial = {"sign": str(link.sign), "term": link.term, "note": link.note}
    form = EditLinkForm(request.POST or None, initial=initial, experience_map=experience_map)
    if request.method == "POST" and form.is_valid():
        run_action(
            form, actions.change_link, link, form.strength(), note=form.cleaned_data["note"], by=request.user
        )
        if not form.errors:
            messages.success(request, "Link changed.")
            return redirect(experience_map)
    return render_form(request, "maps/edit_link.html", {"map": experience_map, "link": link, "form": form})


@login_required
@require_POST
def delete_link(request, pk: int, link_pk: int):
    experience_map = _map(request, pk)
    _require_change(request, experience_map)
    link = get_object_or_404(experience_map.links, pk=link_pk)
    try:
        actions.delete_link(link, by=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Link removed.")
    return redirect(experience_map)


@login_required
def edit_factor(request, pk: int, factor_pk: int):
    experience_map = _map(request, pk)
    _require_change(request, experience_map)
    factor = get_object_or_404(experience_map.factors, pk=factor_pk)
    form = FactorForm(request.POST or None, initial={"name": factor.name, "description": factor.description})
    if request.method == "POST" and form.is_valid():
        run_action(
            form,
            actions.change_factor,
            factor,
            form.cleaned_data["name"],
            form.cleaned_data["description"],
            by=request.user,
        )
        if not form.errors:
            messages.success(request, "Factor changed.")
            return redirect(experience_map)
    return render_form(
        request, "maps/edit_factor.html", {"map": experience_map, "factor": factor, "form": form}
    )


@login_required
@require_POST
def delete_factor(request, pk: int, factor_pk: int):
    experience_map = _map(request, pk)
    _require_change(request, experience_map)
    factor = get_object_or_404(experience_map.factors, pk=factor_pk)
    try:
        actions.delete_factor(factor, by=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Factor '{factor.name}' and its links removed.")
    return redirect(experience_map)


@login_required
@require_POST
def rebuild_map(request, pk: int):
    experience_map = _map(request, pk)
    _require_change(request, experience_map)
    try:
        actions.rebuild_community_map(experience_map, by=request.user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The community map has been combined again from its maps.")
    return redirect(experience_map)


@login_required
@require_POST
def delete_map(request, pk: int):
    experience_map = _map(request, pk)
    _require_change(request, experience_map)
    slug = experience_map.programme.slug
    actions.delete_map(experience_map, by=request.user)
    messages.success(request, "Map deleted.")
    return redirect("maps:list", slug=slug)


@login_required
def code_link(request, contribution_pk: int):
    contribution = (
        visible_contributions(request.user).select_related("programme").filter(pk=contribution_pk).first()
    )
    if contribution is None:
        raise Http404("No such contribution")
    _require_change(request, contribution.programme)
    experience_map = ExperienceMap.objects.filter(contribution=contribution).first()
    form = CodeLinkForm(request.POST or None, experience_map=experience_map)
    if request.method == "POST" and form.is_valid():
        link = run_action(
            form,
            actions.code_link_from_contribution,
            contribution,
            form.cleaned_data["source"],
            form.cleaned_data["target"],
            form.strength(),
            quote=form.cleaned_data["quote"],
            by=request.user,
        )
        if link is not None:
            if form.cleaned_data["quote"] and not link.quote:
                messages.info(
                    request, "Link saved without the quote: the resident did not agree to be quoted."
                )
            else:
                messages.success(request, f"Link saved: {link.source} → {link.target}.")
            return redirect("maps:code-link", contribution_pk=contribution.pk)
    factor_names = sorted(
        set(Factor.objects.filter(map__programme=contribution.programme).values_list("name", flat=True))
    )
    links = list(_links(experience_map)) if experience_map else []
    return render_form(
        request,
        "maps/code_link.html",
        {
            "contribution": contribution,
            "form": form,
            "map": experience_map,
            "links": links,
            **_evidence_access(request.user, links),
            "factor_names": factor_names,
        },
    )


@login_required
def import_map(request, slug: str):
    programme = _programme(request, slug)
    _require_change(request, programme)
    form = ImportMapForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        experience_map = run_action(
            form,
            actions.import_map,
            programme,
            form.cleaned_data["name"],
            form.cleaned_data["format"],
            upload.read(actions.MAX_IMPORT_BYTES + 1),
            by=request.user,
        )
        if experience_map is not None:
            messages.success(request, "Map imported.")
            return redirect(experience_map)
    return render_form(request, "maps/import_map.html", {"programme": programme, "form": form})


@login_required
def combine_maps(request, slug: str):
    programme = _programme(request, slug)
    _require_change(request, programme)
    form = CombineMapsForm(
        request.POST or None, maps=programme.maps.exclude(kind=MapKind.COMMUNITY).order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        community = run_action(
            form,
            actions.combine_maps,
            programme,
            form.cleaned_data["sources"],
            form.cleaned_data["name"],
            form.cleaned_data["method"],
            by=request.user,
        )
        if community is not None:
            messages.success(request, "Community map made.")
            return redirect(community)
    return render_form(request, "maps/combine_maps.html", {"programme": programme, "form": form})


@login_required
def scenario(request, pk: int):
    experience_map = _map(request, pk)
    factors = experience_map.factors.all()
    form = ScenarioForm(request.GET if "run" in request.GET else None, factors=factors)
    outcome = None
    if form.is_bound and form.is_valid():
        outcome = run_action(form, actions.run_scenario, experience_map, form.clamps(), form.settings())
    context = {"map": experience_map, "form": form, "outcome": outcome}
    if outcome is not None:
        context["settings_used"] = describe_settings(outcome.settings)
        fcm = experience_map.as_fcm()
        context["graph"] = graph.graph_data(
            experience_map, fcm, map_metrics(fcm), _links(experience_map), scenario=outcome
        )
        context["graph_library"] = graph.library_url()
    return render_form(request, "maps/scenario.html", context)


@login_required
def leverage(request, pk: int):
    experience_map = _map(request, pk)
    factors = experience_map.factors.all()
    form = LeverageForm(request.GET if "outcomes" in request.GET else None, factors=factors)
    rows = None
    if form.is_bound and form.is_valid():
        rows = run_action(form, actions.leverage_table, experience_map, list(form.cleaned_data["outcomes"]))
    outcomes = list(form.cleaned_data["outcomes"]) if rows is not None else []
    return render_form(
        request,
        "maps/leverage.html",
        {"map": experience_map, "form": form, "rows": rows, "outcomes": outcomes},
    )


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export(request, pk: int, fmt: str):
    experience_map = _map(request, pk)
    fcm = experience_map.as_fcm()
    stem = slugify(experience_map.name) or f"map-{experience_map.pk}"
    if fmt == "edges.csv":
        # Quotes stay out of exports: a file travels further than a page does.
        extra = {
            (str(link.source_id), str(link.target_id)): {
                "term": link.term,
                "agreement": "" if link.agreement is None else link.agreement,
                "entropy": "" if link.entropy is None else round(link.entropy, 4),
            }
            for link in experience_map.links.all()
        }
        return _download(exports.edge_list_csv(fcm, extra), "text/csv; charset=utf-8", f"{stem}-edges.csv")
    if fmt == "matrix.csv":
        return _download(exports.matrix_csv(fcm), "text/csv; charset=utf-8", f"{stem}-matrix.csv")
    if fmt == "map.svg":
        return HttpResponse(exports.draw(fcm, "svg"), content_type="image/svg+xml")
    if fmt == "map.png":
        return _download(exports.draw(fcm, "png", experience_map.name), "image/png", f"{stem}.png")
    raise Http404("No such export")
