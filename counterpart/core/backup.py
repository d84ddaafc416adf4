"""Backing up and restoring the whole database, on either engine (docs/operations.md).

SQLite: SQLite's online backup API copies a consistent snapshot while the app keeps running.
PostgreSQL: ``pg_dump -Fc`` (one consistent snapshot, compressed) and ``pg_restore`` in one
transaction, so a failed restore leaves the target as it was. The tools are found on PATH or in
/usr/lib/postgresql/<version>/bin (Debian's location), newest first.

A backup is written to ``FILE.partial`` and renamed when complete, so a backup that was killed
half-way never looks like a finished one. A restore refuses a database that already holds tables
unless ``force`` is given: restoring over live data by mistake would lose everything since.
"""

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in both languages."""


def _postgresql_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise BackupError(f"找不到 {name}（请安装 postgresql-client）{name} not found: install postgresql-client")
    return candidates[-1]


def _postgresql_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables, so no password appears on a command line (visible in ps)."""
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def database_is_empty() -> bool:
    """True when the configured database holds no tables at all (a fresh database)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return cursor.fetchone()[0] == 0


def database_backup(target: Path) -> Path:
    """Write a consistent backup of the configured database to ``target``."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "postgresql":
            env = _postgresql_environment(connection.settings_dict)
            result = subprocess.run(
                [_postgresql_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", partial],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump 失败 failed: {result.stderr.strip()}")
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            source = connection.connection
            destination = sqlite3.connect(partial)
            try:
                source.backup(destination)
            finally:
                destination.close()
        else:
            raise BackupError(f"不支持的数据库 unsupported database: {connection.vendor}")
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _backup_engine(source: Path) -> str:
    with source.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError("不是 counterpart backup 生成的备份文件 Not a backup written by counterpart backup")


def database_restore(source: Path, *, force: bool = False) -> None:
    """Replace the configured database with the backup in ``source``.

    Refuses a non-empty database unless ``force``; refuses a backup of the other engine.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"找不到备份文件 backup not found: {source}")
    engine = _backup_engine(source)
    if engine != connection.vendor:
        raise BackupError(
            f"备份来自 {engine}，当前数据库是 {connection.vendor} "
            f"the backup is of {engine}, the configured database is {connection.vendor}"
        )
    if engine == "sqlite":
        # A fresh installation has no database file yet, nor perhaps its directory.
        Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if not force and not database_is_empty():
        raise BackupError(
            "目标数据库不为空；确认要覆盖请加 --force "
            "The target database is not empty; add --force to overwrite it with the backup"
        )
    if engine == "postgresql":
        env = _postgresql_environment(connection.settings_dict)
        connection.close()
        command = [_postgresql_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        command += ["--single-transaction", "--dbname", env["PGDATABASE"]]
        if force:
            command += ["--clean", "--if-exists"]
        result = subprocess.run([*command, source], env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(
                f"pg_restore 失败 failed（数据库未改动 the database was left as it was）: {result.stderr}"
            )
        return
    connection.ensure_connection()
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        # The backup API replaces every page of the target in one step, as one write transaction.
        backup.backup(connection.connection)
    finally:
        backup.close()
    connection.close()
