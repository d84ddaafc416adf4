from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "counterpart.security"
    label = "security"
    verbose_name = "登录与会话 Sign-in and sessions"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the auth signals)
