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


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(argv if argv is not None else sys.argv[1:])
    # Our own commands are spelled with hyphens (counterpart divisions-load); Django's modules can't be.
    if args and not args[0].startswith("-"):
        args[0] = ALIASES.get(args[0], args[0].replace("-", "_"))
    execute_from_command_line(["counterpart", *args])


if __name__ == "__main__":
    main()
