"""IATI import of a file read activity by activity: memory bounded by the largest activity, not by the file.

``iati_import_bytes`` parses the whole document (about ten times the file in lxml's tree) and keeps every
activity's outcome; this reads the file twice with ``iterparse``, dropping each activity once handled:

1. Checked: the same entity refusal as ``xml.xml_parse_safely`` (a DOCTYPE that declares entities, found by
   scanning the file in blocks), well-formedness, the root, and the 2.03 schema — each activity validated on
   its own against the schema's global ``iati-activity`` element (errors keep their lines, as the whole
   tree's do: up to 20), the root's attributes and any other child of it in a shell holding the first
   activity. The schema declares no identity constraint across activities, so this is the whole-tree
   verdict.
2. Imported, only when the file is valid: each activity by ``importer._activity_import`` in one transaction
   (all or nothing, as before), its outcome handed to ``on_activity`` and then only counted.
"""

import codecs
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from pathlib import Path
from typing import IO

from django.db import transaction
from lxml import etree

from counterpart.core.audit import Actor, audit_record_bulk
from counterpart.registry.models import Area, Program

from .importer import IatiImportResult, _activity_import, _default_area
from .reader import ActivityOutcome, iati_date
from .schemas import ACTIVITIES_SCHEMA, IatiValidation, iati_schema
from .xml import _DOCTYPE, _ENTITY, XML_LANG, IatiFileError

_BLOCK = 1 << 20
_MAX_ERRORS = 20


@contextmanager
def _open(path: Path) -> Iterator[IO[bytes]]:
    """The file, read in order (a seam: the tests watch how far the parser has read)."""
    with Path(path).open("rb") as handle:
        yield handle


def _entities_declared(path: Path) -> int | None:
    """The line of a DOCTYPE that declares entities, scanning the file in blocks; None if there is none."""
    with _open(path) as handle:
        head = handle.read(4)
        handle.seek(0)
        codec = None
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            codec = "utf-16"
        elif head in (b"<\x00?\x00", b"\x00<\x00?"):
            codec = "utf-16-le" if head[:1] == b"<" else "utf-16-be"
        decoder = codecs.getincrementaldecoder(codec)(errors="replace") if codec else None
        carry, lines, doctype_line = b"", 0, None
        while block := handle.read(_BLOCK):
            if decoder is not None:
                block = decoder.decode(block).encode("utf-8", errors="replace")
            text = carry + block
            if doctype_line is None:
                found = _DOCTYPE.search(text)
                if found is not None:
                    doctype_line = lines + text.count(b"\n", 0, found.start()) + 1
                    text = text[found.start() :]
            if doctype_line is not None and _ENTITY.search(text):
                return doctype_line
            # A marker split across two blocks is found in the carried tail (both are 8 or 9 bytes).
            keep = len(text) - 16 if len(text) > 16 else 0
            lines += text.count(b"\n", 0, keep) if doctype_line is None else 0
            carry = text[keep:]
    return None


def _parse(handle: IO[bytes], events: tuple[str, ...]) -> etree.iterparse:
    return etree.iterparse(handle, events=events, resolve_entities=False, no_network=True, load_dtd=False)


def _drop_read(element: etree._Element) -> None:
    """Free an element handled and its siblings before it (clear() alone leaves them in the root)."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


def _invalid(message: str, line: int | None = None, root: str = "") -> IatiValidation:
    return IatiValidation(False, root, [IatiFileError(message, line)])


def _schema_errors(schema: etree.XMLSchema, element: etree._Element) -> list[IatiFileError]:
    if schema.validate(element):
        return []
    return [
        IatiFileError(f"不符合 IATI 2.03 模式 Not valid against the IATI 2.03 schema: {entry.message}", entry.line)
        for entry in schema.error_log
    ]


def iati_validate_activities_stream(path: Path) -> IatiValidation:
    """Pass 1: is the file a valid IATI 2.03 activity file? Read once, in bounded memory."""
    try:
        declared = _entities_declared(path)
    except OSError as error:
        return _invalid(f"无法读取文件 Cannot read the file: {error.strerror}")
    if declared is not None:
        return _invalid(
            "文件声明了 XML 实体（DOCTYPE/ENTITY），出于安全原因拒绝读取 "
            "The file declares XML entities (DOCTYPE with ENTITY); refused for safety.",
            declared,
        )
    try:
        schema = iati_schema(ACTIVITIES_SCHEMA)
    except IatiFileError as error:
        return IatiValidation(False, "", [error])
    errors: list[IatiFileError] = []
    root = None
    shell = etree.Element("iati-activities")  # the root's attributes, the first activity, any other child
    kept_one = False
    try:
        with _open(path) as handle:
            for event, element in _parse(handle, ("start", "end")):
                if root is None:
                    root = element
                    if root.tag != "iati-activities":
                        return _invalid(
                            f"根元素 <{root.tag}> 不是 IATI 活动文件 Root element <{root.tag}> is not an IATI "
                            "activity file (<iati-activities>).",
                            root.sourceline,
                            str(root.tag),
                        )
                    shell.attrib.update(dict(root.attrib))
                    continue
                if event != "end" or element.getparent() is not root:
                    continue
                if element.tag == "iati-activity":
                    if len(errors) < _MAX_ERRORS:
                        errors += _schema_errors(schema, element)
                    if not kept_one:
                        shell.append(deepcopy(element))
                        kept_one = True
                else:
                    shell.append(deepcopy(element))  # the root's own content model judges it below
                _drop_read(element)
    except etree.XMLSyntaxError as error:
        return _invalid(f"不是格式正确的 XML Not well-formed XML: {error.msg}", error.lineno, "iati-activities")
    except OSError as error:
        return _invalid(f"无法读取文件 Cannot read the file: {error.strerror}")
    if root is None:
        return _invalid("文件为空 The file is empty.")
    if len(errors) < _MAX_ERRORS:
        errors += [error for error in _schema_errors(schema, shell) if error not in errors]
    return IatiValidation(not errors, "iati-activities", errors[:_MAX_ERRORS])


def _activities(path: Path) -> Iterator[tuple[str, etree._Element]]:
    """(the file's default language, an activity), one at a time, each freed once the caller is done."""
    root = None
    lang = ""
    with _open(path) as handle:
        for event, element in _parse(handle, ("start", "end")):
            if root is None:
                root, lang = element, (element.get(XML_LANG) or "").lower()
                continue
            if event == "end" and element.tag == "iati-activity" and element.getparent() is root:
                yield lang, element
                _drop_read(element)


def iati_import_file(
    *,
    actor: Actor,
    path: Path,
    program: Program,
    default_area: Area | None = None,
    source: str = "",
    on_activity: Callable[[ActivityOutcome], None] | None = None,
    validation: IatiValidation | None = None,
) -> IatiImportResult:
    """Import an IATI 2.03 activity file into a program, activity by activity; an invalid file imports nothing.

    The outcomes are counted (``result.count``), not kept: each goes to ``on_activity`` as it is known.
    ``validation``: this file's pass 1 already done by the caller (the command checks before it creates a
    program).
    """
    validation = validation or iati_validate_activities_stream(path)
    result = IatiImportResult(validation)
    if not validation.is_valid:
        return result
    default_area = default_area or _default_area(program)
    with transaction.atomic():
        for lang, element in _activities(path):
            outcome = _activity_import(actor, program, element, lang, default_area)
            result.tally[outcome.outcome] += 1
            if on_activity is not None:
                on_activity(outcome)
        audit_record_bulk(
            actor,
            "iati.import",
            "projects.project",
            after={
                "program": program.slug,
                "source": source,
                **{name: result.count(name) for name in ("created", "updated", "unchanged", "skipped")},
            },
        )
    return result


def iati_file_first_year_streamed(path: Path) -> int | None:
    """The earliest year a (valid) activity file mentions, read in bounded memory."""
    first: int | None = None
    with _open(path) as handle:
        for _event, element in etree.iterparse(
            handle, events=("end",), resolve_entities=False, no_network=True, load_dtd=False
        ):
            if element.tag in ("activity-date", "transaction-date"):
                day = iati_date(element.get("iso-date"))
                if day is not None and (first is None or day.year < first):
                    first = day.year
            elif element.tag == "iati-activity":
                _drop_read(element)
    return first
