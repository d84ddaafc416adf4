"""The ``counterpart`` command: Django's management commands plus the project's own.

``counterpart demo``, ``counterpart serve``, ``counterpart report`` … and every Django command
(``counterpart migrate``, ``counterpart createsuperuser``). Settings default to the demo's
(embedded SQLite) unless DJANGO_SETTINGS_MODULE or DATABASE_URL say otherwise.
"""

import os
import sys

# The intake's commands keep short names on the command line; Django's module names can't be `import`.
ALIASES = {
    "import": "intake_import",
    "export": "intake_export",
    "template": "intake_template",
    "worker": "intake_worker",
}


def _module_name(name: str) -> str:
    # Our own commands are spelled with hyphens (counterpart divisions-load); Django's modules can't be.
    return ALIASES.get(name, name.replace("-", "_"))


def public_name(module: str) -> str:
    """The name a user types for a project command (intake_export → export, check_integrity → check-integrity)."""
    for name, target in ALIASES.items():
        if target == module:
            return name
    return module.replace("_", "-")


def _usage() -> str:
    """``counterpart help``: the project's commands under the names the README gives, then Django's."""
    import django
    from django.core.management import get_commands

    django.setup()
    ours: list[str] = []
    theirs: list[str] = []
    for module, app in sorted(get_commands().items()):
        (ours if app.startswith("counterpart") else theirs).append(module)
    return "\n".join(
        [
            "用法 Usage: counterpart <command> [options]   (counterpart help <command> for its options)",
            "",
            "Counterpart 的命令 Counterpart's commands:",
            *(f"    {public_name(module)}" for module in sorted(ours, key=public_name)),
            "",
            "Django 的命令 Django's commands:",
            *(f"    {module}" for module in theirs),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(argv if argv is not None else sys.argv[1:])
    if args in ([], ["help"], ["--help"], ["-h"]):
        print(_usage())
        return
    if args and not args[0].startswith("-"):
        args[0] = _module_name(args[0])
    if args[:1] == ["help"] and len(args) > 1:
        args[1] = _module_name(args[1])
    execute_from_command_line(["counterpart", *args])


if __name__ == "__main__":
    main()
