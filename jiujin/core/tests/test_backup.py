"""`jiujin backup` / `jiujin restore`: a round trip keeps every row, on SQLite and on PostgreSQL.

Transactional tests throughout: pg_dump and pg_restore are other processes and see only committed rows.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jiujin.accounts.models import Role, User
from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.audit.services import Actor, audit_record
from jiujin.cadres.models import Cadre, Tag
from jiujin.cadres.tests.factories import CadreFactory, FamilyContactFactory
from jiujin.core.backup import BackupError, pg_tool

transactional = pytest.mark.django_db(transaction=True)
PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg \x00\x01"


def vendor() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


# --- comparing databases -------------------------------------------------------------------------


def tables(cursor: Any, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return sorted(r[0] for r in cursor.fetchall())


def row_counts(cursor: Any, engine: str) -> dict[str, int]:
    counts = {}
    for table in tables(cursor, engine):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def checksum(cursor: Any, engine: str, table: str, up_to_id: int | None = None) -> str:
    """sha256 over the table's rows in id order, each row as the database itself renders it."""
    where = f" WHERE id <= {int(up_to_id)}" if up_to_id is not None else ""
    if engine == "sqlite":
        cursor.execute(f"SELECT name FROM pragma_table_info('{table}')")
        columns = ", ".join(f'"{r[0]}"' for r in cursor.fetchall())
        cursor.execute(f'SELECT json_array({columns}) FROM "{table}"{where} ORDER BY id')
    else:
        cursor.execute("SET TIME ZONE 'UTC'")  # timestamps render in the session's zone
        cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t{where} ORDER BY id')
    digest = hashlib.sha256()
    for (row,) in cursor.fetchall():
        digest.update(row.encode() + b"\n")
    return digest.hexdigest()


CADRES, AUDIT = Cadre._meta.db_table, AuditEvent._meta.db_table


def state(cursor: Any, engine: str, audit_up_to: int | None = None) -> dict[str, Any]:
    return {
        "counts": row_counts(cursor, engine),
        "cadres": checksum(cursor, engine, CADRES),
        "audit": checksum(cursor, engine, AUDIT, audit_up_to),
    }


def live_state(audit_up_to: int | None = None) -> dict[str, Any]:
    with connection.cursor() as cursor:
        return state(cursor, vendor(), audit_up_to)


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "photos").mkdir(parents=True)
    (settings.MEDIA_ROOT / "photos" / "张德明.jpg").write_bytes(PHOTO)
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def data(tree: Any, cast: Any, cadre_a: Any, media: Path) -> dict[str, Any]:
    """Real rows of every kind the emptiness check and the checksums look at, audit JSON included."""
    tag = Tag.objects.create(org_unit=tree.district, name="书法")
    cadres = [cadre_a, *CadreFactory.create_batch(4, community=tree.community_a)]
    cadres[1].tags.add(tag)
    FamilyContactFactory(cadre=cadre_a)
    for c in cadres:
        audit_record(
            actor=Actor(user=cast.community_a, ip="10.0.0.7"),
            action=AuditAction.UPDATE,
            cadre=c,
            detail="详情页",
            changes={"phone_mobile": ["13800000000", c.phone_mobile], "备注": "中文"},
        )
    return live_state()


@pytest.fixture
def backup_file(data: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "backups" / "jiujin.tar.gz"
    path.parent.mkdir()
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def restore(path: Path, *args: str, **options: Any) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out, **options)
    return out.getvalue()


def empty_the_database(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)  # like a fresh `jiujin migrate`
    (media / "photos" / "张德明.jpg").unlink()


@pytest.fixture
def second_database(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A new, empty database on the same server: its URL, and how to open it."""
    if vendor() == "sqlite":
        path = tmp_path / "second.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    import psycopg

    p = connection.settings_dict
    name = f"{p['NAME']}_restore"
    server = dict(host=p["HOST"] or None, port=p["PORT"] or None, user=p["USER"] or None)
    admin = psycopg.connect(dbname="postgres", password=p["PASSWORD"] or None, autocommit=True, **server)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    auth = f"{quote(p['USER'])}:{quote(p['PASSWORD'] or '')}@" if p["USER"] else ""
    url = f"postgres://{auth}{p['HOST'] or 'localhost'}:{p['PORT'] or 5432}/{name}"
    try:
        yield url, lambda: psycopg.connect(url, autocommit=True)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def rewrite(source: Path, dest: Path, change: Any) -> Path:
    """A copy of the backup with `change(name, bytes) -> bytes | None` applied to each member."""
    with tarfile.open(source) as tar, tarfile.open(dest, "w") as out:
        for member in tar:
            f = tar.extractfile(member)
            data = change(member.name, f.read() if f else b"")
            if data is not None:
                member.size = len(data)
                out.addfile(member, io.BytesIO(data))
    return dest


# --- tests ---------------------------------------------------------------------------------------


@transactional
def test_it_round_trips_into_an_emptied_database(
    backup_file: Path, data: dict[str, Any], media: Path
) -> None:
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__startswith="整库备份").exists()
    last_audit_id = AuditEvent.objects.exclude(action=AuditAction.EXPORT).latest("id").id
    empty_the_database(media)
    assert not Cadre.objects.exists()

    out = restore(backup_file)

    # The restore adds its own audit row after the restored ones; the backup's own row came after the dump.
    after = live_state(audit_up_to=last_audit_id)
    assert after["cadres"] == data["cadres"]
    assert after["audit"] == data["audit"]
    expected = {**data["counts"], AUDIT: data["counts"][AUDIT] + 1}
    assert after["counts"] == expected
    assert AuditEvent.objects.order_by("-id").first().detail.startswith("整库恢复")  # type: ignore[union-attr]
    assert (media / "photos" / "张德明.jpg").read_bytes() == PHOTO
    assert "与备份清单一致" in out and "老干部 5" in out and "媒体文件 1 个" in out
    # Logins still work against the restored users.
    assert User.objects.get(username="worker-a").check_password("jiujin-test-Pa55")


@transactional
def test_it_restores_into_another_database_by_url(
    backup_file: Path, data: dict[str, Any], second_database: tuple[str, Any], tmp_path: Path
) -> None:
    url, open_second = second_database

    out = restore(backup_file, database_url=url, media_root=str(tmp_path / "staging-media"))

    engine = vendor()
    second = open_second()
    try:
        assert state(second.cursor(), engine) == data  # every table, not one audit row more
    finally:
        second.close()
    assert (tmp_path / "staging-media" / "photos" / "张德明.jpg").read_bytes() == PHOTO
    assert "与备份清单一致" in out


@transactional
def test_it_refuses_a_database_with_data_unless_forced(
    backup_file: Path, data: dict[str, Any], tree: Any
) -> None:
    User.objects.create_user(username="after-backup", password="x" * 12, role=Role.COMMUNITY)
    with pytest.raises(CommandError, match=r"不是空的.*--force"):
        restore(backup_file)
    assert User.objects.filter(username="after-backup").exists()

    restore(backup_file, "--force")

    assert not User.objects.filter(username="after-backup").exists()
    after = live_state()
    assert after["cadres"] == data["cadres"]
    assert {t: n for t, n in after["counts"].items() if t != AUDIT} == {
        t: n for t, n in data["counts"].items() if t != AUDIT
    }


@transactional
def test_it_refuses_a_wrong_or_damaged_file_and_changes_nothing(backup_file: Path, tmp_path: Path) -> None:
    cadres = Cadre.objects.count()
    garbage = tmp_path / "garbage.tar"
    garbage.write_bytes(b"this is no backup" * 100)
    with pytest.raises(CommandError, match="不是就近的备份文件"):
        restore(garbage, "--force")

    no_manifest = rewrite(
        backup_file, tmp_path / "no-manifest.tar", lambda n, b: None if n == "manifest.json" else b
    )
    with pytest.raises(CommandError, match="不是就近的备份文件"):
        restore(no_manifest, "--force")

    def flip(name: str, body: bytes) -> bytes:
        if name.startswith("db."):
            middle = len(body) // 2
            return body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1 :]
        return body

    with pytest.raises(CommandError, match="已损坏"):
        restore(rewrite(backup_file, tmp_path / "flipped.tar", flip), "--force")

    def other_engine(name: str, body: bytes) -> bytes:
        if name != "manifest.json":
            return body
        manifest = json.loads(body)
        manifest["engine"] = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"
        return json.dumps(manifest).encode()

    with pytest.raises(CommandError, match="同一种数据库"):
        restore(rewrite(backup_file, tmp_path / "other.tar", other_engine), "--force")

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(backup_file.read_bytes()[: backup_file.stat().st_size // 2])
    with pytest.raises(CommandError, match=r"已损坏|不完整"):
        restore(truncated, "--force")
    assert Cadre.objects.count() == cadres


@transactional
def test_it_writes_an_owner_only_file_and_nothing_else(backup_file: Path) -> None:
    assert backup_file.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in backup_file.parent.iterdir()] == [backup_file.name]  # no temp files left
    with tarfile.open(backup_file) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert names[0] == "manifest.json"
    assert names[1] == ("db.sqlite3" if vendor() == "sqlite" else "db.dump")
    assert "media/photos/张德明.jpg" in names
    assert manifest["engine"] == vendor()
    assert manifest["tables"][CADRES] == 5
    assert manifest["migrations"]["cadres"].startswith("00")


@transactional
def test_it_refuses_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="目录不存在"):
        call_command("backup", str(tmp_path / "missing" / "jiujin.tar"))
    with pytest.raises(CommandError, match="是目录"):
        call_command("backup", str(tmp_path))


def test_it_wants_a_pg_dump_at_least_as_new_as_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.16 (Debian 13.16-1)'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("JIUJIN_PG_BIN", str(tmp_path))

    assert pg_tool("pg_dump", min_major=13) == fake
    with pytest.raises(BackupError, match="版本低于 15"):
        pg_tool("pg_dump", min_major=15)
    with pytest.raises(BackupError, match="找不到 pg_restore"):
        pg_tool("pg_restore")
