"""The official IATI 2.03 test files shipped in pyIATI: every verdict must match, and import of
every should-pass file either succeeds or says what it cannot represent — never a traceback."""

import importlib.util
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from counterpart.iati.importer import iati_import_bytes
from counterpart.registry.services import program_create


def _test_data() -> Path | None:
    spec = importlib.util.find_spec("iati")
    for location in (spec.submodule_search_locations or []) if spec else []:
        directory = Path(location) / "resources" / "test_data" / "2-03"
        if directory.exists():
            return directory
    return None


TEST_DATA = _test_data()
pytestmark = pytest.mark.skipif(TEST_DATA is None, reason="pyIATI==0.4.1 is not installed (scripts/setup installs it)")


def _files(verdict: str) -> list[Path]:
    assert TEST_DATA is not None
    return sorted(TEST_DATA.glob(f"ssot-activity-xml-{verdict}/**/*.xml"))


def _validate(path: Path) -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("iati", "validate", str(path), stdout=out)
    except CommandError as error:
        return False, str(error)
    return True, out.getvalue()


def test_every_official_activity_test_file_gets_its_expected_verdict() -> None:
    # given
    passing, failing = _files("pass"), _files("fail")
    assert len(passing) > 200 and len(failing) > 300
    # when
    wrong = [str(path) for path in passing if not _validate(path)[0]]
    wrong += [str(path) for path in failing if _validate(path)[0]]
    # then
    assert wrong == []


def test_an_invalid_file_reports_errors_with_line_numbers() -> None:
    is_valid, message = _validate(_files("fail")[0])
    assert not is_valid
    assert "line " in message


@pytest.mark.django_db
def test_every_should_pass_file_imports_or_says_what_it_cannot_represent(areas, actor) -> None:
    # given
    program = program_create(actor=actor, slug="pyiati", name_zh="测试", donor_area=areas["3702"], start_year=1990)
    for path in _files("pass"):
        # when
        result = iati_import_bytes(actor=actor, data=path.read_bytes(), program=program, default_area=areas["520422"])
        # then
        assert result.is_valid, path
        for activity in result.activities:
            assert activity.outcome in {"created", "updated", "unchanged", "skipped"}
            if activity.outcome == "skipped":
                assert activity.notes, f"{path}: skipped without a reason"


def _with_identifiers(data: bytes, prefix: str) -> bytes:
    """The file with its (always empty) identifiers filled, so import reads the rest of it."""
    root = etree.fromstring(data)
    for number, element in enumerate(root.iter("iati-identifier")):
        element.text = f"{prefix}-{number}"
    return etree.tostring(root)


@pytest.mark.django_db
def test_should_pass_files_with_identifiers_import_without_a_traceback(areas, actor) -> None:
    # given every official should-pass file, its empty identifiers filled in
    program = program_create(actor=actor, slug="pyiati", name_zh="测试", donor_area=areas["3702"], start_year=1990)
    outcomes: Counter[str] = Counter()
    for index, path in enumerate(_files("pass")):
        # when
        result = iati_import_bytes(
            actor=actor,
            data=_with_identifiers(path.read_bytes(), f"T{index}"),
            program=program,
            default_area=areas["520422"],
        )
        # then
        assert result.is_valid, path
        for activity in result.activities:
            outcomes[activity.outcome] += 1
            assert activity.outcome == "created" or activity.notes, path
    assert outcomes["created"] > 0
