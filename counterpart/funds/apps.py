from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "counterpart.funds"
    label = "funds"
    verbose_name = "资金台账 Funds ledger"

    def ready(self) -> None:
        from .policy import policy_register
        from .scope import scope_rules_register

        policy_register()
        scope_rules_register()
