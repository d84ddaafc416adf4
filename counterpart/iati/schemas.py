"""Validating IATI 2.03 files against the official XSD schemas.

The schemas are not copied into this repository: they are read from the pyIATI package that
``scripts/setup`` installs (``pyIATI==0.4.1`` ships the official 2.03 schemas), or from the
directory named by the environment variable ``COUNTERPART_IATI_SCHEMA_DIR``.
"""

import functools
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .xml import IatiFileError, xml_parse_safely

ACTIVITIES_SCHEMA = "iati-activities-schema.xsd"
ORGANISATIONS_SCHEMA = "iati-organisations-schema.xsd"
SCHEMA_BY_ROOT = {"iati-activities": ACTIVITIES_SCHEMA, "iati-organisations": ORGANISATIONS_SCHEMA}


def iati_schema_dirs() -> list[Path]:
    """Where IATI 2.03 XSDs may be: COUNTERPART_IATI_SCHEMA_DIR first, then pyIATI's resources."""
    dirs = []
    configured = os.environ.get("COUNTERPART_IATI_SCHEMA_DIR")
    if configured:
        dirs.append(Path(configured))
    spec = importlib.util.find_spec("iati")  # locates pyIATI without importing it (its deps are absent)
    if spec is not None and spec.submodule_search_locations:
        dirs.extend(
            Path(location) / "resources" / "standard" / "2-03" / "schemas"
            for location in spec.submodule_search_locations
        )
    return [directory for directory in dirs if (directory / ACTIVITIES_SCHEMA).exists()]


@functools.lru_cache(maxsize=8)
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def iati_schema(name: str) -> etree.XMLSchema:
    """The named 2.03 schema from the first place that has one libxml2 can compile.

    pyIATI 0.4.1 ships an early 2.03 organisation schema whose content model libxml2 rejects as
    non-deterministic (documentLinkWithReceipientCountry); the current 2.03 release fixes it, so
    organisation files need COUNTERPART_IATI_SCHEMA_DIR pointing at the current schemas.
    """
    problems = []
    for directory in iati_schema_dirs():
        try:
            return _schema(str(directory / name))
        except (etree.XMLSchemaParseError, OSError) as error:
            problems.append(f"{directory / name}: {error}")
    detail = "; ".join(problems) or "no schema directory"
    raise IatiFileError(
        f"找不到可用的 IATI 2.03 模式文件 {name}：请运行 scripts/setup（安装 pyIATI==0.4.1）或设置"
        f" COUNTERPART_IATI_SCHEMA_DIR。 No usable IATI 2.03 schema {name} ({detail}): run scripts/setup"
        " (installs pyIATI==0.4.1) or set COUNTERPART_IATI_SCHEMA_DIR to the official 2.03 schemas."
    )


@dataclass
class IatiValidation:
    """The verdict on one file: valid or not, and the first errors with their lines."""

    is_valid: bool
    root: str = ""
    errors: list[IatiFileError] = field(default_factory=list)
    tree: etree._ElementTree | None = None


def iati_validate_tree(tree: etree._ElementTree, *, max_errors: int = 20) -> IatiValidation:
    root = tree.getroot()
    name = SCHEMA_BY_ROOT.get(root.tag) if isinstance(root.tag, str) else None
    if name is None:
        message = (
            f"根元素 <{root.tag}> 不是 IATI 文件（应为 <iati-activities> 或 <iati-organisations>）"
            f" Root element <{root.tag}> is not IATI (expected <iati-activities> or <iati-organisations>)."
        )
        return IatiValidation(False, str(root.tag), [IatiFileError(message, root.sourceline)], tree)
    try:
        schema = iati_schema(name)
    except IatiFileError as error:
        return IatiValidation(False, root.tag, [error], tree)
    if schema.validate(tree):
        return IatiValidation(True, root.tag, [], tree)
    errors = [
        IatiFileError(f"不符合 IATI 2.03 模式 Not valid against the IATI 2.03 schema: {entry.message}", entry.line)
        for entry in list(schema.error_log)[:max_errors]
    ]
    return IatiValidation(False, root.tag, errors, tree)


def iati_validate_bytes(data: bytes) -> IatiValidation:
    """Parse safely and validate; unreadable or unsafe files are invalid with the reason."""
    try:
        tree = xml_parse_safely(data)
    except IatiFileError as error:
        return IatiValidation(False, "", [error])
    return iati_validate_tree(tree)


def iati_validate_file(path: Path) -> IatiValidation:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return IatiValidation(False, "", [IatiFileError(f"无法读取文件 Cannot read the file: {error.strerror}")])
    return iati_validate_bytes(data)


def iati_validate_activities_file(path: Path) -> IatiValidation:
    """Validate an activity file while parsing it, dropping each activity once read.

    For files written here (the export): memory stays bounded whatever the file's size, where
    ``iati_validate_file`` parses the whole tree (about 10 times the file). Validation stops at the
    first error, which libxml2 reports without its line in this mode. Other publishers' files go
    through ``iati_validate_file``, which also refuses entity declarations.
    """
    try:
        schema = iati_schema(ACTIVITIES_SCHEMA)
    except IatiFileError as error:
        return IatiValidation(False, "", [error])
    try:
        for _event, activity in etree.iterparse(
            str(path),
            events=("end",),
            tag="iati-activity",
            schema=schema,
            resolve_entities=False,  # the same defences as xml_parser()
            no_network=True,
            load_dtd=False,
        ):
            activity.clear()
            # clear() empties the activity but keeps it in the root; remove those already read.
            while activity.getprevious() is not None:
                del activity.getparent()[0]
    except etree.XMLSyntaxError as error:
        message = f"不符合 IATI 2.03 模式 Not valid against the IATI 2.03 schema: {error.msg}"
        return IatiValidation(False, "iati-activities", [IatiFileError(message, error.lineno or None)])
    except OSError as error:
        return IatiValidation(False, "", [IatiFileError(f"无法读取文件 Cannot read the file: {error.strerror}")])
    return IatiValidation(True, "iati-activities")
