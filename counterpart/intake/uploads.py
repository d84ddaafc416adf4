"""Storing an upload before it is queued: whole or not at all.

The bytes go sealed (``at_rest.upload_seal``: encrypted, mode 0600) to a hidden ``.partial`` file in
``MEDIA_ROOT/uploads``, are flushed to disk, and only
then renamed to their final name, so the worker never sees half a file. When the disk is full (or
any other write error) the partial file is removed and the upload is refused with FileRejected,
which every edge shows as a clean message rather than a server error.
"""

import errno
import uuid
from pathlib import Path
from typing import BinaryIO

from .at_rest import upload_directory, upload_seal
from .readers import limits
from .validation import FileRejected

_BLOCK = 1 << 20


def upload_store(source: BinaryIO, *, suffix: str = "") -> Path:
    """Copy an uploaded stream into the upload directory; return the stored file's path."""
    directory = upload_directory()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}{suffix if suffix.isascii() and len(suffix) <= 10 else ''}"
    partial, final = directory / f".{name}.partial", directory / name
    limit = limits()["max_file_bytes"]
    try:
        try:
            upload_seal(iter(lambda: source.read(_BLOCK), b""), partial, limit=limit)
        except ValueError:
            raise FileRejected(
                f"文件大小超过上限 {limit} 字节", f"the file is larger than the limit of {limit} bytes"
            ) from None
        partial.replace(final)
    except OSError as error:
        partial.unlink(missing_ok=True)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise FileRejected(
                "服务器存储空间不足，文件未保存，请稍后再试", "the server's storage is full: the file was not saved"
            ) from None
        raise FileRejected("文件未能保存", f"the file could not be saved ({error.strerror})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final
