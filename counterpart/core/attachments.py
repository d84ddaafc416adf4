"""Evidence files kept under the data directory: what is accepted (JPEG, PNG or PDF, known by its
bytes, never by the name or the browser's word), how large, and where the bytes go (a random name in
``DATA_DIR/attachments``, never the name the user gave). Served only through views scoped like the
record they belong to, as a download with ``nosniff``.

Used by the assessment's evidence (``indicators.assessment``); a project's attachments keep the same
rules in ``projects.services``.
"""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import InvalidInput

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# The accepted types, by their magic numbers, and the extension each is stored with.
_TYPES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)

R = TypeVar("R")


def attachment_type_sniff(head: bytes) -> str | None:
    """The real type of a file from its first bytes, or None when it is not accepted."""
    for magic, content_type, _extension in _TYPES:
        if head.startswith(magic):
            return content_type
    return None


def attachments_directory() -> Path:
    return Path(settings.DATA_DIR) / "attachments"


def attachment_path(stored_name: str) -> Path:
    return attachments_directory() / Path(stored_name).name


@dataclass(frozen=True)
class StoredFile:
    file_name: str  # the name as uploaded, without any directory
    stored_name: str
    content_type: str
    size: int
    sha256: str


def attachment_checked(file_name: str, content: bytes, *, field: str = "file") -> str:
    """The type of ``content``, or a refusal on ``field``: empty, too large, not a JPEG, PNG or PDF."""
    if not content:
        raise InvalidInput(field, file_name, _("文件为空"))
    if len(content) > ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            field,
            file_name,
            _("文件过大：%(size)s 字节，上限 %(limit)s 字节") % {"size": len(content), "limit": ATTACHMENT_MAX_BYTES},
        )
    content_type = attachment_type_sniff(content[:16])
    if content_type is None:
        raise InvalidInput(field, file_name, _("只接受 JPEG、PNG 照片或 PDF 文件（按文件内容判断）"))
    return content_type


def attachment_keep(file_name: str, content: bytes, record: Callable[[StoredFile], R], *, field: str = "file") -> R:
    """Check ``content``, write it under a random name, and ``record`` it (the caller's transaction,
    with its audit event); the file is removed again when ``record`` fails."""
    content_type = attachment_checked(file_name, content, field=field)
    extension = next(ext for _magic, kind, ext in _TYPES if kind == content_type)
    directory = attachments_directory()
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}{extension}"
    path = directory / stored_name
    path.write_bytes(content)
    stored = StoredFile(
        file_name=Path(file_name).name[:255] or stored_name,
        stored_name=stored_name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    try:
        return record(stored)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
