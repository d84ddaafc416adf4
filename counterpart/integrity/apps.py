from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "counterpart.integrity"
    label = "integrity"
    verbose_name = "完整性检查 Integrity checks"
