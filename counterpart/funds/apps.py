from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "counterpart.funds"
    label = "funds"
    verbose_name = "资金台账 Funds ledger"
