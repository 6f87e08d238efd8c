"""Uploaded rosters kept between the preview and the "确认导入" click.

Each upload is `var/uploads/<token><suffix>` plus `<token>.json` naming its owner, the target unit and
the original file name. A token only works for the user who uploaded it, and only for a while.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
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
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def save_upload(*, chunks: Iterable[bytes], filename: str, user_id: int, unit_code: str) -> StoredUpload:
    purge_expired()
    token = secrets.token_urlsafe(24)
    suffix = Path(filename).suffix.lower()
    path = _dir() / f"{token}{suffix}"
    with path.open("wb") as f:
        for chunk in chunks:
            f.write(chunk)
    meta = {
        "user_id": user_id,
        "unit_code": unit_code,
        "filename": filename,
        "suffix": suffix,
        "at": time.time(),
    }
    (_dir() / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False))
    return StoredUpload(token, path, user_id, unit_code, filename)


def load_upload(token: str, *, user_id: int) -> StoredUpload | None:
    """The upload behind a token, if it belongs to this user and has not expired."""
    if not _TOKEN.match(token or ""):
        return None
    try:
        meta = json.loads((_dir() / f"{token}.json").read_text())
    except (OSError, ValueError):
        return None
    path = _dir() / f"{token}{meta.get('suffix', '')}"
    if (
        meta.get("user_id") != user_id
        or time.time() - meta.get("at", 0) > UPLOAD_TTL_SECONDS
        or not path.exists()
    ):
        return None
    return StoredUpload(token, path, user_id, meta["unit_code"], meta["filename"])


def delete_upload(upload: StoredUpload) -> None:
    upload.path.unlink(missing_ok=True)
    (upload.path.parent / f"{upload.token}.json").unlink(missing_ok=True)


def purge_expired() -> None:
    cutoff = time.time() - UPLOAD_TTL_SECONDS
    for path in _dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
