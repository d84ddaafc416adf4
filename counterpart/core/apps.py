from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "counterpart.core"
    label = "core"
    verbose_name = "核心 Core"
