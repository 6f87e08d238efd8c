"""Restoring a backup file."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.utils import timezone

from .create import backup_audit, key_counts
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
    _cursor,
    _data_tables,
    _pg_env,
    _row_counts,
    _run,
    _table_names,
    data_rows,
    database_from_alias,
    pg_tool,
)

logger = logging.getLogger(__name__)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    counts: dict[str, int]
    media_root: Path | None = None  # None: media were not restored
    database_restored: bool = False
    media_files: int = 0
    notes: list[str] = field(default_factory=list)


# --- restore -------------------------------------------------------------------------------------


def _open_archive(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} 不是就近的备份文件（无法按 tar 读取）") from exc


def _read_manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    first = tar.next()
    f = tar.extractfile(first) if first is not None and first.name == MANIFEST else None
    if f is None:
        raise BackupError(f"{path} 不是就近的备份文件（开头没有 {MANIFEST}）")
    try:
        manifest = json.loads(f.read())
    except ValueError as exc:
        raise BackupError(f"{path} 的 {MANIFEST} 已损坏：{exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} 不是就近的备份文件")
    if not _manifest_complete(manifest):
        raise BackupError(f"{path} 的 {MANIFEST} 不完整")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本 {manifest.get('format_version')} 比本程序（{FORMAT_VERSION}）新：请先升级就近再恢复"
        )
    return manifest


def _manifest_complete(manifest: dict[str, Any]) -> bool:
    database, media = manifest.get("database"), manifest.get("media")
    return (
        isinstance(database, dict)
        and {"file", "sha256"} <= database.keys()
        and isinstance(media, dict)
        and "files" in media
        and isinstance(manifest.get("tables"), dict)
        and isinstance(manifest.get("created_at"), str)
        and "engine" in manifest
    )


def _check_engine(manifest: dict[str, Any], db: Database) -> None:
    source = manifest.get("engine")
    if source == db.engine:
        return
    raise BackupError(
        f"这是 {ENGINE_NAMES.get(str(source), source)} 数据库的备份，目标是 {ENGINE_NAMES[db.engine]} 数据库："
        "恢复只能在同一种数据库之间进行（SQLite 与 PostgreSQL 之间的迁移不在本命令的范围内）"
    )


def _check_empty(db: Database, force: bool) -> None:
    rows = data_rows(db)
    if rows and not force:
        labels = _data_tables()
        held = "，".join(f"{labels[t]} {n}" for t, n in rows.items())
        raise BackupError(
            f"目标数据库 {db.label} 不是空的（{held}）：恢复会覆盖其中全部数据。确需覆盖请加 --force。"
        )


def _extract_checked(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path, sha256: str) -> None:
    source = tar.extractfile(member)
    if source is None:
        raise BackupError(f"备份文件已损坏：{member.name} 不是普通文件")
    digest = hashlib.sha256()
    with dest.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != sha256:
        raise BackupError(f"备份文件已损坏：{member.name} 的校验和与清单不符，未做任何改动")


def _close_connections(db: Database) -> None:
    if db.alias is None:
        return
    if connections[db.alias].in_atomic_block:
        raise BackupError("恢复不能在数据库事务中进行")
    # Nothing of this process may hold the database open while it is replaced.
    connections.close_all()


def _restore_sqlite(db: Database, dump: Path) -> None:
    source = sqlite3.connect(str(dump))
    try:
        try:
            ok = source.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError:
            ok = False
        if not ok:
            raise BackupError("备份文件已损坏：其中的 SQLite 数据库未通过检查，未做任何改动")
        _close_connections(db)
        if db.alias is not None:
            # Into the live database through its own (WAL-mode) connection: the backup API writes the
            # pages under SQLite's locks, where copying a file over an open WAL database would corrupt it.
            connection = connections[db.alias]
            connection.ensure_connection()
            source.backup(connection.connection)
            return
        target = sqlite3.connect(str(db.params["NAME"]))
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.OperationalError as exc:  # "database is locked": the app is still running
        raise BackupError(f"无法写入 SQLite 数据库 {db.label}（请先停止应用服务和后台循环）：{exc}") from exc
    finally:
        source.close()


def _restore_postgresql(db: Database, dump: Path, manifest: dict[str, Any]) -> None:
    pg_restore = pg_tool("pg_restore", min_major=manifest["database"].get("pg_dump_major"))
    _close_connections(db)
    dbname = str(db.params.get("NAME") or "")
    # --clean --if-exists: drops what the dump holds first, so an emptied-but-migrated (or --force) target
    # takes it; one transaction: a failed restore leaves the target as it was.
    cmd = [
        str(pg_restore),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--no-password",
        "--dbname=dbname='{}'".format(dbname.replace("\\", "\\\\").replace("'", "\\'")),
        str(dump),
    ]
    _run(cmd, _pg_env(db.params), "pg_restore ")


def _media_target(root: Path, name: str) -> Path | None:
    """Where a media/… member goes, or None for a name that would leave MEDIA_ROOT."""
    rel = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if rel.is_absolute() or not rel.parts or ".." in rel.parts:
        return None
    return root.joinpath(*rel.parts)


def _restore_media_file(tar: tarfile.TarFile, member: tarfile.TarInfo, root: Path) -> bool:
    dest = _media_target(root, member.name)
    source = tar.extractfile(member) if member.isfile() else None
    if dest is None or source is None:
        return False  # directories are made as needed; links and devices are never restored
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".jiujin-restore")
    with part.open("wb") as out:
        shutil.copyfileobj(source, out, CHUNK)
    os.utime(part, (member.mtime, member.mtime))
    os.replace(part, dest)
    return True


def _verify_counts(db: Database, manifest: dict[str, Any]) -> dict[str, int]:
    expected: dict[str, int] = manifest["tables"]
    with _cursor(db) as cursor:
        present = set(_table_names(cursor, db.engine))
        counts = _row_counts(cursor, [t for t in expected if t in present])
    wrong = [
        f"{t} 应为 {n} 行，实为 {counts.get(t, '（无此表）')}"
        for t, n in expected.items()
        if counts.get(t) != n
    ]
    if wrong:
        raise BackupError("恢复后的行数与备份清单不符：" + "；".join(wrong[:10]))
    return counts


def _migration_notes(manifest: dict[str, Any]) -> list[str]:
    """Whether the restored schema matches this version of the code."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    restored: dict[str, str] = manifest.get("migrations", {})
    unknown = [f"{app}.{name}" for app, name in restored.items() if (app, name) not in graph.nodes]
    behind = [app for app, name in graph.leaf_nodes() if restored.get(app) != name and app not in unknown]
    notes = []
    if unknown:
        notes.append(f"备份来自更新版本的就近（本版本没有迁移 {'、'.join(unknown)}）：请升级程序后再使用")
    elif behind:
        notes.append(f"备份比当前程序旧（{'、'.join(sorted(behind))} 有未应用的迁移）：请运行 jiujin migrate")
    return notes


def _clear_caches() -> None:
    # Summaries cached from the database that was just replaced (Redis keeps them across the restore),
    # and this process's content-type ids, which the restored database may number differently.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    for name in settings.CACHES:
        try:
            caches[name].clear()
        except Exception as exc:  # a cache that is down must not fail a finished restore
            logger.warning("缓存 %s 未能清空：%s", name, exc)


def backup_restore(
    path: Path,
    *,
    db: Database | None = None,
    media_root: Path | None = None,
    force: bool = False,
    actor: Any = None,
) -> RestoreResult:
    """Restore the backup at `path` into `db` (default: this app's database) and its media into
    `media_root` (None: leave media alone). Refuses a non-empty target unless `force`."""
    from jiujin.audit.models import AuditAction

    path = Path(path)
    db = db or database_from_alias()
    with _open_archive(path) as tar:
        manifest = _read_manifest(tar, path)
        _check_engine(manifest, db)
        _check_empty(db, force)
        result = RestoreResult(manifest=manifest, counts={}, media_root=media_root)
        try:
            with tempfile.TemporaryDirectory(prefix="jiujin-restore-") as scratch:
                _restore_members(tar, manifest, db, media_root, Path(scratch), result)
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            raise BackupError(f"备份文件已损坏或不完整：{exc}") from exc
    if not result.database_restored:
        raise BackupError(f"备份文件已损坏：其中没有数据库（{manifest['database']['file']}）")
    if media_root is not None and result.media_files != manifest["media"]["files"]:
        result.notes.append(
            f"恢复了 {result.media_files} 个媒体文件，清单记有 {manifest['media']['files']} 个"
        )
    result.notes += _migration_notes(manifest)
    if db.alias is not None:
        _clear_caches()
    backup_audit(db, AuditAction.IMPORT, f"整库恢复：{path.name}（备份于 {_local_time(manifest)}）", actor)
    return result


def _restore_members(
    tar: tarfile.TarFile,
    manifest: dict[str, Any],
    db: Database,
    media_root: Path | None,
    scratch: Path,
    result: RestoreResult,
) -> None:
    """One pass over the rest of the archive (a .gz cannot be read twice cheaply): the database first,
    checked, then the media."""
    db_member = manifest["database"]["file"]
    while (member := tar.next()) is not None:
        if member.name == db_member == DB_MEMBER[db.engine] and not result.database_restored:
            dump = scratch / db_member
            _extract_checked(tar, member, dump, manifest["database"]["sha256"])
            if db.engine == "sqlite":
                _restore_sqlite(db, dump)
            else:
                _restore_postgresql(db, dump, manifest)
            result.counts = _verify_counts(db, manifest)
            result.database_restored = True
            dump.unlink()
        elif member.name.startswith(MEDIA_PREFIX) and media_root is not None:
            if not result.database_restored:
                raise BackupError("备份文件已损坏：媒体文件出现在数据库之前")
            result.media_files += _restore_media_file(tar, member, Path(media_root))


def _local_time(manifest: dict[str, Any]) -> str:
    return f"{timezone.localtime(datetime.fromisoformat(manifest['created_at'])):%Y-%m-%d %H:%M}"


def restore_summary(path: Path, result: RestoreResult) -> str:
    m = result.manifest
    rows = sum(result.counts.values())
    lines = [
        f"已从 {path} 恢复（{ENGINE_NAMES[m['engine']]}，备份于 {_local_time(m)}，就近 {m['jiujin_version']}）：",
        f"  {len(result.counts)} 张表共 {rows} 行，与备份清单一致；{key_counts(result.counts)}",
        f"  媒体文件 {result.media_files} 个，恢复到 {result.media_root}"
        if result.media_root is not None
        else "  媒体文件未恢复",
    ]
    lines += [f"  注意：{note}" for note in result.notes]
    return "\n".join(lines)
