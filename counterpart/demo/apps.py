from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "counterpart.demo"
    label = "demo"
    verbose_name = "示例 Demo"
