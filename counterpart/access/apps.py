from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "counterpart.access"
    label = "access"
    verbose_name = "角色与范围 Roles and scope"

    def ready(self) -> None:
        from .rules import rules_register
        from .setup_policy import policy_register

        rules_register()
        policy_register()
