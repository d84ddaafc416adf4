import time

from counterpart.iati.schemas import iati_validate_bytes
from counterpart.iati.xml import IatiFileError, xml_parse_safely

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<iati-activities version="2.03"><iati-activity>
<iati-identifier>&lol9;</iati-identifier></iati-activity></iati-activities>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<iati-activities version="2.03"><iati-activity>
<iati-identifier>&xxe;</iati-identifier></iati-activity></iati-activities>
"""


def _refusal(data: bytes) -> IatiFileError:
    try:
        xml_parse_safely(data)
    except IatiFileError as error:
        return error
    raise AssertionError("the file was parsed")


def test_billion_laughs_is_refused_quickly_with_a_clear_error() -> None:
    started = time.monotonic()
    error = _refusal(BILLION_LAUGHS)
    assert time.monotonic() - started < 1
    assert "ENTITY" in error.message and error.line == 2


def test_an_external_entity_is_refused_and_never_read() -> None:
    error = _refusal(EXTERNAL_ENTITY)
    assert "refused for safety" in error.message


def test_entities_hidden_in_utf16_are_refused_too() -> None:
    error = _refusal(
        EXTERNAL_ENTITY.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")
    )
    assert "ENTITY" in error.message


def test_unsafe_file_is_invalid_not_a_traceback() -> None:
    verdict = iati_validate_bytes(BILLION_LAUGHS)
    assert not verdict.is_valid
    assert "ENTITY" in str(verdict.errors[0])


def test_malformed_xml_names_its_line() -> None:
    verdict = iati_validate_bytes(b"<iati-activities version='2.03'>\n<iati-activity>\n</iati-activities>")
    assert not verdict.is_valid
    assert verdict.errors[0].line == 3
    assert "Not well-formed" in verdict.errors[0].message


def test_a_file_that_is_not_iati_says_so() -> None:
    verdict = iati_validate_bytes(b"<html><body/></html>")
    assert not verdict.is_valid
    assert "not IATI" in verdict.errors[0].message
