from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "counterpart.reports"
    label = "reports"
    verbose_name = "报告 Reports"
