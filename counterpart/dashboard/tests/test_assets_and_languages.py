"""ECharts is served from the npm package that scripts/setup installed, and every message of the
English catalogues is translated."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.utils import translation

LOCALES = sorted(Path(settings.BASE_DIR, "counterpart").glob("*/locale/en/LC_MESSAGES/django.po"))


def test_echarts_is_found_in_node_modules_at_the_locked_version() -> None:
    path = finders.find("vendor/echarts/echarts.min.js")
    assert path, "run scripts/setup (npm ci)"
    assert Path(path).is_relative_to(Path(settings.BASE_DIR) / "node_modules")
    lock = json.loads((Path(settings.BASE_DIR) / "package-lock.json").read_text())
    installed = json.loads((Path(path).parent.parent / "package.json").read_text())
    assert installed["version"] == lock["packages"]["node_modules/echarts"]["version"]
    assert "vendor/echarts/echarts.min.js" in [
        name for name, _storage in finders.get_finder("counterpart.dashboard.finders.NodeModulesFinder").list([])
    ]


def test_collectstatic_copies_echarts_for_whitenoise_to_serve(tmp_path, settings) -> None:
    # `counterpart serve` collects static files and WhiteNoise serves them from STATIC_ROOT
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    collected = tmp_path / "vendor" / "echarts" / "echarts.min.js"
    assert collected.read_bytes() == (Path(settings.BASE_DIR) / "node_modules/echarts/dist/echarts.min.js").read_bytes()
    assert (tmp_path / "dashboard" / "dashboard.js").exists()
    assert not (tmp_path / "vendor" / "echarts" / "package.json").exists()  # only the files named, not the package


def _entries(po: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) of every entry but the header."""
    entries = []
    for block in re.split(r"\n\s*\n", po.read_text(encoding="utf-8")):
        lines = block.strip().splitlines()
        fields: dict[str, list[str]] = {}
        current = None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = [json.loads(match.group(2))]
            elif line.startswith('"') and current:
                fields[current].append(json.loads(line))
        if "msgid" not in fields:
            continue
        msgid = "".join(fields["msgid"])
        strs = ["".join(v) for k, v in fields.items() if k.startswith("msgstr")]
        if msgid:
            entries.append((msgid, strs, any(line.startswith("#,") and "fuzzy" in line for line in lines)))
    return entries


@pytest.mark.parametrize("po", LOCALES, ids=[str(p.relative_to(settings.BASE_DIR)) for p in LOCALES])
def test_every_message_has_an_english_translation(po: Path) -> None:
    entries = _entries(po)
    assert entries
    untranslated = [msgid for msgid, strs, fuzzy in entries if fuzzy or not all(s.strip() for s in strs)]
    assert untranslated == []
    # and the compiled catalogue (scripts/setup) gives them
    assert po.with_suffix(".mo").exists(), "run scripts/setup (msgfmt)"
    with translation.override("en"):
        for msgid, strs, _fuzzy in entries:
            if "%(" not in msgid:
                assert translation.gettext(msgid) == strs[0]


def test_both_catalogues_exist() -> None:
    apps = {po.parts[-5] for po in LOCALES}
    assert {"web", "dashboard"} <= apps
