"""Two-step verification pages (set it up or manage it, give a code after the password) and the two ends
of single sign-on."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from chorus.apps.core.errors import ActionError
from chorus.apps.core.forms import render_form, run_action

from . import sso
from .actions import (
    pending_authenticator,
    replace_recovery_codes,
    turn_off_two_factor,
    turn_on_two_factor,
    verify_second_step,
)
from .forms import CodeForm, SignInForm
from .two_factor import VERIFY, decide_second_step, has_two_factor, requires_two_factor


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _show_recovery_codes(request, codes: list[str]):
    return _no_store(
        render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request) or "/"})
    )


@login_required
def two_factor(request):
    """Set up an authenticator app; or, once set up, replace the recovery codes or turn it off."""
    user = request.user
    required = requires_two_factor(user)
    if has_two_factor(user):
        if request.method == "POST":
            if request.POST.get("action") == "recovery-codes":
                return _show_recovery_codes(request, replace_recovery_codes(user))
            if request.POST.get("action") == "turn-off":
                try:
                    turn_off_two_factor(user)
                except ActionError as error:
                    messages.error(request, error.message)
                else:
                    decide_second_step(request)
                    messages.success(request, "Two-step verification is off.")
                return redirect("two_factor")
        return render(request, "accounts/two_factor.html", {"enabled": True, "required": required})

    device = pending_authenticator(user)
    form = CodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        help_text=f"The {device.digits}-digit code it shows now.",
    )
    if request.method == "POST" and form.is_valid():
        codes = run_action(form, turn_on_two_factor, user, device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            decide_second_step(request)
            request.session.cycle_key()
            return _show_recovery_codes(request, codes)
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "enabled": False,
        "required": required,
        "form": form,
        "next": _next_url(request),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "otpauth_url": device.config_url,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
    }
    return _no_store(render_form(request, "accounts/two_factor.html", context))


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    if getattr(request, "two_factor_pending", None) != VERIFY or not has_two_factor(request.user):
        decide_second_step(request)  # e.g. an administrator reset it meanwhile
        return redirect(_next_url(request) or "home")
    form = CodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        help_text="The 6-digit code it shows now. Lost your phone? Enter one of your recovery codes instead.",
    )
    if request.method == "POST" and form.is_valid():
        verified = run_action(form, verify_second_step, request.user, form.cleaned_data["code"])
        if verified is not None:
            otp_login(request, verified.device)
            request.session.cycle_key()
            if verified.used_recovery_code:
                messages.warning(
                    request,
                    f"You signed in with a recovery code: {verified.recovery_codes_left} left. "
                    "Make new ones under Two-step verification if you are running out.",
                )
            return redirect(_next_url(request) or "home")
    return render_form(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


class SignInView(auth_views.LoginView):
    """Django's sign-in with a password, plus the organisation's single sign-on when the site has one."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            single_sign_on=sso.configured(),
            provider_name=sso.provider_name(),
            single_sign_on_failed=self.request.GET.get("single-sign-on") == "failed",
            **kwargs,
        )


def single_sign_on_start(request):
    """Off unless the site has an identity provider: then mozilla-django-oidc sends the person to it."""
    if not sso.configured():
        raise Http404("Single sign-on is not set up on this site.")
    return OIDCAuthenticationRequestView.as_view()(request)


def single_sign_on_callback(request):
    if not sso.configured():
        raise Http404("Single sign-on is not set up on this site.")
    return OIDCAuthenticationCallbackView.as_view()(request)


# People in a programme: invite and change roles ---------------------------------------------------------


def _people_programme(request, slug: str):
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from .models import Membership

    # Through Membership's relation: programmes imports accounts, so accounts does not import it back.
    Programme = Membership._meta.get_field("programme").related_model
    programme = get_object_or_404(Programme, slug=slug)
    if not request.user.has_perm("accounts.manage_people", programme):
        raise Http404
    return programme


def _role_choices():
    from .actions import INVITABLE_ROLES
    from .models import Role

    return [(role.value, role.label) for role in INVITABLE_ROLES if isinstance(role, Role)]


def _organisation(programme, value: str):
    if not value:
        return None
    return programme.partners.filter(pk=value).first()


@login_required
def people(request, slug: str):
    """The programme's members, with a form to invite someone and one to change each member's role."""
    from .actions import invite_person
    from .forms import InviteForm, RoleForm

    programme = _people_programme(request, slug)
    organisations = list(programme.partners.order_by("name"))
    form = InviteForm(
        request.POST if request.method == "POST" else None,
        roles=_role_choices(),
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        invited = run_action(
            form,
            invite_person,
            programme,
            email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"],
            role=form.cleaned_data["role"],
            organisation=_organisation(programme, form.cleaned_data["organisation"]),
            by=request.user,
            base_url=request.build_absolute_uri("/"),
        )
        if invited is not None:
            messages.success(request, f"{invited.user} is invited: we have emailed them.")
            return redirect("people", slug)
    memberships = programme.memberships.select_related("user", "organisation").order_by(
        "user__display_name", "user__username"
    )
    rows = [
        {
            "membership": m,
            "form": RoleForm(
                initial={"role": m.role, "organisation": m.organisation_id or ""},
                roles=_role_choices(),
                organisations=organisations,
                prefix=f"m{m.pk}",
            ),
        }
        for m in memberships
    ]
    return render_form(request, "accounts/people.html", {"programme": programme, "form": form, "rows": rows})


@login_required
def change_member_role(request, slug: str, pk: int):
    from django.shortcuts import get_object_or_404

    from .actions import change_role
    from .forms import RoleForm
    from .models import Membership

    programme = _people_programme(request, slug)
    if request.method != "POST":
        return redirect("people", slug)
    membership = get_object_or_404(Membership, pk=pk, programme=programme)
    form = RoleForm(
        request.POST, roles=_role_choices(), organisations=list(programme.partners.all()), prefix=f"m{pk}"
    )
    if not form.is_valid():
        messages.error(request, "Choose a role.")
        return redirect("people", slug)
    try:
        change_role(
            membership,
            role=form.cleaned_data["role"],
            organisation=_organisation(programme, form.cleaned_data["organisation"]),
            by=request.user,
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{membership.user} is now: {membership.get_role_display()}.")
    return redirect("people", slug)
