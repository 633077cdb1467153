from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chorus.apps.core.forms import render_form, run_action
from chorus.apps.programmes.rules import member_programmes

from . import actions
from .forms import ContributionFilterForm, RecordConversationForm, WithdrawConsentForm
from .models import Contribution
from .rules import recordable_programmes, visible_contributions


def _visible_or_404(user, pk: int) -> Contribution:
    contribution = (
        visible_contributions(user)
        .select_related("activity", "ward", "programme", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if contribution is None:
        raise Http404("No such contribution")
    return contribution


@login_required
def contribution_list(request):
    if not request.user.has_perm("engagement.list_contributions"):
        raise PermissionDenied("Decision-makers read figures and consented quotes, not contribution lists.")
    form = ContributionFilterForm(request.GET or None, programmes=member_programmes(request.user))
    contributions = visible_contributions(request.user).select_related("activity", "ward", "programme")
    contributions = form.apply(contributions) if form.is_bound else contributions
    page = Paginator(contributions, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "engagement/contribution_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "total": page.paginator.count},
    )


@login_required
def contribution_detail(request, pk: int):
    contribution = _visible_or_404(request.user, pk)
    can_withdraw = request.user.has_perm("engagement.withdraw_consent", contribution)
    return render(
        request,
        "engagement/contribution_detail.html",
        {
            "contribution": contribution,
            "withdraw_form": WithdrawConsentForm() if can_withdraw else None,
            "can_code_links": request.user.has_perm("maps.change_maps", contribution.programme),
            "can_request_translation": request.user.has_perm("engagement.request_translation", contribution),
        },
    )


@login_required
@require_POST
def withdraw_consent(request, pk: int):
    contribution = _visible_or_404(request.user, pk)
    if not request.user.has_perm("engagement.withdraw_consent", contribution):
        raise PermissionDenied
    form = WithdrawConsentForm(request.POST)
    if form.is_valid():
        scope = form.cleaned_data["scope"]
        run_action(form, actions.withdraw_consent, contribution, scope, by=request.user)
        if not form.errors:
            if scope == "analysis":
                messages.success(request, "What the resident said has been removed from Chorus.")
                return redirect("contributions")
            messages.success(request, "The resident's consent has been updated.")
            return redirect("contribution", pk=pk)
    return render_form(
        request,
        "engagement/contribution_detail.html",
        {"contribution": contribution, "withdraw_form": form},
        form_key="withdraw_form",
    )


@login_required
def record_conversation(request):
    programmes = recordable_programmes(request.user)
    if not programmes.exists():
        raise PermissionDenied("You are not a connector, partner or analyst in any programme.")
    form = RecordConversationForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = run_action(
            form,
            actions.record_conversation,
            by=request.user,
            programme=data["programme"],
            data=form.to_input(),
            submission_key=data["submission_key"],
            when=data["date"],
        )
        if result is not None:
            if result.created:
                messages.success(request, "Conversation saved. Thank you.")
            else:
                messages.info(request, "This conversation was already saved, so it has not been saved twice.")
            return redirect("recorded", pk=result.contribution.pk)
    return render_form(request, "engagement/record.html", {"form": form})


@login_required
def recorded(request, pk: int):
    contribution = _visible_or_404(request.user, pk)
    return render(request, "engagement/recorded.html", {"contribution": contribution})


@login_required
def correct(request, pk: int):
    """A connector corrects their own record within the correction window."""
    from django import forms as django_forms

    from chorus.apps.core.forms import NhsukForm

    from .corrections import CORRECTION_WINDOW, correct_contribution, correctable

    class CorrectionForm(NhsukForm):
        text = django_forms.CharField(
            label="What the resident said",
            widget=django_forms.Textarea(attrs={"rows": 8}),
            error_messages={"required": "Enter what the resident said"},
        )

    contribution = _visible_or_404(request.user, pk)
    if contribution.recorded_by_id != request.user.pk:
        raise Http404
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        corrected = form.is_valid() and run_action(
            form, correct_contribution, contribution, form.cleaned_data["text"], by=request.user
        )
        if corrected:
            messages.success(request, "Your correction is saved.")
            return redirect("home")
    else:
        form = CorrectionForm(initial={"text": contribution.text})
    return render_form(
        request,
        "engagement/correct.html",
        {
            "contribution": contribution,
            "form": form,
            "open": correctable(contribution),
            "window_days": CORRECTION_WINDOW.days,
        },
    )
