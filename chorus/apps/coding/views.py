from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chorus.apps.core.errors import ActionError
from chorus.apps.core.forms import render_form, run_action
from chorus.apps.engagement.forms import NOT_KNOWN_LANGUAGE, language_choices
from chorus.apps.engagement.models import Contribution
from chorus.apps.engagement.rules import visible_contributions
from chorus.apps.programmes.models import Programme
from chorus.coding.agreement import interpret

from .actions import codebooks, runs, teaching
from .actions import emerging as emerging_issues
from .actions.agreement import answer_sample, create_agreement_sample
from .actions.review import review
from .actions.themes import (
    change_theme_description,
    change_theme_name,
    delete_theme,
    merge_themes,
    move_theme,
)
from .external_model import external_names
from .forms import (
    ImportCodebookForm,
    MergeThemeForm,
    MoveThemeForm,
    PromoteForm,
    ReviewForm,
    SampleForm,
    SearchForm,
    StarterCodebookForm,
    ThemeForm,
)
from .models import Coding, CodingEvent, EmergingCluster, RunKind, Theme
from .queries import (
    agreement_report,
    current_codebook,
    current_codings,
    next_to_teach,
    review_queue,
    sample_codings,
    semantic_search,
    teaching_progress,
    theme_deletion_counts,
    theme_descendant_ids,
)
from .rules import coders, coding_programmes


def _programme_for_coding(user, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not user.has_perm("coding.code_programme", programme):
        raise PermissionDenied("Only the programme's leads and analysts can code it.")
    return programme


def _theme_tree(codebook) -> list[tuple[Theme, int]]:
    """Themes in tree order with their depth."""
    themes = list(codebook.themes.order_by("position", "id"))
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)
    ordered: list[tuple[Theme, int]] = []

    def walk(parent_id, depth):
        for theme in children.get(parent_id, []):
            ordered.append((theme, depth))
            walk(theme.pk, depth + 1)

    walk(None, 0)
    return ordered


@login_required
def index(request):
    programmes = coding_programmes(request.user)
    return render(request, "coding/index.html", {"programmes": programmes})


@login_required
def programme_home(request, slug: str):
    programme = _programme_for_coding(request.user, slug)
    codebook = current_codebook(programme)
    run = programme.model_runs.exclude(kind=RunKind.EMERGING).first()
    contributions = Contribution.objects.filter(programme=programme)
    figures = {
        "contributions": contributions.count(),
        "coded": contributions.filter(codings__current=True, codings__status__in=["suggested", "accepted"])
        .distinct()
        .count(),
        "reviewed": contributions.filter(review_state__reviewed_at__isnull=False).count(),
        "waiting": contributions.filter(review_state__reviewed_at__isnull=True).count(),
    }
    theme_counts = {}
    if codebook:
        theme_counts = dict(
            Coding.objects.filter(
                theme__codebook=codebook, current=True, status__in=["suggested", "accepted"]
            )
            .values_list("theme")
            .annotate(n=Count("id"))
        )
    return render(
        request,
        "coding/programme.html",
        {
            "programme": programme,
            "codebook": codebook,
            "tree": [(t, d, theme_counts.get(t.pk, 0)) for t, d in _theme_tree(codebook)] if codebook else [],
            "run": run,
            "figures": figures,
            "starter_form": StarterCodebookForm(),
            "import_form": ImportCodebookForm(),
        },
    )


@login_required
@require_POST
def load_starter(request, slug: str):
    programme = _programme_for_coding(request.user, slug)
    form = StarterCodebookForm(request.POST)
    codebook = None
    if form.is_valid():
        codebook = run_action(
            form, codebooks.create_starter_codebook, programme, form.cleaned_data["starter"], by=request.user
        )
    if codebook is None:
        messages.info(request, "Choose a starter codebook.")
    else:
        messages.success(request, f"Loaded the codebook “{codebook.name}”.")
    return redirect("coding:programme", slug=slug)


@login_required
def import_codebook(request, slug: str):
    programme = _programme_for_coding(request.user, slug)
    form = ImportCodebookForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        codebook = run_action(
            form,
            codebooks.import_codebook,
            programme,
            upload.read(),
            upload.name,
            name=form.cleaned_data["name"],
            by=request.user,
        )
        if not form.errors:
            messages.success(request, f"Imported “{codebook.name}” with {codebook.themes.count()} themes.")
            return redirect("coding:programme", slug=slug)
    return render_form(request, "coding/import.html", {"programme": programme, "form": form})


@login_required
def export_codebook(request, slug: str, pk: int, fmt: str):
    programme = _programme_for_coding(request.user, slug)
    codebook = get_object_or_404(programme.codebooks, pk=pk)
    try:
        content, content_type, filename = codebooks.export_codebook(codebook, fmt, by=request.user)
    except ActionError as error:
        raise Http404(str(error)) from None
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def start_coding(request, slug: str):
    programme = _programme_for_coding(request.user, slug)
    try:
        run = runs.start_coding(programme, by=request.user)
    except ActionError as error:
        messages.info(request, str(error))
        return redirect("coding:programme", slug=slug)
    return redirect(run)


@login_required
def run_detail(request, slug: str, pk: int):
    programme = _programme_for_coding(request.user, slug)
    run = get_object_or_404(programme.model_runs, pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": run.status,
                "status_display": run.get_status_display(),
                "phase": run.phase,
                "done": run.progress_done,
                "total": run.progress_total,
                "percent": run.percent,
                "active": run.is_active,
            }
        )
    return render(request, "coding/run.html", {"programme": programme, "run": run})


# ---------------------------------------------------------------------------------------------- review


def _review_context(request, programme, codebook, contribution, form):
    current = {coding.theme_id: coding for coding in current_codings(contribution, codebook)}
    chosen = set(form.data.getlist("themes")) if form.is_bound else None
    tree = _theme_tree(codebook)
    # The model's suggestions and people's earlier decisions first, so that keys 1-9 reach them.
    tree.sort(key=lambda item: item[0].pk not in current)
    themes = []
    for number, (theme, depth) in enumerate(tree, start=1):
        coding = current.get(theme.pk)
        applied = bool(coding and coding.status in ("suggested", "accepted"))
        themes.append(
            {
                "theme": theme,
                "depth": depth if coding is None else 0,
                "coding": coding,
                "checked": str(theme.pk) in chosen if chosen is not None else applied,
                "suggested": bool(coding and coding.status == "suggested"),
                "key": number if number <= 9 else None,
                "percent": round(100 * coding.confidence)
                if coding and coding.confidence is not None
                else None,
            }
        )
    queue = review_queue(codebook, visible_contributions(request.user).filter(programme=programme))
    ids = list(queue.values_list("pk", flat=True)[:500])
    position = ids.index(contribution.pk) if contribution.pk in ids else None
    previous_id = ids[position - 1] if position else None
    next_id = ids[position + 1] if position is not None and position + 1 < len(ids) else None
    history = CodingEvent.objects.filter(contribution=contribution).select_related("theme", "actor")[:20]
    return {
        "programme": programme,
        "codebook": codebook,
        "contribution": contribution,
        "form": form,
        "themes": themes,
        "suggested": [item for item in themes if item["suggested"]],
        "primary": [item for item in themes if item["coding"]],
        "others": [item for item in themes if not item["coding"]],
        "history": history,
        "earlier_codings": Coding.objects.filter(contribution=contribution, theme__codebook=codebook)
        .select_related("theme", "made_by_user")
        .order_by("-made_at")[:20],
        "sentiment": getattr(contribution, "sentiment", None),
        "waiting": queue.count(),
        "previous_id": previous_id,
        "next_id": next_id,
    }


@login_required
def review_next(request, slug: str):
    programme = _programme_for_coding(request.user, slug)
    codebook = current_codebook(programme)
    if codebook is None:
        messages.info(request, "Load or import a codebook first.")
        return redirect("coding:programme", slug=slug)
    contributions = visible_contributions(request.user).filter(programme=programme)
    following = review_queue(codebook, contributions).first()
    if following is None:
        return render(request, "coding/review_done.html", {"programme": programme})
    return redirect("coding:review", slug=slug, pk=following.pk)


@login_required
def review_contribution(request, slug: str, pk: int):
    programme = _programme_for_coding(request.user, slug)
    codebook = current_codebook(programme)
    if codebook is None:
        return redirect("coding:programme", slug=slug)
    contribution = (
        visible_contributions(request.user).filter(programme=programme, pk=pk).select_related("ward").first()
    )
    if contribution is None:
        raise Http404("No such contribution")
    themes = [theme for theme, _ in _theme_tree(codebook)]
    form = ReviewForm(request.POST if request.method == "POST" else None, themes=themes)
    if request.method == "POST" and form.is_valid():
        counts = run_action(form, review, contribution, codebook, form.chosen(), by=request.user)
        if not form.errors:
            saved = f"{counts['accepted']} accepted, {counts['rejected']} rejected, {counts['added']} added"
            messages.success(request, f"Saved: {saved}.")
            return redirect("coding:review_next", slug=slug)
    context = _review_context(request, programme, codebook, contribution, form)
    return render_form(request, "coding/review.html", context)


@login_required
def contribution_codings(request, pk: int):
    """Themes, sentiment and coding history of one contribution (linked from its page)."""
    contribution = visible_contributions(request.user).select_related("programme").filter(pk=pk).first()
    if contribution is None:
        raise Http404("No such contribution")
    codings = (
        Coding.objects.filter(contribution=contribution)
        .select_related("theme", "made_by_user")
        .order_by("-current", "theme__position", "-made_at")
    )
    return render(
        request,
        "coding/contribution.html",
        {
            "contribution": contribution,
            "codings": codings,
            "history": CodingEvent.objects.filter(contribution=contribution).select_related("theme", "actor"),
            "sentiment": getattr(contribution, "sentiment", None),
            "can_review": request.user.has_perm("coding.code_programme", contribution.programme),
        },
    )


# ---------------------------------------------------------------------------------------------- teaching


def _skipped(request) -> list[int]:
    """Contributions skipped in this session (?skip=1,2,3): short lists of ids only."""
    values = request.GET.get("skip", "").split(",")[:50]
    return [int(value) for value in values if value.isascii() and value.isdigit() and len(value) <= 18]


@login_required
def teach(request, slug: str):
    """Teach Chorus: one contribution at a time, chosen to teach the model most; the answer is the person's
    coding, and the page says how often the model agreed with answers it had not seen."""
    programme = _programme_for_coding(request.user, slug)
    codebook = current_codebook(programme)
    if codebook is None:
        messages.info(request, "Load or import a codebook first.")
        return redirect("coding:programme", slug=slug)
    visible = visible_contributions(request.user).filter(programme=programme)
    tree = _theme_tree(codebook)
    form = ReviewForm(request.POST if request.method == "POST" else None, themes=[t for t, _ in tree])
    if request.method == "POST":
        chosen = request.POST.get("contribution", "")
        is_id = chosen.isascii() and chosen.isdigit() and len(chosen) <= 18
        contribution = visible.filter(pk=int(chosen)).first() if is_id else None
        if contribution is None:
            raise Http404("No such contribution")
        if form.is_valid():
            taught = run_action(form, teaching.answer, contribution, codebook, form.chosen(), by=request.user)
            if not form.errors:
                said = "agreed with you" if taught.agreed else "did not agree with you"
                messages.success(request, f"Saved. Before your answer, the model {said}.")
                return redirect("coding:teach", slug=slug)
    else:
        skipped = _skipped(request)
        contribution = next_to_teach(codebook, visible, skip=skipped)
        if contribution is None:
            return render(
                request,
                "coding/teach.html",
                {"programme": programme, "progress": teaching_progress(codebook), "finished": True},
            )
    current = {coding.theme_id: coding for coding in current_codings(contribution, codebook)}
    chosen_now = set(form.data.getlist("themes")) if form.is_bound else None
    # The model's themes first, so that keys 1-9 reach them; the rest in codebook order.
    ordered = sorted(tree, key=lambda item: item[0].pk not in current)
    themes = [
        {
            "theme": theme,
            "depth": 0 if theme.pk in current else depth,
            "checked": str(theme.pk) in chosen_now if chosen_now is not None else False,
            "key": number if number <= 9 else None,
        }
        for number, (theme, depth) in enumerate(ordered, start=1)
    ]
    skip_ids = [*_skipped(request), contribution.pk]
    return render_form(
        request,
        "coding/teach.html",
        {
            "programme": programme,
            "codebook": codebook,
            "contribution": contribution,
            "form": form,
            "first": themes[:9],
            "others": themes[9:],
            "progress": teaching_progress(codebook),
            "learning": teaching.learning(codebook),
            "skip_url": f"?skip={','.join(str(pk) for pk in skip_ids[-50:])}",
        },
    )


# ---------------------------------------------------------------------------------------------- themes


def _theme_forms(theme: Theme, data=None, action: str = "") -> dict:
    """The three forms of the theme page; only the one that was posted is bound."""
    others = theme.codebook.themes.exclude(pk=theme.pk).order_by("name")
    not_below = others.exclude(pk__in=theme_descendant_ids(theme))
    return {
        "edit_form": ThemeForm(
            data if action == "edit" else None,
            prefix="edit",
            initial={
                "name": theme.name,
                "description": theme.description,
                "examples": "\n".join(theme.examples),
            },
        ),
        "move_form": MoveThemeForm(
            data if action == "move" else None,
            prefix="move",
            themes=not_below,
            initial={"parent": theme.parent_id},
        ),
        "merge_form": MergeThemeForm(data if action == "merge" else None, prefix="merge", themes=others),
    }


def _save_theme_form(theme: Theme, action: str, form, user) -> tuple[str, Theme] | None:
    """Call the action the posted theme form asks for: (message, theme to show next), or None when the
    action refused (its message is then on the form)."""
    data = form.cleaned_data
    if action == "edit":
        if data["name"] != theme.name:
            run_action(form, change_theme_name, theme, data["name"], by=user)
        if not form.errors:
            run_action(
                form, change_theme_description, theme, data["description"], form.example_lines(), by=user
            )
        return None if form.errors else (f"Saved “{theme.name}”.", theme)
    if action == "move":
        parent = data["parent"]
        run_action(form, move_theme, theme, parent, by=user)
        where = f"under “{parent.name}”" if parent else "to the top level"
        return None if form.errors else (f"Moved “{theme.name}” {where}.", theme)
    into = data["into"]
    counts = run_action(form, merge_themes, theme, into, by=user)
    if form.errors:
        return None
    return f"Merged “{theme.name}” into “{into.name}” ({counts['codings']} codings moved).", into


@login_required
def theme_edit(request, slug: str, pk: int):
    """Rename and describe a theme, move it under another, or merge it into another: one form each."""
    programme = _programme_for_coding(request.user, slug)
    theme = get_object_or_404(Theme.objects.select_related("codebook"), pk=pk, codebook__programme=programme)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _theme_forms(theme, request.POST, action)
    if action and action not in ("edit", "move", "merge"):
        return HttpResponse("Unknown action", status=400)
    posted = forms.get(f"{action}_form")
    if posted is not None and posted.is_valid():
        saved = _save_theme_form(theme, action, posted, request.user)
        if saved is not None:
            message, shown = saved
            messages.success(request, message)
            return redirect("coding:theme", slug=slug, pk=shown.pk)
    counts = theme_deletion_counts(theme)
    context = {"programme": programme, "theme": theme, "counts": counts, "posted": posted, **forms}
    return render_form(request, "coding/theme.html", context, form_key=f"{action or 'edit'}_form")


@login_required
def theme_delete(request, slug: str, pk: int):
    """Delete a theme, after a confirmation page that says what goes with it."""
    programme = _programme_for_coding(request.user, slug)
    theme = get_object_or_404(Theme.objects.select_related("codebook"), pk=pk, codebook__programme=programme)
    if request.method == "POST":
        name = theme.name
        delete_theme(theme, by=request.user)
        messages.success(request, f"Deleted the theme “{name}”.")
        return redirect("coding:programme", slug=slug)
    return render(
        request,
        "coding/theme_delete.html",
        {"programme": programme, "theme": theme, "counts": theme_deletion_counts(theme)},
    )


# ---------------------------------------------------------------------------------------------- emerging


@login_required
def emerging(request, slug: str):
    programme = _programme_for_coding(request.user, slug)
    codebook = current_codebook(programme)
    clusters = list(programme.emerging_clusters.filter(promoted_to__isnull=True).order_by("number"))
    promoted = programme.emerging_clusters.filter(promoted_to__isnull=False).select_related("promoted_to")
    visible = visible_contributions(request.user)
    quotes = dict(
        visible.filter(pk__in=[pk for c in clusters for pk in c.representative_ids]).values_list("pk", "text")
    )
    named_externally = external_names(clusters)  # the optional external model's names (chorus.llm)
    for cluster in clusters:
        cluster.named_externally = named_externally.get(cluster.pk)
        cluster.quotes = [quotes[pk] for pk in cluster.representative_ids if pk in quotes]
        peak = max((count for _, count in cluster.periods), default=0) or 1
        cluster.bars = [
            {"period": period, "count": count, "height": max(1, round(40 * count / peak))}
            for period, count in cluster.periods[-12:]
        ]
    run = programme.model_runs.filter(kind=RunKind.EMERGING).first()
    set_aside = (run.metrics.get("set_aside", []) if run else []) or []
    like_themes = sorted({group["theme"] for group in set_aside if group["reason"] == "like a theme"})
    return render(
        request,
        "coding/emerging.html",
        {
            "programme": programme,
            "codebook": codebook,
            "clusters": clusters,
            "promoted": promoted,
            "run": run,
            "set_aside": set_aside,
            "like_themes": like_themes,
        },
    )


@login_required
@require_POST
def start_emerging(request, slug: str):
    programme = _programme_for_coding(request.user, slug)
    try:
        run = emerging_issues.start_emerging(programme, by=request.user)
    except ActionError as error:
        messages.info(request, str(error))
        return redirect("coding:emerging", slug=slug)
    return redirect(run)


@login_required
def promote(request, slug: str, pk: int):
    programme = _programme_for_coding(request.user, slug)
    cluster = get_object_or_404(EmergingCluster, programme=programme, pk=pk, promoted_to__isnull=True)
    codebook = current_codebook(programme)
    themes = codebook.themes.filter(parent__isnull=True) if codebook else Theme.objects.none()
    form = PromoteForm(request.POST or None, themes=themes, initial={"name": cluster.name})
    if request.method == "POST" and form.is_valid():
        theme = run_action(
            form,
            emerging_issues.promote_cluster,
            cluster,
            by=request.user,
            name=form.cleaned_data["name"],
            parent=form.cleaned_data["parent"],
        )
        if not form.errors:
            messages.success(request, f"“{theme.name}” is now a theme. Code the programme again to apply it.")
            return redirect("coding:emerging", slug=slug)
    return render_form(
        request, "coding/promote.html", {"programme": programme, "cluster": cluster, "form": form}
    )


# ---------------------------------------------------------------------------------------------- search


@login_required
def search(request):
    programmes = Programme.objects.filter(
        pk__in=visible_contributions(request.user).values("programme_id")
    ).order_by("name")
    # A link may choose the programme before anything is asked: the form starts there, without errors.
    form = SearchForm(
        request.GET if "q" in request.GET else None,
        initial={"programme": request.GET.get("programme")},
        programmes=programmes,
        languages=language_choices(visible_contributions(request.user)),
    )
    hits = None
    if form.is_bound and form.is_valid():
        contributions = visible_contributions(request.user)
        if form.cleaned_data["programme"]:
            contributions = contributions.filter(programme=form.cleaned_data["programme"])
        if form.cleaned_data["language"]:
            wanted = form.cleaned_data["language"]
            contributions = contributions.filter(language="" if wanted == NOT_KNOWN_LANGUAGE else wanted)
        reads_raw_records = request.user.has_perm("engagement.list_contributions")
        hits = semantic_search(form.cleaned_data["q"], contributions, quotes_only=not reads_raw_records)
    return render_form(request, "coding/search.html", {"form": form, "hits": hits})


# ---------------------------------------------------------------------------------------------- agreement


@login_required
def agreement(request, slug: str):
    programme = _programme_for_coding(request.user, slug)
    form = SampleForm(request.POST or None, people=coders(programme))
    if request.method == "POST" and form.is_valid():
        sample = run_action(
            form,
            create_agreement_sample,
            programme,
            coders=list(form.cleaned_data["coders"]),
            size=form.cleaned_data["size"],
            name=form.cleaned_data["name"],
            by=request.user,
        )
        if not form.errors:
            messages.success(request, f"Sample “{sample.name}” created.")
            return redirect("coding:sample", slug=slug, pk=sample.pk)
    samples = programme.agreement_samples.annotate(size=Count("contributions", distinct=True))
    return render_form(
        request, "coding/agreement.html", {"programme": programme, "form": form, "samples": samples}
    )


@login_required
def sample_detail(request, slug: str, pk: int):
    programme = _programme_for_coding(request.user, slug)
    sample = get_object_or_404(programme.agreement_samples, pk=pk)
    report = agreement_report(sample)
    names = dict(sample.codebook.themes.values_list("slug", "name"))
    pairs = []
    if report:
        for (first, second), results in report.pairwise.items():
            mean = report.mean_kappa((first, second))
            pairs.append(
                {
                    "first": first,
                    "second": second,
                    "mean": mean,
                    "mean_label": interpret(mean),
                    "themes": [
                        {"name": names.get(result.theme_id, result.theme_id), "result": result}
                        for result in results
                        if result.items
                    ],
                }
            )
    codings = sample_codings(sample)
    size = sample.contributions.count()
    progress = [(coder, len(coded)) for coder, coded in codings.items()]
    is_coder = sample.coders.filter(pk=request.user.pk).exists()
    return render(
        request,
        "coding/sample.html",
        {
            "programme": programme,
            "sample": sample,
            "report": report,
            "pairs": pairs,
            "progress": progress,
            "size": size,
            "is_coder": is_coder,
        },
    )


@login_required
def sample_code(request, slug: str, pk: int):
    """The next contribution of the sample this coder has not coded, without showing anyone's codes."""
    programme = _programme_for_coding(request.user, slug)
    sample = get_object_or_404(programme.agreement_samples, pk=pk)
    if not sample.coders.filter(pk=request.user.pk).exists():
        raise PermissionDenied("You are not one of the coders of this sample.")
    done = sample.answers.filter(coder=request.user).values("contribution_id")
    contribution = sample.contributions.exclude(pk__in=done).order_by("pk").first()
    if contribution is None:
        messages.success(request, "You have coded every contribution in the sample.")
        return redirect("coding:sample", slug=slug, pk=pk)
    themes = [theme for theme, _ in _theme_tree(sample.codebook)]
    form = ReviewForm(request.POST if request.method == "POST" else None, themes=themes)
    if request.method == "POST" and form.is_valid():
        chosen = request.POST.get("contribution", "")
        is_id = chosen.isascii() and chosen.isdigit() and len(chosen) <= 18
        target = sample.contributions.filter(pk=int(chosen)).first() if is_id else None
        if target is None:
            raise Http404("Not in the sample")
        answer_sample(sample, target, form.chosen(), by=request.user)
        return redirect("coding:sample_code", slug=slug, pk=pk)
    remaining = sample.contributions.exclude(pk__in=done).count()
    return render(
        request,
        "coding/sample_code.html",
        {
            "programme": programme,
            "sample": sample,
            "contribution": contribution,
            "form": form,
            "themes": [
                {"theme": theme, "depth": depth, "checked": False, "key": n if n <= 9 else None}
                for n, (theme, depth) in enumerate(_theme_tree(sample.codebook), start=1)
            ],
            "remaining": remaining,
        },
    )
