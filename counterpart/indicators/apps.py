from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "counterpart.indicators"
    label = "indicators"
    verbose_name = "指标 Indicators"

    def ready(self) -> None:
        from .policy import policy_register
        from .scope import scope_rules_register

        policy_register()
        scope_rules_register()
