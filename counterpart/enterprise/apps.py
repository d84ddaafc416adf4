from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "counterpart.enterprise"
    label = "enterprise"
    verbose_name = "企业合作与消费帮扶 Enterprise"

    def ready(self) -> None:
        from .policy import policy_register
        from .scope import scope_rules_register

        policy_register()
        scope_rules_register()
