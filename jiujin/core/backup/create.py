"""Writing a backup file."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import io
import json
import logging
import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from .database import (
    CHUNK,
    DB_MEMBER,
    ENGINE_NAMES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    BackupError,
    Database,
    _cache_tables,
    _data_tables,
    _latest_migrations,
    _pg_connect,
    _pg_env,
    _quote,
    _row_counts,
    _run,
    _table_names,
    _tool_major,
    database_from_alias,
    pg_tool,
)

logger = logging.getLogger(__name__)


# --- backup --------------------------------------------------------------------------------------


@dataclass
class _Dump:
    tables: dict[str, int]
    migrations: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)


def _dump_sqlite(db: Database, dest: Path) -> _Dump:
    assert db.alias is not None
    connection = connections[db.alias]
    connection.ensure_connection()
    target = sqlite3.connect(str(dest))
    try:
        # One step (pages=-1) under one read transaction: in WAL mode the app keeps writing meanwhile and
        # the copy is the database as of that moment.
        connection.connection.backup(target)
        # The copy inherits WAL mode from the live database; make it one self-contained file.
        target.execute("PRAGMA journal_mode=DELETE")
        cursor = target.cursor()
        tables = _table_names(cursor, "sqlite")
        for table in _cache_tables() & set(tables):
            cursor.execute(f"DELETE FROM {_quote(table)}")
        target.commit()
        return _Dump(_row_counts(cursor, tables), _latest_migrations(cursor, tables))
    finally:
        target.close()


def _dump_postgresql(db: Database, dest: Path) -> _Dump:
    conn = _pg_connect(db, autocommit=False)
    with conn:
        server_major, server_minor = divmod(conn.info.server_version, 10000)
        pg_dump = pg_tool("pg_dump", min_major=server_major)
        # Counts and dump share one snapshot: pg_dump --snapshot takes over this transaction's view, so the
        # manifest's row counts are exactly what the dump holds, however busy the app is.
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = _table_names(cursor, "postgresql")
            cache = _cache_tables() & set(tables)
            counts = _row_counts(cursor, [t for t in tables if t not in cache])
            counts.update(dict.fromkeys(cache, 0))
            migrations = _latest_migrations(cursor, tables)
        cmd = [str(pg_dump), "-Fc", "--no-password", f"--snapshot={snapshot}", "-f", str(dest)]
        cmd += [f"--exclude-table-data={_quote(t)}" for t in sorted(cache)]
        _run(cmd, _pg_env(db.params), "pg_dump ")
        conn.rollback()
    return _Dump(
        dict(sorted(counts.items())),
        migrations,
        {"server_version": f"{server_major}.{server_minor}", "pg_dump_major": _tool_major(pg_dump)},
    )


def _media_files(root: Path) -> list[Path]:
    """Regular files under MEDIA_ROOT; symlinks are left out (they could point anywhere)."""
    if not root.is_dir():
        return []
    files = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                files.append(path)
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _check_destination(path: Path) -> Path:
    if str(path) == "-":
        raise BackupError("请给出备份文件名（不支持输出到标准输出）")
    if path.is_dir():
        raise BackupError(f"{path} 是目录：请给出备份文件名，例如 {path / 'jiujin.tar'}")
    if not path.parent.is_dir():
        raise BackupError(f"目录不存在：{path.parent}")
    return path


def _jiujin_version() -> str:
    try:
        return importlib.metadata.version("jiujin")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def backup_audit(db: Database, action: str, detail: str, actor: Any) -> None:
    """An audit row where the database is this app's own; always a log line."""
    logger.info("%s: %s", action, detail)
    if db.alias is None:
        return  # a database named by URL is not ours to write the log into
    from jiujin.audit.services import Actor, audit_record

    try:
        with transaction.atomic(using=db.alias):
            audit_record(actor=actor or Actor(user=None, via="cli"), action=action, detail=detail[:200])
    except DatabaseError as exc:  # e.g. a restored backup from before the audit table changed
        logger.warning("审计日志未写入：%s", exc)


def backup_create(
    path: Path, *, db: Database | None = None, media_root: Path | None = None, actor: Any = None
) -> dict[str, Any]:
    """Write the backup to `path` (atomically, mode 0600: it holds personal data) and return its manifest."""
    from jiujin.audit.models import AuditAction

    path = _check_destination(Path(path))
    db = db or database_from_alias()
    if db.alias is None:
        raise BackupError("只能备份本程序配置的数据库")
    root = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    media = _media_files(root)
    # Scratch space next to the target: same file system (the rename stays atomic, a big dump does not
    # fill /tmp), and mkdtemp/mkstemp make it readable by the owner only.
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".jiujin-backup-") as scratch:
        dump_path = Path(scratch) / DB_MEMBER[db.engine]
        dump = _dump_sqlite(db, dump_path) if db.engine == "sqlite" else _dump_postgresql(db, dump_path)
        manifest = _manifest(db, dump, dump_path, media)
        _write_archive(path, manifest, dump_path, media, root)
    rows = sum(manifest["tables"].values())
    backup_audit(
        db, AuditAction.EXPORT, f"整库备份：{path.name}，{len(manifest['tables'])} 张表 {rows} 行", actor
    )
    return manifest


def _manifest(db: Database, dump: _Dump, dump_path: Path, media: list[Path]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "jiujin_version": _jiujin_version(),
        "engine": db.engine,
        "created_at": timezone.now().isoformat(),
        "database": {
            "file": DB_MEMBER[db.engine],
            "sha256": _sha256(dump_path),
            "size": dump_path.stat().st_size,
            **dump.extra,
        },
        "tables": dump.tables,
        "migrations": dump.migrations,
        "media": {"files": len(media), "bytes": sum(p.stat().st_size for p in media)},
    }


def _write_archive(
    path: Path, manifest: dict[str, Any], dump_path: Path, media: list[Path], root: Path
) -> None:
    compress = path.name.endswith((".gz", ".tgz"))
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            # compresslevel 6: nearly the size of 9 at a fraction of the time on a big database.
            kwargs: dict[str, Any] = {"compresslevel": 6} if compress else {}
            with tarfile.open(fileobj=f, mode="w:gz" if compress else "w", **kwargs) as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
                tar.add(dump_path, arcname=DB_MEMBER[manifest["engine"]], recursive=False)
                for file in media:
                    # A file deleted by the app since the listing is simply left out.
                    with contextlib.suppress(FileNotFoundError):
                        tar.add(
                            file, arcname=MEDIA_PREFIX + file.relative_to(root).as_posix(), recursive=False
                        )
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def backup_summary(path: Path, manifest: dict[str, Any]) -> str:
    size = Path(path).stat().st_size
    rows = sum(manifest["tables"].values())
    return (
        f"已备份到 {path}（{_size(size)}，{ENGINE_NAMES[manifest['engine']]}）："
        f"{len(manifest['tables'])} 张表共 {rows} 行，{key_counts(manifest['tables'])}；"
        f"媒体文件 {manifest['media']['files']} 个。"
    )


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def key_counts(counts: dict[str, int]) -> str:
    return "，".join(f"{label} {counts.get(table, 0)}" for table, label in _data_tables().items())
