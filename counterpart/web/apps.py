from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "counterpart.web"
    label = "web"
    verbose_name = "网站 Web"
