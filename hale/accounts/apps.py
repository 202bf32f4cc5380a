from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hale.accounts"
    verbose_name = "Accounts"
