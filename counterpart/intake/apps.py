from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "counterpart.intake"
    label = "intake"
    verbose_name = "数据导入导出 intake"

    def ready(self) -> None:
        # Each record kind registers itself when its module is imported.
        from . import integrity, records  # noqa: F401
