"""The gettext catalogues: complete, current, and actually used.

The msgids are Chinese (the source language); every other language in settings.LANGUAGES has a
catalogue. These tests fail, naming the string, when a catalogue has an empty or fuzzy translation or
a translation whose placeholders differ from its msgid's; when the code has a message that is not in
its catalogue (or the catalogue one the code no longer has); and when a domain error does not come out
in the language asked for. docs/i18n.md says how to update the catalogues.
"""

import ast
import re
import shutil
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from counterpart.core.errors import InvalidInput

REPO = Path(__file__).resolve().parents[3]
SOURCE_LANGUAGE = "zh-hans"
# Apps that keep a catalogue of their own (counterpart/<app>/locale) instead of the project's. Until
# such an app has its locale directory, its strings are left out of the completeness check, with a
# warning; from then on they are checked against its own catalogue like every other string.
PER_APP_CATALOGUES = ("counterpart/web", "counterpart/dashboard")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def po_parse(path: Path) -> list[Entry]:
    """The entries of a PO file, header included (msgid ""), obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # the field a continuation line extends
    flags: set[str] = set()

    def finish() -> None:
        nonlocal current, target, flags
        if current is not None:
            entries.append(current)
        current, target, flags = None, None, set()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if current is not None and current.msgstr:
                finish()
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
        elif match := _KEYWORD.match(line):
            keyword, index, literal = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if keyword in ("msgctxt", "msgid") and current is not None and (current.msgstr or keyword == "msgctxt"):
                finish()
            if current is None:
                current = Entry(line=number, flags=flags)
            if keyword == "msgctxt":
                current.msgctxt, target = literal, ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid, target = literal, ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = literal, ("msgid_plural", 0)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot], target = literal, ("msgstr", slot)
        elif line.startswith('"') and current is not None and target is not None:
            text = ast.literal_eval(line)
            name, slot = target
            if name == "msgstr":
                current.msgstr[slot] += text
            else:
                setattr(current, name, (getattr(current, name) or "") + text)
        else:
            raise AssertionError(f"{path}:{number}: not PO syntax: {raw!r}")
    finish()
    return entries


_PRINTF = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
_BRACE = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")


def placeholders(text: str, entry: Entry) -> tuple[Counter[str], list[str]]:
    """Named placeholders (any order) and positional ones (in order) of a python-format string."""
    named: Counter[str] = Counter()
    positional: list[str] = []
    if "python-format" in entry.flags or re.search(r"%\(\w+\)", entry.msgid):
        for match in _PRINTF.finditer(text):
            if match.group() == "%%":
                continue
            if match.group("name") is not None:
                named[match.group()] += 1
            else:
                positional.append(match.group())
    if "python-brace-format" in entry.flags:
        named.update(_BRACE.findall(text))
    return named, positional


def catalogue_problems(path: Path) -> list[str]:
    """Each entry of a catalogue that would not show a correct translation, named."""
    problems = []
    where = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    for entry in po_parse(path):
        if entry.msgid == "" and entry.msgctxt is None:
            continue  # the header
        name = f"{where}:{entry.line}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{name} is fuzzy (check the translation, then remove the fuzzy flag)")
        if not entry.msgstr or any(not text for text in entry.msgstr.values()):
            problems.append(f"{name} has no translation")
            continue
        source = placeholders(entry.msgid, entry)
        if entry.msgid_plural is None:
            if placeholders(entry.msgstr[0], entry) != source:
                problems.append(f"{name} has placeholders that differ from the msgid's: {entry.msgstr[0]!r}")
        else:
            plural_named, plural_positional = placeholders(entry.msgid_plural, entry)
            allowed = set(source[0]) | set(plural_named)
            for text in entry.msgstr.values():
                named, positional = placeholders(text, entry)
                if not set(named) <= allowed or len(positional) > len(plural_positional):
                    problems.append(f"{name} has placeholders that the msgid does not: {text!r}")
    return problems


def catalogues(root: Path) -> list[Path]:
    return sorted(
        path
        for path in (root / "counterpart").rglob("locale/*/LC_MESSAGES/*.po")
        if "node_modules" not in path.parts and "__pycache__" not in path.parts
    )


def test_every_other_language_has_a_catalogue() -> None:
    locale_dir = Path(settings.LOCALE_PATHS[0])
    for code, _name in settings.LANGUAGES:
        if code == SOURCE_LANGUAGE:
            continue
        assert (locale_dir / translation.to_locale(code) / "LC_MESSAGES" / "django.po").is_file(), (
            f"{code} is in LANGUAGES but has no catalogue: see docs/i18n.md"
        )


@pytest.mark.parametrize("path", catalogues(REPO), ids=lambda path: str(path.relative_to(REPO)))
def test_every_message_is_translated_with_its_placeholders(path: Path) -> None:
    problems = catalogue_problems(path)
    assert not problems, "\n".join(problems)


def test_the_checks_catch_what_they_are_for(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        'msgid "有译文"\nmsgstr "Translated"\n\n'
        'msgid "无译文"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "模糊"\nmsgstr "Fuzzy"\n\n'
        '#, python-format\nmsgid "%(year)s 年"\nmsgstr "Year %(yaer)s"\n\n'
        '#, python-format\nmsgid "共 %(count)s 个"\nmsgid_plural "共 %(count)s 个"\n'
        'msgstr[0] "one"\nmsgstr[1] "%(count)s "\n"items"\n\n'
        '#~ msgid "废弃"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    entries = po_parse(po)
    assert [entry.msgid for entry in entries] == ["", "有译文", "无译文", "模糊", "%(year)s 年", "共 %(count)s 个"]
    assert entries[-1].msgstr == {0: "one", 1: "%(count)s items"}
    problems = catalogue_problems(po)
    assert len(problems) == 3, problems
    assert "'无译文' has no translation" in problems[0]
    assert "'模糊' is fuzzy" in problems[1]
    assert "'%(year)s 年' has placeholders" in problems[2]


def test_every_message_in_the_code_is_in_its_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """makemessages on a copy of the sources must find exactly the msgids the catalogues hold.

    A message added or reworded in the code (or a template) without updating the catalogue fails here,
    as does a catalogue entry the code no longer uses.
    """
    assert shutil.which("xgettext") and shutil.which("msgmerge"), "GNU gettext is needed (Debian package gettext)"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "node_modules")
    for top in ("counterpart", "config"):
        shutil.copytree(REPO / top, tmp_path / top, ignore=skip, symlinks=True)
    originals = {path.relative_to(REPO): path for path in catalogues(REPO)}
    pending = [app for app in PER_APP_CATALOGUES if (REPO / app).is_dir() and not (REPO / app / "locale").is_dir()]
    for app in pending:
        warnings.warn(f"{app} has no catalogue yet: its strings are not checked", stacklevel=1)
    wanted = {translation.to_locale(code) for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE}
    languages = sorted(wanted | {path.parts[-3] for path in originals})
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / Path(settings.LOCALE_PATHS[0]).relative_to(REPO)]):
        call_command(
            "makemessages",
            locale=languages,
            ignore_patterns=[".venv/*", "node_modules/*", *(f"{app}/*" for app in pending)],
            no_obsolete=True,
            verbosity=0,
        )
    problems = []
    for relative in sorted({path.relative_to(tmp_path) for path in catalogues(tmp_path)} | set(originals)):
        regenerated = tmp_path / relative
        fresh = {entry.key for entry in po_parse(regenerated)} if regenerated.exists() else set()
        held = {entry.key for entry in po_parse(originals[relative])} if relative in originals else set()
        for context, msgid in sorted(fresh - held, key=str):
            named = f"{msgid!r} (context {context!r})" if context is not None else repr(msgid)
            problems.append(f"{relative}: {named} is in the code but not in the catalogue")
        for context, msgid in sorted(held - fresh, key=str):
            named = f"{msgid!r} (context {context!r})" if context is not None else repr(msgid)
            problems.append(f"{relative}: {named} is in the catalogue but no longer in the code")
    assert not problems, "\n".join(problems) + "\n(update the catalogues as docs/i18n.md says)"


def test_compiled_catalogues_are_current() -> None:
    for path in catalogues(REPO):
        compiled = path.with_suffix(".mo")
        assert compiled.exists() and compiled.stat().st_mtime >= path.stat().st_mtime, (
            f"{compiled.relative_to(REPO)} is missing or older than its .po: run scripts/setup"
        )


def test_a_domain_error_speaks_the_language_asked_for(program, areas, actor) -> None:
    from counterpart.projects.services import project_propose

    def propose() -> InvalidInput:
        with pytest.raises(InvalidInput) as error:
            project_propose(
                actor=actor,
                program=program,
                code="P-NEG",
                title_zh="负预算",
                category="other",
                recipient_area=areas["520422"],
                year=2009,
                budget_fen=-1,
            )
        return error.value

    with translation.override("en"):
        english = propose()
    with translation.override("zh-hans"):
        chinese = propose()
    assert english.reason == "The budget must be an amount of zero or more"
    assert english.message_dict == {"budget": ["The budget must be an amount of zero or more (“budget” = -1)"]}
    assert chinese.reason == "预算必须是非负的金额"


def test_an_import_reports_an_unknown_area_code_in_both_languages(program, actor, tmp_path: Path) -> None:
    from counterpart.intake.services import import_file

    path = tmp_path / "projects.csv"
    path.write_text(
        "协作项目,项目编号,项目名称,项目类别,实施地点区划代码,年度,预算（元）\n"
        "qd-gz,P-1,无地,drinking_water,520499,2009,1\n",
        encoding="utf-8",
    )
    result = import_file(actor=actor, path=path, kind="projects")
    [error] = result.errors
    assert (error.row, error.value) == (2, "520499")
    assert error.message_zh == "没有该行政区划"
    assert error.message_en == "No such administrative area"


def test_a_message_with_a_placeholder_is_filled_in_either_language() -> None:
    certification = "%(year)s 年度报告核定"  # the reason reports/services.py records when it locks a year
    with translation.override("en"):
        assert translation.gettext(certification) % {"year": 2009} == "Certification of the 2009 annual report"
    with translation.override("zh-hans"):
        assert translation.gettext(certification) % {"year": 2009} == "2009 年度报告核定"
