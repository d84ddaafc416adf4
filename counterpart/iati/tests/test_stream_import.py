"""The IATI import read activity by activity (stream_import.py): the same verdicts and outcomes as the whole
tree's, reading the file as it imports rather than before."""

import datetime
from contextlib import contextmanager
from pathlib import Path

import pytest

from counterpart.iati import stream_import
from counterpart.iati.exporter import iati_export_activities
from counterpart.iati.schemas import iati_validate_bytes
from counterpart.iati.stream_import import (
    iati_file_first_year_streamed,
    iati_import_file,
    iati_validate_activities_stream,
)
from counterpart.iati.tests.test_importer import ACTIVITY
from counterpart.projects.models import Project
from counterpart.registry.services import program_create

NOW = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
_START, _ACTIVITY_ONE = ACTIVITY.split("<iati-activity ", 1)


def _activity(code: str) -> str:
    """One activity of the importer tests' file, coded ``code``."""
    body = "<iati-activity " + _ACTIVITY_ONE.rsplit("</iati-activities>", 1)[0]
    return body.format(currency="CNY", status="2", area="520422", code=code)


def _file(path: Path, codes: list[str], extra: str = "") -> Path:
    path.write_text(_START + "".join(_activity(code) for code in codes) + extra + "</iati-activities>\n")
    return path


class _Stop(Exception):
    pass


def test_the_import_reads_the_file_as_it_imports_not_before(program, areas, actor, tmp_path, monkeypatch) -> None:
    # given a file of 2,000 activities (about 3 MB), and the handle the importer reads it through watched
    path = _file(tmp_path / "many.xml", [f"W{n}" for n in range(2000)])
    size = path.stat().st_size
    handles = []
    opened = stream_import._open

    @contextmanager
    def watched(target: Path):
        with opened(target) as handle:
            handles.append(handle)
            yield handle

    monkeypatch.setattr(stream_import, "_open", watched)
    read_at_first: list[int] = []

    def first(outcome) -> None:
        assert outcome.outcome == "created", outcome.notes
        read_at_first.append(handles[-1].tell())
        raise _Stop

    # when the first activity has been imported
    with pytest.raises(_Stop):
        iati_import_file(actor=actor, path=path, program=program, on_activity=first)
    # then the importer had read a small part of the file, not all of it; and the import rolled back
    assert read_at_first and read_at_first[0] < size / 10, (read_at_first, size)
    assert not Project.objects.filter(code__startswith="W").exists()


def test_the_demo_round_trip_gives_what_the_whole_tree_import_gives(demo_program, actor, tmp_path) -> None:
    # given the demo's export in a file
    path = tmp_path / "demo.xml"
    path.write_bytes(iati_export_activities(demo_program, now=NOW).to_bytes())
    target = program_create(
        actor=actor, slug="iati-stream", name_zh="流式", donor_area=demo_program.donor_area, start_year=1996
    )
    notes: list[list[str]] = []
    # when imported streamed
    result = iati_import_file(actor=actor, path=path, program=target, on_activity=lambda o: notes.append(o.notes))
    # then every activity became a project, none with a note, and nothing is kept in the result
    assert result.is_valid
    assert result.count("created") == 152 == len(notes) == Project.objects.filter(program=target).count()
    assert not any(notes)
    assert result.activities == []
    assert iati_file_first_year_streamed(path) == 2009


def test_an_invalid_activity_has_the_whole_trees_errors_and_imports_nothing(program, areas, actor, tmp_path) -> None:
    # given a valid activity, one without its identifier, and another valid one
    broken = _activity("W2").replace("<iati-identifier>XM-DAC-1-W2</iati-identifier>", "")
    path = tmp_path / "broken.xml"
    path.write_text(_START + _activity("W1") + broken + _activity("W3") + "</iati-activities>\n")
    projects = Project.objects.count()
    # when
    result = iati_import_file(actor=actor, path=path, program=program)
    # then the verdict is the whole tree's, with its lines
    whole = iati_validate_bytes(path.read_bytes())
    assert not result.is_valid and not whole.is_valid
    assert [(e.line, e.message) for e in result.validation.errors] == [(e.line, e.message) for e in whole.errors]
    assert Project.objects.count() == projects


def test_the_roots_own_rules_are_checked(tmp_path) -> None:
    # given files whose activities are valid but whose root is not: no version; an element no schema allows
    no_version = _file(tmp_path / "a.xml", ["W1"])
    no_version.write_text(no_version.read_text().replace('<iati-activities version="2.03">', "<iati-activities>"))
    stray = _file(tmp_path / "b.xml", ["W1"], extra="<stray/>")
    # then each is refused as the whole tree is
    for path in (no_version, stray):
        assert not iati_validate_bytes(path.read_bytes()).is_valid
        assert not iati_validate_activities_stream(path).is_valid, path.read_text()[:80]
    assert iati_validate_activities_stream(_file(tmp_path / "c.xml", ["W1", "W2"])).is_valid


def test_an_entity_declaration_is_refused_even_across_read_blocks(tmp_path, monkeypatch) -> None:
    # given a file declaring an entity, read in blocks of 5 bytes (every marker split across blocks)
    path = tmp_path / "entities.xml"
    path.write_text(
        '<?xml version="1.0"?>\n\n<!DOCTYPE x [\n <!ENTITY e "e">\n]>\n'
        '<iati-activities version="2.03">' + _activity("W1") + "</iati-activities>"
    )
    monkeypatch.setattr(stream_import, "_BLOCK", 5)
    # when
    validation = iati_validate_activities_stream(path)
    # then refused, naming the DOCTYPE's line, before any parse
    assert not validation.is_valid
    assert "declares XML entities" in validation.errors[0].message
    assert validation.errors[0].line == 3


def test_a_file_that_is_not_an_activity_file_is_refused(tmp_path) -> None:
    other = tmp_path / "org.xml"
    other.write_text('<iati-organisations version="2.03"/>')
    empty = tmp_path / "empty.xml"
    empty.write_text("  ")
    assert iati_validate_activities_stream(other).root == "iati-organisations"
    assert not iati_validate_activities_stream(other).is_valid
    assert not iati_validate_activities_stream(empty).is_valid
