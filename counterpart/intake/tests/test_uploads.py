"""Uploads are stored whole or not at all: a full disk refuses the upload cleanly and leaves nothing."""

import errno
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from counterpart.intake.at_rest import upload_opened
from counterpart.intake.uploads import upload_directory, upload_store
from counterpart.intake.validation import FileRejected
from counterpart.integrity.checks import Severity, integrity_run


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs (needs root and mount); skipped where the machine cannot mount one."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_an_upload_is_stored_whole(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = os.urandom(3 * 1024 * 1024 + 17)
    stored = upload_store(io.BytesIO(data), suffix=".csv")
    assert data not in stored.read_bytes() and stored.stat().st_mode & 0o777 == 0o600
    with upload_opened(stored) as clear:
        assert clear.read_bytes() == data
    assert [p.name for p in upload_directory().iterdir()] == [stored.name]


@pytest.mark.django_db
def test_a_full_disk_refuses_the_upload_and_leaves_nothing(settings, tiny_disk: Path) -> None:
    # given: uploads on a disk of 256 KiB
    settings.MEDIA_ROOT = tiny_disk
    small = upload_store(io.BytesIO(b"a,b\n1,2\n"), suffix=".csv")
    # when: a 1 MiB upload arrives
    with pytest.raises(FileRejected) as refused:
        upload_store(io.BytesIO(os.urandom(1024 * 1024)), suffix=".csv")
    # then: a clean refusal that says why, no partial file, the earlier upload intact, and room again
    assert "storage is full" in refused.value.message_en
    assert sorted(p.name for p in upload_directory().iterdir()) == [small.name]
    with upload_opened(small) as clear:  # stored sealed (intake/at_rest.py)
        assert clear.read_bytes() == b"a,b\n1,2\n"
    with upload_opened(upload_store(io.BytesIO(b"x" * 1000))) as clear:
        assert clear.stat().st_size == 1000
    assert [f for f in integrity_run() if f.count and f.check.severity == Severity.ERROR] == []


def test_enospc_from_the_storage_is_refused_where_tmpfs_cannot_be_mounted(
    settings, tmp_path: Path, monkeypatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    real_open = Path.open

    def failing_open(self: Path, mode: str = "r", *args, **kwargs):
        handle = real_open(self, mode, *args, **kwargs)
        if "w" in mode:

            def write(_data: bytes) -> int:
                raise OSError(errno.ENOSPC, "No space left on device")

            handle.write = write  # type: ignore[method-assign, assignment]
        return handle

    monkeypatch.setattr(Path, "open", failing_open)
    with pytest.raises(FileRejected) as refused:
        upload_store(io.BytesIO(b"data"))
    assert "storage is full" in refused.value.message_en
    assert list(upload_directory().iterdir()) == []
