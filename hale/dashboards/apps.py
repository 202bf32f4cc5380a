from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "hale.dashboards"
    verbose_name = "Dashboards"
