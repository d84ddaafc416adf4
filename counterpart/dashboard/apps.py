from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "counterpart.dashboard"
    label = "dashboard"
    verbose_name = "仪表盘和公开信息 dashboard and public portal"
