from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hale.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from hale.accounts.sessions import connect_signals

        connect_signals()
