"""Writes about signing in: two-step verification and unlocking. Each is audited, never with a secret."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

from axes.utils import reset as reset_axes_attempts
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from .models import Membership, Role, User
from .two_factor import requires_two_factor

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are read off paper.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
DEVICE_NAME = "Authenticator app"


@dataclass(frozen=True)
class Verified:
    device: TOTPDevice  # the session is verified with this
    used_recovery_code: bool
    recovery_codes_left: int


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator app being set up (unconfirmed until a code from it is given); made if none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [format_recovery_code(code) for code in codes]


def turn_on_two_factor(user, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator app with a code from it; return the new recovery codes (to show once)."""
    if device.user_id != user.pk or device.confirmed:
        raise ActionError("Start setting up your authenticator app again.")
    code = normalise_code(code)
    if not (code.isdigit() and len(code) == device.digits):
        raise ActionError(f"Enter the {device.digits}-digit code your authenticator app shows.", "code")
    with transaction.atomic():
        if not device.verify_token(code):
            raise ActionError(
                "That code does not match. Check the time on your phone is right, and enter the newest code.",
                "code",
            )
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit("accounts.two_factor_on", actor=user, obj=user)
    return codes


def replace_recovery_codes(user) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit("accounts.recovery_codes_replaced", actor=user, obj=user)
    return codes


def turn_off_two_factor(user) -> None:
    if requires_two_factor(user):
        raise ActionError("Your role needs two-step verification, so it cannot be turned off.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit("accounts.two_factor_off", actor=user, obj=user)


def verify_second_step(user, code: str) -> Verified:
    """Check a code from the authenticator app, or a recovery code (each works once). Wrong codes slow down:
    django-otp waits longer after each failure, counted in the database."""
    code = normalise_code(code)
    if not code:
        raise ActionError("Enter the code from your authenticator app, or a recovery code.", "code")
    authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if authenticator is None:
        raise ActionError("You have no authenticator app set up.")
    if code.isdigit():
        device = authenticator
        allowed, why = device.verify_is_allowed()
        if not allowed:
            raise ActionError(_too_many(why), "code")
        if not device.verify_token(code):
            raise ActionError(
                "That code is not right. Enter the newest code your authenticator app shows.", "code"
            )
        return Verified(authenticator, False, _recovery_codes_left(user))

    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise ActionError("That recovery code is not right, or it has been used.", "code")
    allowed, why = device.verify_is_allowed()
    if not allowed:
        raise ActionError(_too_many(why), "code")
    # Deleting the row is the use: of two requests with the same code, only one deletes it.
    with transaction.atomic():
        used, _ = StaticToken.objects.filter(device=device, token=code).delete()
    if not used:
        device.throttle_increment(commit=True)
        raise ActionError("That recovery code is not right, or it has been used.", "code")
    device.throttle_reset(commit=True)
    left = _recovery_codes_left(user)
    audit("accounts.recovery_code_used", actor=user, obj=user, left=left)
    # The session is marked with the authenticator, which outlives any one set of recovery codes.
    return Verified(authenticator, True, left)


def _recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def _too_many(why: dict | None) -> str:
    until = (why or {}).get("locked_until")
    if until is None:
        return "Too many wrong codes. Wait a few minutes, then try again."
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    if seconds < 120:
        wait = f"{seconds} seconds"
    elif seconds < 7200:
        wait = f"{math.ceil(seconds / 60)} minutes"
    else:
        wait = f"{math.ceil(seconds / 3600)} hours"
    return f"Too many wrong codes. Wait {wait}, then try again."


def unlock_sign_in(users, *, by) -> int:
    """Lift the sign-in lock on these accounts (failed attempts against their usernames); count removed."""
    removed = 0
    for user in users:
        count = reset_axes_attempts(username=user.get_username())
        removed += count
        audit("accounts.sign_in_unlocked", actor=by, obj=user, attempts=count)
    return removed


def reset_two_factor(users, *, by) -> int:
    """For a lost phone: remove the authenticator app and recovery codes, so the person sets them up again."""
    count = 0
    with transaction.atomic():
        for user in users:
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            audit("accounts.two_factor_reset", actor=by, obj=user)
            count += 1
    return count


# People and their roles ---------------------------------------------------------------------------------


def _check_new_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise ActionError("Enter a username.", "username")
    if User.objects.filter(username__iexact=username).exists():
        raise ActionError(f"There is already someone with the username {username}.", "username")
    return username


@transaction.atomic
def create_user(username: str, *, display_name: str, email: str, password: str, by) -> User:
    """A person who can sign in, with no role yet (create_membership gives one)."""
    user = User.objects.create_user(
        username=_check_new_username(username), email=email, password=password, display_name=display_name
    )
    audit("accounts.user_created", actor=by, obj=user)
    return user


@transaction.atomic
def create_administrator(
    username: str, *, display_name: str, email: str, password: str, by: User | None
) -> User:
    """An administrator (a superuser: everything, and the admin site), made by another administrator.
    Only the site's first, made when there is none (as `createsuperuser` does), has `by=None`; its audit
    event names the new administrator as its actor, as nobody else was there."""
    if by is None and User.objects.filter(is_superuser=True).exists():
        raise ActionError("Only an administrator can make another administrator.")
    if by is not None and not by.is_superuser:
        raise ActionError("Only an administrator can make another administrator.")
    user = User.objects.create_superuser(
        username=_check_new_username(username), email=email, password=password, display_name=display_name
    )
    audit("accounts.user_created", actor=by or user, obj=user, administrator=True)
    return user


@transaction.atomic
def create_membership(user: User, *, role: str, programme=None, organisation=None, by) -> Membership:
    """Give a person a role in a programme (for a partner or connector, on behalf of an organisation)."""
    if role not in Role.values:
        raise ActionError(f"Choose a role: {', '.join(Role.values)}.", "role")
    if role == Role.PARTNER and organisation is None:
        raise ActionError("A partner member belongs to a partner organisation: choose one.", "organisation")
    if Membership.objects.filter(
        user=user, role=role, programme=programme, organisation=organisation
    ).exists():
        raise ActionError(f"{user} already has this role.", "role")
    membership = Membership.objects.create(
        user=user, role=role, programme=programme, organisation=organisation
    )
    audit(
        "accounts.membership_created",
        actor=by,
        obj=membership,
        programme=programme,
        user_id=user.pk,
        role=role,
        organisation_id=organisation.pk if organisation is not None else None,
    )
    return membership


# Single sign-on ------------------------------------------------------------------------------------------


def _username_for(claims: dict) -> str:
    wanted = str(claims.get("preferred_username") or claims.get("email") or "").split("@")[0]
    base = "".join(ch for ch in wanted.lower() if ch.isalnum() or ch in "._-")[:100] or "person"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}{n}"
    return username


def _display_name(claims: dict) -> str:
    name = claims.get("name") or " ".join(
        str(part) for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    return str(name)[:150]


@transaction.atomic
def sign_in_with_identity_provider(claims: dict, *, roles_claim: str) -> User:
    """The Chorus account of a person the organisation's identity provider has signed in (verified claims,
    `iss` and `sub` from the ID token): found by issuer and subject, made on first sign-in; name and email
    kept up to date; memberships set from the roles claim when the provider sends one (see sso.py)."""
    from .models import ExternalIdentity
    from .sso import parse_role_claims

    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    if not issuer or not subject:
        raise ActionError("The identity provider did not say who this is (no issuer or subject).")
    identity = ExternalIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    email = str(claims.get("email") or "")[:254]
    display_name = _display_name(claims)
    if identity is None:
        user = User.objects.create_user(
            username=_username_for(claims), email=email, display_name=display_name
        )
        user.set_unusable_password()  # signs in through the provider only; an administrator may add one
        user.save(update_fields=["password"])
        identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        audit("accounts.user_created", actor=None, obj=user, single_sign_on=True)
    user = identity.user
    if not user.is_active:
        raise ActionError("This account is switched off in Chorus.")
    changed = [
        field
        for field, value in (("email", email), ("display_name", display_name))
        if value and getattr(user, field) != value
    ]
    for field in changed:
        setattr(user, field, email if field == "email" else display_name)
    if changed:
        user.save(update_fields=changed)
    identity.last_sign_in = timezone.now()
    identity.save(update_fields=["last_sign_in"])
    if roles_claim in claims:
        wanted, refused = parse_role_claims(claims[roles_claim])
        _set_memberships_from_provider(user, wanted, refused_count=len(refused))
    audit("accounts.signed_in_with_identity_provider", actor=user, obj=user)
    return user


def _set_memberships_from_provider(user: User, wanted, *, refused_count: int) -> None:
    # Through Membership's own relations: programmes imports accounts, so accounts does not import it back.
    Programme = Membership._meta.get_field("programme").related_model
    Organisation = Membership._meta.get_field("organisation").related_model
    slugs = {claim.programme_slug for claim in wanted if claim.programme_slug}
    programmes = {p.slug: p for p in Programme.objects.filter(slug__in=slugs)}
    org_slugs = {claim.organisation_slug for claim in wanted if claim.organisation_slug}
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=org_slugs)}
    desired: set[tuple[str, int | None, int | None]] = set()
    unknown = refused_count
    for claim in wanted:
        programme = programmes.get(claim.programme_slug) if claim.programme_slug else None
        organisation = organisations.get(claim.organisation_slug) if claim.organisation_slug else None
        missing = (claim.programme_slug and programme is None) or (
            claim.organisation_slug and organisation is None
        )
        if missing or (claim.role == Role.PARTNER and organisation is None):
            unknown += 1
            continue
        desired.add(
            (claim.role, programme.pk if programme else None, organisation.pk if organisation else None)
        )
    held = {(m.role, m.programme_id, m.organisation_id): m for m in user.memberships.all()}
    for key, membership in held.items():
        if key not in desired and key[0] != Role.ADMINISTRATOR:
            membership.delete()
            audit(
                "accounts.membership_deleted",
                actor=None,
                obj=user,
                programme_id=key[1],
                role=key[0],
                source="identity provider",
            )
    for role, programme_id, organisation_id in desired - held.keys():
        membership = Membership.objects.create(
            user=user, role=role, programme_id=programme_id, organisation_id=organisation_id
        )
        audit(
            "accounts.membership_created",
            actor=None,
            obj=membership,
            programme=membership.programme,
            user_id=user.pk,
            role=role,
            organisation_id=organisation_id,
            source="identity provider",
        )
    if unknown:
        audit("accounts.provider_roles_ignored", actor=None, obj=user, count=unknown)


# Invitations -------------------------------------------------------------------------------------------

# Roles a programme lead can give; administrators are made by administrators, in the admin site.
INVITABLE_ROLES = (Role.ANALYST, Role.PARTNER, Role.CONNECTOR, Role.DECISION_MAKER)


def _check_manager(programme, by) -> None:
    if not by.has_perm("accounts.manage_people", programme):
        raise ActionError("Only the programme's leads and administrators can invite people or change roles.")


def _check_role(programme, role: str, organisation) -> None:
    if role not in INVITABLE_ROLES:
        raise ActionError("Choose one of the roles offered.", "role")
    if role == Role.PARTNER:
        if organisation is None:
            raise ActionError(
                "A partner member belongs to a partner organisation: choose one.", "organisation"
            )
        if not programme.partnerships.filter(organisation=organisation).exists():
            raise ActionError(f"{organisation} is not a partner in {programme}.", "organisation")


def _send_invitation(user: User, programme, role: str, *, base_url: str, new_account: bool) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    if new_account:
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    else:
        path = reverse("login")
    context = {
        "user": user,
        "programme": programme,
        "role": Role(role).label,
        "link": base_url.rstrip("/") + path,
        "new_account": new_account,
    }
    send_mail(
        f"You are invited to {programme} on Chorus",
        render_to_string("accounts/invitation_email.txt", context),
        None,
        [user.email],
    )


def invite_person(
    programme, *, email: str, display_name: str, role: str, organisation=None, by, base_url: str
) -> Membership:
    """Give someone a role in the programme and email them: a link to choose a password when they are new
    to Chorus (Django's password-reset token, which works once and expires), a sign-in link otherwise."""
    _check_manager(programme, by)
    email = email.strip()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise ActionError("Enter an email address, like name@example.org.", "email")
    _check_role(programme, role, organisation)
    display_name = " ".join(display_name.split())
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        new_account = user is None
        if new_account:
            if not display_name:
                raise ActionError("Enter the person's name.", "display_name")
            user = User.objects.create_user(
                username=_username_for({"email": email}), email=email, display_name=display_name
            )  # no password: they choose one from the email
            audit("accounts.user_created", actor=by, obj=user, invited=True)
        if Membership.objects.filter(
            user=user, role=role, programme=programme, organisation=organisation
        ).exists():
            raise ActionError("This person already has that role in the programme.", "role")
        membership = create_membership(user, role=role, programme=programme, organisation=organisation, by=by)
        audit(
            "accounts.person_invited",
            actor=by,
            obj=membership,
            programme=programme,
            user_id=user.pk,
            role=role,
            new_account=new_account,
        )
        transaction.on_commit(
            lambda: _send_invitation(user, programme, role, base_url=base_url, new_account=new_account)
        )
    return membership


def change_role(membership: Membership, *, role: str, organisation=None, by) -> Membership:
    """Change a member's role in the programme (a partner's organisation comes with it)."""
    programme = membership.programme
    if programme is None:
        raise ActionError("Roles that cover every programme are changed by an administrator.")
    _check_manager(programme, by)
    if membership.role == Role.ADMINISTRATOR:
        raise ActionError("Only an administrator can change an administrator's role.")
    _check_role(programme, role, organisation)
    if role != Role.PARTNER:
        organisation = None if role != Role.CONNECTOR else membership.organisation
    if membership.user_id == by.pk and membership.role == Role.ANALYST and role != Role.ANALYST:
        raise ActionError("You cannot take away your own lead role: ask another lead or an administrator.")
    if (
        Membership.objects.filter(
            user=membership.user, role=role, programme=programme, organisation=organisation
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ActionError(f"{membership.user} already has that role in the programme.", "role")
    with transaction.atomic():
        before = membership.role
        membership.role, membership.organisation = role, organisation
        membership.save(update_fields=["role", "organisation"])
        audit(
            "accounts.role_changed",
            actor=by,
            obj=membership,
            programme=programme,
            user_id=membership.user_id,
            before=before,
            after=role,
        )
    return membership
