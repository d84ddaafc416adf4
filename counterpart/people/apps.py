from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "counterpart.people"
    label = "people"
    verbose_name = "人员 People"

    def ready(self) -> None:
        from .policy import policy_register

        policy_register()
