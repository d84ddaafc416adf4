from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "counterpart.core"
    label = "core"
    verbose_name = "核心 Core"

    def ready(self) -> None:
        from .lookups import lookups_register

        lookups_register()
