"""Reading IATI XML safely, and helpers for writing it.

Files come from other publishers, so parsing is defensive: no DTD is loaded, no entity is
expanded, nothing is fetched from the network, and a document that declares entities at all is
refused before lxml sees it (billion laughs, external entities). IATI XML never needs a DTD.
"""

import re
from dataclasses import dataclass

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_FILE_BYTES = 200 * 1024 * 1024

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class IatiFileError(Exception):
    """A file that cannot be read as IATI XML; the message is bilingual and names the line."""

    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def _as_ascii_bytes(data: bytes) -> bytes:
    """The document's markup as bytes the entity check can search, whatever its encoding."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace").encode("utf-8", errors="replace")
    if data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        codec = "utf-16-le" if data[0:1] == b"<" else "utf-16-be"
        return data.decode(codec, errors="replace").encode("utf-8", errors="replace")
    return data


def xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def xml_parse_safely(data: bytes) -> etree._ElementTree:
    """Parse untrusted XML bytes, refusing entity declarations and oversize input."""
    if len(data) > MAX_FILE_BYTES:
        raise IatiFileError(f"文件过大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB）File too large.")
    if not data.strip():
        raise IatiFileError("文件为空 The file is empty.")
    markup = _as_ascii_bytes(data)
    doctype = _DOCTYPE.search(markup)
    if doctype is not None and _ENTITY.search(markup, doctype.start()):
        line = markup.count(b"\n", 0, doctype.start()) + 1
        raise IatiFileError(
            "文件声明了 XML 实体（DOCTYPE/ENTITY），出于安全原因拒绝读取 "
            "The file declares XML entities (DOCTYPE with ENTITY); refused for safety.",
            line,
        )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser=xml_parser()))
    except etree.XMLSyntaxError as error:
        raise IatiFileError(f"不是格式正确的 XML Not well-formed XML: {error.msg}", error.lineno) from None
    return tree


def narrative_parent(tag: str, texts: dict[str, str]) -> etree._Element:
    """An element holding one <narrative xml:lang=…> per language, in the order given."""
    element = etree.Element(tag)
    for lang, text in texts.items():
        if text:
            narrative = etree.SubElement(element, "narrative")
            narrative.set(XML_LANG, lang)
            narrative.text = text
    return element


def narratives_of(element: etree._Element | None, default_lang: str = "") -> dict[str, str]:
    """The narratives under an element by language (first one wins per language)."""
    texts: dict[str, str] = {}
    if element is None:
        return texts
    for narrative in element.findall("narrative"):
        lang = (narrative.get(XML_LANG) or default_lang or "").lower()
        text = (narrative.text or "").strip()
        if text and lang not in texts:
            texts[lang] = text
    return texts
