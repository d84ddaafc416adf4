"""``counterpart serve``: the app under gunicorn (a production WSGI server); WhiteNoise serves static files.

It starts ``counterpart worker`` beside the server, so that uploaded imports run without anything
started by hand (the demo, a laptop). Production runs the worker as its own service and the web with
``--no-worker`` (deploy/systemd, docs/deploy.md). The worker started here stops with the server.
"""

import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from config.wsgi import application

        return application


def worker_start() -> subprocess.Popen[bytes]:
    """``counterpart worker`` as a child that ends when this process does (``--exit-with-parent``)."""
    command = [sys.executable, "-m", "counterpart.cli", "worker", "--exit-with-parent"]
    return subprocess.Popen(command, env=os.environ.copy())


class Command(BaseCommand):
    help = "Serve Counterpart with gunicorn, and the import worker beside it (unless --no-worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("COUNTERPART_WORKERS", "2")))
        parser.add_argument(
            "--no-worker", action="store_true", help="start no import worker (production runs it as its own service)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Counterpart: http://{options['host']}:{options['port']}/  (Ctrl-C 停止 to stop)")
        worker = None if options["no_worker"] else worker_start()
        try:
            _Server(
                {
                    "bind": f"{options['host']}:{options['port']}",
                    "workers": options["workers"],
                    "threads": 4,
                    "accesslog": "-",
                    "timeout": 120,
                }
            ).run()
        finally:
            if worker is not None:
                worker.terminate()
