from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "counterpart.people"
    label = "people"
    verbose_name = "人员 People"

    def ready(self) -> None:
        from .policy import policy_register
        from .scope import scope_rules_register

        policy_register()
        scope_rules_register()
