from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chorus.apps.core.forms import render_form, run_action
from chorus.apps.core.paging import page_of
from chorus.apps.programmes.rules import member_programmes

from . import actions
from .forms import ContributionFilterForm, RecordConversationForm, WithdrawConsentForm
from .models import Activity, Contribution
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
    page = page_of(contributions, settings.CHORUS_PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "engagement/contribution_list.html",
        {"form": form, "page": page, "total": page.paginator.count},
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


def _record(form: RecordConversationForm, user) -> actions.Recorded | None:
    """Store a valid conversation form through its action; None (and errors on the form) when refused."""
    data = form.cleaned_data
    words = form.to_input()
    if form.activity is not None:
        return run_action(
            form,
            actions.record_at_activity,
            by=user,
            activity=form.activity,
            data=words,
            submission_key=data["submission_key"],
        )
    return run_action(
        form,
        actions.record_conversation,
        by=user,
        programme=data["programme"],
        data=words,
        submission_key=data["submission_key"],
        when=data["date"],
    )


def _recordable_activity(user, pk: int) -> Activity:
    activity = get_object_or_404(Activity.objects.select_related("programme", "partner", "area"), pk=pk)
    if not user.has_perm("engagement.record_at_activity", activity):
        raise Http404("No such activity")  # another partner's activity is not there at all for this user
    return activity


def _conversation_form(request, activity_pk: int | None) -> RecordConversationForm:
    activity = _recordable_activity(request.user, activity_pk) if activity_pk is not None else None
    programmes = recordable_programmes(request.user)
    if activity is None and not programmes.exists():
        raise PermissionDenied(_("You are not a connector, partner or analyst in any programme."))
    return RecordConversationForm(request.POST or None, programmes=programmes, activity=activity)


@login_required
def record_conversation(request, activity: int | None = None):
    form = _conversation_form(request, activity)
    if request.method == "POST" and form.is_valid():
        result = _record(form, request.user)
        if result is not None:
            if result.created:
                messages.success(request, _("Conversation saved. Thank you."))
            else:
                messages.info(
                    request, _("This conversation was already saved, so it has not been saved twice.")
                )
            return redirect("recorded", pk=result.contribution.pk)
    return render_form(
        request,
        "engagement/record.html",
        {"form": form, "activity": form.activity, "send_url": _send_url(form.activity)},
    )


def _send_url(activity: Activity | None) -> str:
    return reverse("record-send-at", args=[activity.pk]) if activity else reverse("record-send")


def _refused(form: RecordConversationForm, status: int = 422) -> JsonResponse:
    """A machine-readable refusal: the first field and code for the phone to act on, every message for
    the person to read."""
    errors = form.errors.get_json_data()
    field, problems = next(iter(errors.items()))
    return JsonResponse(
        {
            "status": "refused",
            "field": "" if field == "__all__" else field,
            "code": problems[0]["code"] or "refused",
            "message": problems[0]["message"],
            "errors": errors,
        },
        status=status,
    )


@require_POST
def send_conversation(request, activity: int | None = None):
    """Receive one conversation saved on a phone (JSON, sent when the signal returns).

    Answers with `status`: "saved" (201), "duplicate" (200: this submission key was stored before), or
    "refused" with the field, a code and a message (422); "signed-out" (401) when the session has ended.
    """
    if not request.user.is_authenticated:
        return JsonResponse(
            {"status": "signed-out", "message": _("Sign in again to send what is saved on this phone.")},
            status=401,
        )
    try:
        payload = json.loads(request.body)
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or not all(isinstance(value, str) for value in payload.values()):
        return JsonResponse(
            {
                "status": "refused",
                "field": "",
                "code": "bad_request",
                "message": "Send a JSON object of texts.",
            },
            status=400,
        )
    try:
        activity_obj = _recordable_activity(request.user, activity) if activity is not None else None
    except Http404:
        return JsonResponse(
            {
                "status": "refused",
                "field": "activity",
                "code": "activity_not_found",
                "message": _("You can no longer record at this activity."),
            },
            status=422,
        )
    programmes = recordable_programmes(request.user)
    form = RecordConversationForm(payload, programmes=programmes, activity=activity_obj)
    if not form.is_valid():
        return _refused(form)
    result = _record(form, request.user)
    if result is None:
        return _refused(form)
    return JsonResponse(
        {
            "status": "saved" if result.created else "duplicate",
            "contribution": result.contribution.pk,
            "submission_key": form.cleaned_data["submission_key"],
        },
        status=201 if result.created else 200,
    )


@never_cache
def send_token(request):
    """A fresh CSRF token for a phone about to send what it saved while offline."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"status": "signed-out", "message": _("Sign in again to send what is saved on this phone.")},
            status=401,
        )
    return JsonResponse({"csrfToken": get_token(request)})


OFFLINE_FILES = (
    "nhsuk-chorus.min.css",
    "chorus/chorus.css",
    "chorus/init.mjs",
    "chorus/js-enabled.js",
    "chorus/draft.mjs",
    "nhsuk/nhsuk-frontend.min.js",
    "nhsuk/assets/images/favicon.svg",
    "engagement/offline.mjs",
    "engagement/offline.css",
    "engagement/register-worker.js",
)


def service_worker(request):
    """The service worker that keeps the connector's form working with no signal, at scope "/".

    At /record/ it keeps the form and the conversations saved offline; any other page that cannot be reached
    with no signal gets the offline page instead of the browser's own, and nothing else is cached. Served
    here (not at the root) so that phones whose worker was registered for /record/ keep updating it.
    A template, so that it names the static files by their deployed (hashed) addresses; no-cache, so that a
    new release reaches phones at their next visit.
    """
    files = [static(name) for name in OFFLINE_FILES]
    offline_url = reverse("offline")
    # The offline page's words are part of the version: a new wording, or another language, is kept anew.
    version = hashlib.sha256("\n".join([*files, offline_url, _offline_page()]).encode()).hexdigest()[:12]
    response = render(
        request,
        "engagement/service-worker.js",
        {
            "files_json": json.dumps(files),
            "version": version,
            "record_url": reverse("record"),
            "offline_url": offline_url,
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def offline_page(request):
    """The page a connector's phone shows for a page it cannot reach with no signal (kept by the worker).

    The same for everyone and rendered without the request, so it cannot carry the person's name, menu,
    messages or anything they recorded: it is kept on the phone.
    """
    return HttpResponse(_offline_page())


def _offline_page() -> str:
    return render_to_string("engagement/offline.html", {"SITE_NAME": settings.SITE_NAME})


def web_manifest(request):
    """The web app manifest that makes the record form installable on a phone's home screen."""
    manifest = {
        "name": _("%(site)s: record a conversation") % {"site": settings.SITE_NAME},
        "short_name": settings.SITE_NAME,
        "start_url": reverse("record"),
        "scope": reverse("record"),
        "display": "standalone",
        "background_color": "#f0f4f5",
        "theme_color": "#005eb8",
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "icons": [
            {"src": static(f"engagement/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }
    return JsonResponse(
        manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


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
