from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "counterpart.reports"
    label = "reports"
    verbose_name = "报告 Reports"

    def ready(self) -> None:
        # Code below reports (the assessment opening with a pairing's figures) computes a report
        # through counterpart.indicators.figures, which cannot import this app.
        from counterpart.indicators.figures import report_compute_register

        from .annual import report_annual
        from .policy import policy_register

        report_compute_register(report_annual)
        policy_register()
