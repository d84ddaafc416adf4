from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "counterpart.projects"
    label = "projects"
    verbose_name = "帮扶项目 Projects"

    def ready(self) -> None:
        from .policy import policy_register
        from .scope import scope_rules_register
        from .village_policy import village_policy_register

        policy_register()
        scope_rules_register()
        village_policy_register()
