"""Fuzzing the IATI reader: any bytes give a validation verdict, never a crash; import never crashes.

Inputs: arbitrary bytes; a real activity file with bytes overwritten, cut or spliced with markup
(entities, DOCTYPEs, CDATA, encodings); and the same file with elements' text and attributes replaced,
elements dropped or repeated — inputs that pass the schema and reach the importer's own logic.
``COUNTERPART_FUZZ_EXAMPLES`` sets how many; the importer target tries a tenth as many (each writes).
"""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from counterpart.core.tests.fuzzing import FUZZ_EXAMPLES, fuzz_settings, inputs_tried
from counterpart.iati.importer import iati_import_bytes
from counterpart.iati.schemas import iati_validate_bytes

from .test_importer import _file

ACTIVITY = _file()
ELEMENTS = [element for element in etree.fromstring(ACTIVITY).iter() if isinstance(element.tag, str)]
MARKUP = [
    b"<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>",
    b"<!DOCTYPE a [<!ENTITY % p SYSTEM 'http://127.0.0.1/'> %p;]>",
    b"<!DOCTYPE a SYSTEM 'http://127.0.0.1/x.dtd'>",
    b"&x;",
    b"&#0;",
    b"&#x110000;",
    b"<![CDATA[",
    b"]]>",
    b"<?xml version='1.0' encoding='utf-16'?>",
    b"<?xml version='1.0' encoding='gb18030'?>",
    b"\xff\xfe",
    b"<xi:include xmlns:xi='http://www.w3.org/2001/XInclude' href='/etc/passwd'/>",
    b"</iati-activity>",
    b"<iati-activity>",
]
VALUES = ["", " ", "-1", "0", "1e400", "NaN", "9" * 40, "2010-02-30", "0001-01-01", "CNY", "XXX", "520422", "zh"]


@st.composite
def damaged_files(draw: st.DrawFn) -> bytes:
    data = bytearray(ACTIVITY)
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.integers(0, 2))
        if action == 0 and position < len(data):
            data[position] = draw(st.integers(0, 255))
        elif action == 1:
            data[position:position] = draw(st.sampled_from(MARKUP))
        else:
            data = data[:position]
    return bytes(data)


@st.composite
def edited_files(draw: st.DrawFn) -> bytes:
    """The activity with values replaced and elements removed or repeated: still XML, often still IATI."""
    root = etree.fromstring(ACTIVITY)
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    for _ in range(draw(st.integers(1, 6))):
        element = elements[draw(st.integers(0, len(elements) - 1))]
        value = draw(st.one_of(st.sampled_from(VALUES), st.text(max_size=12)))
        value = "".join(ch for ch in value if ch.isprintable())  # XML cannot hold control characters
        action = draw(st.integers(0, 3))
        if action == 0 and element.attrib:
            element.set(draw(st.sampled_from(sorted(element.attrib))), value)
        elif action == 1:
            element.text = value
        elif action == 2 and element.getparent() is not None:
            element.getparent().remove(element)
        elif element.getparent() is not None:
            element.addnext(copy.deepcopy(element))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@fuzz_settings
@given(st.one_of(st.binary(max_size=2000), damaged_files(), edited_files()))
def test_fuzz_iati_validation_gives_a_verdict_for_any_bytes(data: bytes) -> None:
    inputs_tried["iati.validate"] += 1
    verdict = iati_validate_bytes(data)
    assert verdict.is_valid or verdict.errors
    if b"ENTITY" in data.upper() and b"DOCTYPE" in data.upper():
        # a document declaring entities is never parsed, let alone expanded
        assert not verdict.is_valid


@pytest.mark.django_db
@fuzz_settings.__class__(fuzz_settings, max_examples=max(FUZZ_EXAMPLES // 10, 50))
@given(st.one_of(edited_files(), damaged_files()))
def test_fuzz_iati_import_never_crashes(program, areas, actor, data: bytes) -> None:
    inputs_tried["iati.import"] += 1
    result = iati_import_bytes(actor=actor, data=data, program=program)
    if not result.validation.is_valid:
        assert result.validation.errors and not result.activities


def test_fuzz_targets_really_ran() -> None:
    if not inputs_tried:
        pytest.skip("run with the fuzz targets")
    print(f"\nfuzz inputs tried: {dict(inputs_tried)}")
    assert all(count > 0 for count in inputs_tried.values())
