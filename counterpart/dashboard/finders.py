"""Serve the browser libraries that ``npm ci`` (scripts/setup) put in node_modules/ as static files.

Only the files named in ``NODE_ASSETS`` are exposed (not the whole of node_modules), under
``vendor/``; collectstatic copies them like any other static file, and WhiteNoise serves them.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Warning
from django.core.files.storage import FileSystemStorage

# static path → path inside node_modules
NODE_ASSETS = {
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "vendor/echarts/LICENSE": "echarts/LICENSE",
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vendor/htmx/LICENSE": "htmx.org/LICENSE",
}


def node_modules() -> Path:
    return Path(getattr(settings, "NODE_MODULES_DIR", settings.BASE_DIR / "node_modules"))


class NodeModulesFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [name for name, inside in NODE_ASSETS.items() if not (node_modules() / inside).exists()]
        if missing:
            return [
                Warning(
                    f"browser libraries missing from {node_modules()}: {', '.join(missing)}",
                    hint="run scripts/setup (it runs npm ci)",
                    id="dashboard.W001",
                )
            ]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        inside = NODE_ASSETS.get(path)
        found = str(node_modules() / inside) if inside and (node_modules() / inside).exists() else None
        if find_all:
            return [found] if found else []
        return found or []

    def list(self, ignore_patterns: Any) -> Any:
        for name, inside in NODE_ASSETS.items():
            source = node_modules() / inside
            if source.exists():
                storage = _SingleFileStorage(location=str(source.parent), name=name, filename=source.name)
                yield name, storage


class _SingleFileStorage(FileSystemStorage):
    """One file of a node_modules directory, known to collectstatic by its static name."""

    def __init__(self, *, location: str, name: str, filename: str) -> None:
        super().__init__(location=location)
        self._static_name, self._filename = name, filename

    def path(self, name: str) -> str:
        return super().path(self._filename if name == self._static_name else name)
