from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chorus.apps.accounts"
    label = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from . import two_factor  # noqa: F401  (registers the CHORUS_2FA_ROLES check)
