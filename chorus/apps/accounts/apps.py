from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chorus.apps.accounts"
    label = "accounts"
    verbose_name = "People and roles"
