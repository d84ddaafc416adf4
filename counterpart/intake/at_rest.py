"""Nothing of an import in clear on disk: sealed uploads, sealed spools, and the sweep of leftovers.

An upload holds identity numbers in clear, so it is stored *sealed*: AES-256-GCM in 1 MiB blocks
under a key derived (HKDF-SHA256, its own label) from the current identity key, the key id in the
header, each block bound to its position and to whether it is the last (no reordering, no silent
truncation), mode 0600. A batch reads it through ``upload_opened``, which decrypts into an anonymous
memory file (``memfd``; memory bounded by the upload size limit) that vanishes with the process — never
into a file on disk. A sealed upload is kept for a re-run or the error workbook for
``INTAKE_UPLOAD_RETENTION_DAYS`` (default 7) after its batch ended, then ``leftovers_sweep`` deletes it.

The spool of pass 1 (``SealedSpool``) is sealed under a random key that lives only in the importing
process's memory: a killed import leaves ciphertext nobody can read, which the sweep removes too (its
name carries the process id). On PostgreSQL persons are staged in a table instead (staged.py): it holds
numbers sealed, and is dropped when its batch is written, refused or fails; the sweep drops any an
ended batch left. The worker sweeps when idle; ``check-integrity`` sweeps and reports.
"""

import array
import contextlib
import datetime
import os
import pickle
import struct
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import timezone

MAGIC = b"CPSEAL1\n"
_BLOCK = 1 << 20
_NONCE = 12
SPOOL_PREFIX = "intake-"
SPOOL_SUFFIX = ".spool"


def _upload_key(key_id: str) -> bytes:
    master: bytes = settings.COUNTERPART_IDENTITY_KEYS[key_id]
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"counterpart intake upload").derive(master)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">Q?", index, last)


def _seal_blocks(target: BinaryIO, aead: AESGCM, header: bytes, blocks: Iterable[bytes]) -> int:
    """Write length-prefixed sealed blocks; the last one (possibly empty) is marked as last."""
    written, index, previous = 0, 0, None
    for block in blocks:
        if previous is not None:
            written += _write_block(target, aead, header, index, previous, last=False)
            index += 1
        previous = block
    written += _write_block(target, aead, header, index, previous or b"", last=True)
    return written


def _write_block(target: BinaryIO, aead: AESGCM, header: bytes, index: int, block: bytes, *, last: bool) -> int:
    nonce = os.urandom(_NONCE)
    sealed = aead.encrypt(nonce, block, _aad(header, index, last))
    target.write(struct.pack(">I", len(sealed)) + nonce + sealed)
    return len(block)


def _open_blocks(source: BinaryIO, aead: AESGCM, header: bytes) -> Iterator[bytes]:
    index = 0
    while True:
        length_bytes = source.read(4)
        if len(length_bytes) < 4:
            raise ValueError("sealed file truncated")
        (length,) = struct.unpack(">I", length_bytes)
        nonce, sealed = source.read(_NONCE), source.read(length)
        for last in (False, True):
            try:
                block = aead.decrypt(nonce, sealed, _aad(header, index, last))
            except Exception:
                continue
            yield block
            if last:
                return
            break
        else:
            raise ValueError("sealed file altered")
        index += 1


def upload_seal(chunks: Iterable[bytes], path: Path, *, limit: int | None = None) -> int:
    """Write an upload's bytes sealed to ``path`` (mode 0600); returns the clear size.

    Raises ValueError past ``limit`` bytes (the caller removes the partial file).
    """
    key_id: str = settings.COUNTERPART_IDENTITY_KEY_ID
    header = MAGIC + key_id.encode("ascii") + b"\n"
    aead = AESGCM(_upload_key(key_id))

    def blocks() -> Iterator[bytes]:
        size, pending = 0, b""
        for chunk in chunks:
            size += len(chunk)
            if limit is not None and size > limit:
                raise ValueError("upload larger than the limit")
            pending += chunk
            while len(pending) >= _BLOCK:
                yield pending[:_BLOCK]
                pending = pending[_BLOCK:]
        yield pending

    path.touch(mode=0o600)
    path.chmod(0o600)  # before a byte is written; an existing file keeps no wider mode
    with path.open("wb") as target:
        target.write(header)
        size = _seal_blocks(target, aead, header, blocks())
        target.flush()
        os.fsync(target.fileno())
    return size


def is_sealed(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


@contextlib.contextmanager
def upload_opened(path: Path) -> Iterator[Path]:
    """A path that reads the upload in clear for as long as the block runs: a memory file, never disk.

    A file that is not sealed (a path given on the command line) is yielded as it is.
    """
    if not is_sealed(path):
        yield path
        return
    with path.open("rb") as source:
        source.read(len(MAGIC))
        key_id = source.readline().rstrip(b"\n").decode("ascii")
        header = MAGIC + key_id.encode("ascii") + b"\n"
        aead = AESGCM(_upload_key(key_id))
        if hasattr(os, "memfd_create"):
            descriptor = os.memfd_create("counterpart-upload", 0)
            try:
                with os.fdopen(os.dup(descriptor), "wb") as clear:
                    for block in _open_blocks(source, aead, header):
                        clear.write(block)
                yield Path(f"/proc/self/fd/{descriptor}")
            finally:
                os.close(descriptor)
            return
        # Elsewhere (not Linux): a 0600 temporary file, removed when the block ends.
        with tempfile.NamedTemporaryFile(prefix="upload-", suffix=path.suffix) as clear_file:
            for block in _open_blocks(source, aead, header):
                clear_file.write(block)
            clear_file.flush()
            yield Path(clear_file.name)


class SealedSpool:
    """Pass 1's spool of typed rows: pickled chunks sealed under a key only this process holds."""

    def __init__(self) -> None:
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self._handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed by close())
            prefix=f"{SPOOL_PREFIX}{os.getpid()}-", suffix=SPOOL_SUFFIX
        )
        self._count = 0

    def dump(self, chunk: Any) -> None:
        nonce = os.urandom(_NONCE)
        sealed = self._aead.encrypt(
            nonce, pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL), struct.pack(">Q", self._count)
        )
        self._handle.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        self._count += 1

    def flush(self) -> None:
        self._handle.flush()

    def chunks(self) -> Iterator[Any]:
        self._handle.flush()
        with open(self._handle.name, "rb") as source:
            for index in range(self._count):
                (length,) = struct.unpack(">I", source.read(4))
                nonce, sealed = source.read(_NONCE), source.read(length)
                yield pickle.loads(self._aead.decrypt(nonce, sealed, struct.pack(">Q", index)))

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> "SealedSpool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SealedBlocks:
    """Blocks of bytes read back by index, sealed in a temporary file under a key only this process
    holds (the XLSX reader's shared strings: identity numbers among them); named like a spool, so the
    sweep removes what a killed process left."""

    def __init__(self) -> None:
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self._handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed by close())
            prefix=f"{SPOOL_PREFIX}{os.getpid()}-", suffix=SPOOL_SUFFIX
        )
        self._offsets = array.array("Q")  # where each block starts: 8 bytes a block
        self._end = 0

    def append(self, block: bytes) -> None:
        nonce = os.urandom(_NONCE)
        sealed = nonce + self._aead.encrypt(nonce, block, struct.pack(">Q", len(self._offsets)))
        self._offsets.append(self._end)
        self._handle.seek(self._end)
        self._handle.write(sealed)
        self._end += len(sealed)

    def __len__(self) -> int:
        return len(self._offsets)

    def read(self, index: int) -> bytes:
        start = self._offsets[index]
        end = self._offsets[index + 1] if index + 1 < len(self._offsets) else self._end
        self._handle.seek(start)
        sealed = self._handle.read(end - start)
        return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], struct.pack(">Q", index))

    def close(self) -> None:
        self._handle.close()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def upload_directory() -> Path:
    """Where uploads are kept: the only files the sweep may remove or seal (a path given on the command
    line is the user's own file and is left as it is)."""
    return Path(settings.MEDIA_ROOT) / "uploads"


def stage_tables_ended() -> list[str]:
    """PostgreSQL staging tables (``intake_stage_<batch id>``) of batches that ended or are gone.

    A staging table holds a file's rows as staged (names, birth dates, identity numbers sealed, blind
    indexes, masks) until its batch is written or refused; one whose batch ended (a failure the drop
    did not reach, a killed batch marked invalid later) is never read again. Batches still queued,
    validating or writing keep theirs: a killed one resumes from it.
    """
    from django.db import connection

    from .models import BatchStatus, ImportBatch

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'intake\\_stage\\_%%'")
        names = [row[0] for row in cursor.fetchall()]
    running = (BatchStatus.QUEUED, BatchStatus.VALIDATING, BatchStatus.WRITING)
    open_ids = set(ImportBatch.objects.filter(status__in=running).values_list("id", flat=True))
    return [name for name in names if name.rsplit("_", 1)[1].isdigit() and int(name.rsplit("_", 1)[1]) not in open_ids]


def leftovers_sweep(now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove what imports left: spools of dead processes, uploads of ended batches past retention,
    staging tables of ended batches (PostgreSQL).

    Clear uploads (written before sealing existed) of ended batches are removed at once; of open
    batches they are sealed in place. Returns how many of each were removed or sealed.
    """
    from django.db import connection

    from .models import BatchStatus, ImportBatch

    removed = {"spools": 0, "uploads": 0, "sealed": 0, "stages": 0}
    for table in stage_tables_ended():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
        removed["stages"] += 1
    for spool in Path(tempfile.gettempdir()).glob(f"{SPOOL_PREFIX}*{SPOOL_SUFFIX}"):
        pid_text = spool.name[len(SPOOL_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or not _process_alive(int(pid_text)):
            spool.unlink(missing_ok=True)
            removed["spools"] += 1
    now = now or timezone.now()
    days = float(getattr(settings, "INTAKE_UPLOAD_RETENTION_DAYS", 7))
    ended = (BatchStatus.DONE, BatchStatus.INVALID, BatchStatus.FAILED)
    batches = ImportBatch.objects.exclude(file_path="")
    for batch in batches.only("id", "file_path", "status", "finished_at", "created_at"):
        path = Path(batch.file_path)
        if not path.exists() or not path.resolve().is_relative_to(upload_directory().resolve()):
            continue
        finished = batch.finished_at or batch.created_at
        if batch.status in ended and (not is_sealed(path) or finished < now - datetime.timedelta(days=days)):
            path.unlink(missing_ok=True)
            removed["uploads"] += 1
        elif not is_sealed(path):
            sealed = path.with_name(f".{path.name}.sealing")
            with path.open("rb") as source:
                upload_seal(iter(lambda: source.read(_BLOCK), b""), sealed)
            sealed.replace(path)
            removed["sealed"] += 1
    return removed
