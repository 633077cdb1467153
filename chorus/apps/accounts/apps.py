from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chorus.apps.accounts"
    label = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from . import sso, two_factor  # noqa: F401  (register the single sign-on and CHORUS_2FA_ROLES checks)
