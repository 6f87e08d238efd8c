"""Backup and restore: one file holding the whole database and the uploaded media.

A backup is a tar (gzip when the name ends in .gz or .tgz) holding, in this order:

    manifest.json   format, versions, engine, time, every table's row count, latest migration per app
    db.sqlite3      SQLite: a copy made with the online backup API (consistent while the app writes)
    db.dump         PostgreSQL: `pg_dump -Fc`, run in the very snapshot the row counts were read in
    media/…         every file under MEDIA_ROOT

The manifest comes first so that restore can refuse a wrong file (other engine, newer format) before it
reads or unzips the rest, and the database comes before the media so a restore touches nothing on disk
before the database is back and checked.
"""

from .create import backup_create, backup_summary
from .database import BackupError, Database, data_rows, database_from_alias, database_from_url, pg_tool
from .restore import RestoreResult, backup_restore, restore_summary

__all__ = [
    "BackupError",
    "Database",
    "RestoreResult",
    "backup_create",
    "backup_restore",
    "backup_summary",
    "data_rows",
    "database_from_alias",
    "database_from_url",
    "pg_tool",
    "restore_summary",
]
