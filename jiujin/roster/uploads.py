"""Uploaded rosters kept between the preview and the "确认导入" click.

Each upload is `var/uploads/<token><suffix>` plus `<token>.json` naming its owner, the target unit and
the original file name. A token only works for the user who uploaded it, and only for a while.

Files are private to the server's user (0600 in a 0700 directory) and never outlive their use: the
confirm claims an upload by renaming it (atomic, so a double click imports once), and whatever happens
next deletes it; a successful import leaves only a small marker saying so. Anything older than the TTL is
deleted whenever a new upload is saved.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings

UPLOAD_TTL_SECONDS = 2 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    path: Path
    user_id: int
    unit_code: str
    filename: str


def _dir() -> Path:
    directory = Path(settings.VAR_DIR) / "uploads"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory.stat().st_mode & 0o077:
        directory.chmod(0o700)  # made by an older version
    return directory


def _write_private(path: Path, chunks: Iterable[bytes]) -> None:
    """Create `path` as 0600 from the start (no window in which others may read it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _meta_path(token: str) -> Path:
    return _dir() / f"{token}.json"


def _claimed_path(token: str, suffix: str) -> Path:
    return _dir() / f"{token}.claimed{suffix}"


def save_upload(*, chunks: Iterable[bytes], filename: str, user_id: int, unit_code: str) -> StoredUpload:
    purge_expired()
    token = secrets.token_urlsafe(24)
    suffix = Path(filename).suffix.lower()
    path = _dir() / f"{token}{suffix}"
    _write_private(path, chunks)
    meta = {
        "user_id": user_id,
        "unit_code": unit_code,
        "filename": filename,
        "suffix": suffix,
        "at": time.time(),
    }
    _write_private(_meta_path(token), [json.dumps(meta, ensure_ascii=False).encode()])
    return StoredUpload(token, path, user_id, unit_code, filename)


def load_upload(token: str, *, user_id: int) -> StoredUpload | None:
    """The upload behind a token, if it belongs to this user and has not expired."""
    meta = _read_meta(token, user_id)
    if meta is None or meta.get("imported"):
        return None
    path = _dir() / f"{token}{meta.get('suffix', '')}"
    if not path.exists():
        return None
    return StoredUpload(token, path, user_id, meta["unit_code"], meta["filename"])


def _read_meta(token: str, user_id: int) -> dict | None:
    if not _TOKEN.match(token or ""):
        return None
    try:
        meta = json.loads(_meta_path(token).read_text())
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id or time.time() - meta.get("at", 0) > UPLOAD_TTL_SECONDS:
        return None
    return meta


def claim_upload(upload: StoredUpload) -> StoredUpload | None:
    """Take the upload for importing; None if another request has taken it (a double click).

    rename() is atomic: of two concurrent confirms exactly one gets the file.
    """
    claimed = _claimed_path(upload.token, upload.path.suffix)
    try:
        upload.path.rename(claimed)
    except FileNotFoundError:
        return None
    return replace(upload, path=claimed)


def upload_state(token: str, *, user_id: int) -> str | None:
    """For a token whose file is gone: "imported", "importing" (claimed by another request) or None."""
    meta = _read_meta(token, user_id)
    if meta is None:
        return None
    if meta.get("imported"):
        return "imported"
    if _claimed_path(token, meta.get("suffix", "")).exists():
        return "importing"
    return None


def mark_imported(upload: StoredUpload) -> None:
    """Delete the file; keep only a marker (no file name, no unit) so a repeated confirm can say so."""
    upload.path.unlink(missing_ok=True)
    meta = {"user_id": upload.user_id, "at": time.time(), "imported": True}
    tmp = _dir() / f"{upload.token}.json.tmp"
    tmp.unlink(missing_ok=True)
    _write_private(tmp, [json.dumps(meta).encode()])
    tmp.replace(_meta_path(upload.token))


def delete_upload(upload: StoredUpload) -> None:
    upload.path.unlink(missing_ok=True)
    _claimed_path(upload.token, upload.path.suffix).unlink(missing_ok=True)
    _meta_path(upload.token).unlink(missing_ok=True)


def purge_expired() -> None:
    cutoff = time.time() - UPLOAD_TTL_SECONDS
    for path in _dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
