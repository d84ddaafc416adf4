"""The README's command table is a promise: every command it lists runs against the demo.

The table is read from README.md, so a command added there without a run here, or one that no longer
exists, fails this test. Each runs in-process (call_command) with safe arguments, its files in a
temporary data directory; the three that would block or replace the database (serve, restore, and backup
inside the test's transaction)
and the bulk generator (synth) have their arguments parsed as the README spells them, not run.
"""

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands, load_command_class

from counterpart.cli import _module_name, _usage

README = Path(settings.BASE_DIR) / "README.md"
PROGRAM = "qingdao-guizhou"


def readme_commands() -> list[str]:
    """The names in the first column of the README's command table (`counterpart NAME …`)."""
    text = README.read_text(encoding="utf-8")
    table = text.split("| command | what it does |", 1)[1].split("\n\n", 1)[0]
    names: list[str] = []
    for row in table.splitlines()[2:]:
        first_cell = row.split(" | ", 1)[0]
        for name in re.findall(r"`counterpart ([a-z][a-z-]*)", first_cell):
            if name not in names:
                names.append(name)
    return names


def _parse_only(name: str, *args: str) -> None:
    command = load_command_class(get_commands()[_module_name(name)], _module_name(name))
    command.create_parser("counterpart", _module_name(name)).parse_args(list(args))


def _run(name: str, *args: Any) -> str:
    out = StringIO()
    call_command(_module_name(name), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _user(username: str) -> Any:
    return get_user_model().objects.get_or_create(username=username)[0]


def _divisions(directory: Path) -> Path:
    (directory / "provinces.csv").write_text('code,name\n52,"贵州省"\n', encoding="utf-8")
    (directory / "cities.csv").write_text('code,name,provinceCode\n5204,"安顺市",52\n', encoding="utf-8")
    return directory


RUNS = {
    "help": lambda tmp: _usage(),
    "demo": lambda tmp: _run("demo"),
    "serve": lambda tmp: _parse_only("serve", "--host", "127.0.0.1", "--port", "18015", "--workers", "1"),
    "report": lambda tmp: _run(
        "report", "--program", PROGRAM, "--format", "text", "--year", "2009", "--to-year", "2010"
    ),
    "report-certify": lambda tmp: _run("report-certify", "--program", PROGRAM, "--year", "2009", "--note", "README"),
    "check-integrity": lambda tmp: _run("check-integrity"),
    # backup waits on the test's open transaction (SQLite online backup); core/tests/test_backup.py runs it
    "backup": lambda tmp: _parse_only("backup", str(tmp / "backup.bin")),
    "restore": lambda tmp: _parse_only("restore", str(tmp / "backup.bin"), "--force"),
    "synth": lambda tmp: _parse_only("synth", "--scale", "0.01", "--seed", "1", "--yes"),
    "divisions-load": lambda tmp: _run("divisions-load", str(_divisions(tmp))),
    "identity-rekey": lambda tmp: _run("identity-rekey"),
    "iati": lambda tmp: _run("iati", "export", "--program", PROGRAM, "--year", "2009", "--output", str(tmp / "a.xml")),
    "api-token": lambda tmp: _run("api-token", _user("readme-api").username, "--name", "README"),
    "api-schema": lambda tmp: _run("api-schema", "--output", str(tmp / "openapi.json")),
    "template": lambda tmp: _run("template", "projects", "--output", str(tmp / "projects.xlsx")),
    "import": lambda tmp: _run("import", str(tmp / "projects.xlsx"), "--dry-run"),
    "export": lambda tmp: _run("export", "persons", "--format", "csv", "--output", str(tmp / "persons.csv")),
    "worker": lambda tmp: _run("worker", "--once"),
    "boundaries-prepare": lambda tmp: _run("boundaries-prepare"),
}


def test_the_readme_lists_commands_and_this_test_runs_each() -> None:
    listed = readme_commands()
    assert len(listed) >= 15, listed
    assert not set(listed) - set(RUNS), f"README commands without a run here: {set(listed) - set(RUNS)}"


@pytest.mark.parametrize("name", readme_commands())
def test_each_readme_command_runs_against_the_demo(
    name: str, demo_program, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DATA_DIR = tmp_path
    # The task worker closes the database connection between tasks, as after a request; inside the test's
    # transaction (PostgreSQL) that would drop the transaction itself.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    # given the demo; when the command runs as the README spells it (the template before the import)
    if name == "import":
        RUNS["template"](tmp_path)
    RUNS[name](tmp_path)
    # then it is one `counterpart help` lists under that name
    assert f"    {name}\n" in _usage() + "\n" or name == "help"
