"""The database side of backup and restore: which database, its tables, the PostgreSQL programs."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

FORMAT = "jiujin-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}
MEDIA_PREFIX = "media/"
ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Where Debian/Ubuntu put each installed PostgreSQL version's client programs.
PG_LIB_GLOB = "/usr/lib/postgresql/*/bin"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese)."""


@dataclass(frozen=True)
class Database:
    """A database to back up or restore into: a Django alias, or one named only by a URL (`--database-url`)."""

    engine: str  # "sqlite" or "postgresql"
    params: dict[str, Any]  # a DATABASES entry
    alias: str | None = None

    @property
    def label(self) -> str:
        """How messages name it, never with the password."""
        p = self.params
        if self.engine == "sqlite":
            return str(p.get("NAME", ""))
        return f"{p.get('NAME', '')}@{p.get('HOST') or 'localhost'}:{p.get('PORT') or 5432}"


def _engine(params: dict[str, Any]) -> str:
    engine = ENGINES.get(str(params.get("ENGINE", "")))
    if engine is None:
        raise BackupError(f"只支持 SQLite 和 PostgreSQL 数据库，不支持 {params.get('ENGINE')}")
    return engine


def database_from_alias(alias: str = "default") -> Database:
    # The connection's settings, not settings.DATABASES: under test they name the test database.
    params = dict(connections[alias].settings_dict)
    return Database(engine=_engine(params), params=params, alias=alias)


def database_from_url(url: str) -> Database:
    try:
        params = dict(dj_database_url.parse(url))
    except (ValueError, KeyError) as exc:
        raise BackupError(f"无法识别的数据库地址：{exc}") from exc
    return Database(engine=_engine(params), params=params)


# --- reading tables ------------------------------------------------------------------------------


def _quote(name: str) -> str:
    # Both engines quote identifiers the SQL-standard way.
    return '"' + name.replace('"', '""') + '"'


def _pg_conninfo(params: dict[str, Any]) -> dict[str, str]:
    """libpq keywords for psycopg.connect() from a DATABASES entry."""
    info = {
        "dbname": params.get("NAME"),
        "user": params.get("USER"),
        "password": params.get("PASSWORD"),
        "host": params.get("HOST"),
        "port": params.get("PORT"),
    }
    options = params.get("OPTIONS") or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile", "service", "connect_timeout"):
        info[key] = options.get(key)
    return {k: str(v) for k, v in info.items() if v not in (None, "")}


def _pg_env(params: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: connection settings (the password above all) go there, never
    on the command line, where every user of the machine can read them in the process list."""
    # Inherited PG* variables stay: Django's own libpq connection reads them just the same.
    env = dict(os.environ)
    for key, value in _pg_conninfo(params).items():
        # libpq's variables are its keywords upper-cased (PGHOST, PGSSLMODE…), but for dbname.
        env["PGDATABASE" if key == "dbname" else "PG" + key.upper()] = value
    env["PGAPPNAME"] = "jiujin-backup"
    return env


def _pg_connect(db: Database, *, autocommit: bool) -> Any:
    import psycopg
    from psycopg.conninfo import make_conninfo

    try:
        return psycopg.connect(make_conninfo("", **_pg_conninfo(db.params)), autocommit=autocommit)
    except psycopg.Error as exc:
        raise BackupError(f"无法连接数据库 {db.label}：{exc}") from exc


@contextlib.contextmanager
def _cursor(db: Database) -> Iterator[Any]:
    """A DB-API cursor on `db`: Django's own for an alias (it sees what this process's connection sees,
    e.g. the in-memory test database), a fresh connection for a URL."""
    if db.alias is not None:
        with connections[db.alias].cursor() as cursor:
            yield cursor
        return
    if db.engine == "sqlite":
        conn = sqlite3.connect(str(db.params["NAME"]))
        try:
            yield conn.cursor()
        finally:
            conn.close()
        return
    pg = _pg_connect(db, autocommit=True)
    with pg, pg.cursor() as cursor:
        yield cursor


def _table_names(cursor: Any, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(row[0] for row in cursor.fetchall())


def _row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _latest_migrations(cursor: Any, tables: list[str]) -> dict[str, str]:
    """The last migration applied per app, in the order they were applied."""
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())


def _cache_tables() -> set[str]:
    # Cached summaries are rebuilt on demand, and stale ones restored into another database would lie.
    return {
        str(c["LOCATION"])
        for c in settings.CACHES.values()
        if c.get("BACKEND") == "django.core.cache.backends.db.DatabaseCache"
    }


def _data_tables() -> dict[str, str]:
    """The tables whose rows make a database "not empty", with what they hold: users, the org tree, cadres
    and the audit log. Everything else hangs off these; a freshly migrated database has rows only in
    Django's bookkeeping (migrations, content types, permissions, the cache), which do not count."""
    from jiujin.accounts.models import User
    from jiujin.audit.models import AuditEvent
    from jiujin.cadres.models import Cadre
    from jiujin.orgs.models import OrgUnit

    return {
        User._meta.db_table: "用户",
        OrgUnit._meta.db_table: "单位",
        Cadre._meta.db_table: "老干部",
        AuditEvent._meta.db_table: "审计事件",
    }


def data_rows(db: Database) -> dict[str, int]:
    """Rows in the data tables that hold any (missing tables hold none)."""
    with _cursor(db) as cursor:
        present = set(_table_names(cursor, db.engine))
        counts = _row_counts(cursor, [t for t in _data_tables() if t in present])
    return {t: n for t, n in counts.items() if n}


# --- PostgreSQL client programs ------------------------------------------------------------------


def _tool_major(path: Path) -> int | None:
    """The major version `path --version` reports ("pg_dump (PostgreSQL) 15.5 (Debian …)" → 15)."""
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s*(\d+)", out) or re.search(r"(\d+)\.\d+", out)
    return int(match.group(1)) if match else None


def _tool_candidates(name: str) -> list[Path]:
    if folder := os.environ.get("JIUJIN_PG_BIN"):
        return [Path(folder) / name]
    found = [Path(p) for p in [shutil.which(name)] if p]

    def version(p: Path) -> int:
        return int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0

    # Newest first: a newer pg_dump reads older servers, an older one refuses newer servers.
    found += sorted(Path("/").glob(PG_LIB_GLOB.lstrip("/") + "/" + name), key=version, reverse=True)
    return found


def pg_tool(name: str, min_major: int | None = None) -> Path:
    """pg_dump or pg_restore: from JIUJIN_PG_BIN, else PATH, else the newest /usr/lib/postgresql/*/bin;
    the first whose major version is at least `min_major` (pg_dump refuses a newer server; pg_restore
    cannot read an archive a newer pg_dump wrote)."""
    found = [(p, _tool_major(p)) for p in _tool_candidates(name) if p.is_file()]
    if not found:
        raise BackupError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client），"
            "或用环境变量 JIUJIN_PG_BIN 指向其 bin 目录"
        )
    for path, major in found:
        if major is not None and (min_major is None or major >= min_major):
            return path
    seen = "、".join(f"{p}（{m or '版本未知'}）" for p, m in found)
    raise BackupError(
        f"{name} 的版本低于 {min_major}（找到：{seen}）：请安装 {min_major} 或更新版本的 PostgreSQL 客户端，"
        "或用环境变量 JIUJIN_PG_BIN 指向其 bin 目录"
    )


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what}失败（退出码 {result.returncode}）：{result.stderr.strip()[-2000:]}")
