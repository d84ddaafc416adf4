from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "counterpart.registry"
    label = "registry"
    verbose_name = "区划、单位与结对 Registry"
