from django.apps import AppConfig


class IatiConfig(AppConfig):
    name = "counterpart.iati"
    label = "iati"
    verbose_name = "IATI 国际援助透明度 IATI"
