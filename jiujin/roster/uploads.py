"""Uploaded rosters kept between the preview and the "确认导入" click.

They live in the database (PendingUpload), not on one host's disk, so the confirm may reach another app
server than the preview. A token only works for the user who uploaded it, and only for a while. The
confirm claims an upload with a conditional UPDATE (a double click imports once); whatever happens next
removes the content: a successful import leaves only a marker without file name or unit, anything else
deletes the row. Anything older than the TTL is deleted whenever a new upload is saved.

The importer reads a file, so it gets a private temporary copy that is deleted when it is done.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from .models import PendingUpload, UploadState

UPLOAD_TTL = timedelta(hours=2)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    user_id: int
    unit_code: str
    filename: str


def _fresh(token: str, user_id: int) -> QuerySet[PendingUpload]:
    if not _TOKEN.match(token or ""):
        return PendingUpload.objects.none()
    return PendingUpload.objects.filter(
        token=token, user_id=user_id, created_at__gte=timezone.now() - UPLOAD_TTL
    )


def save_upload(*, chunks: Iterable[bytes], filename: str, user_id: int, unit_code: str) -> StoredUpload:
    purge_expired()
    token = secrets.token_urlsafe(24)
    PendingUpload.objects.create(
        token=token, user_id=user_id, unit_code=unit_code, filename=filename, content=b"".join(chunks)
    )
    return StoredUpload(token, user_id, unit_code, filename)


def load_upload(token: str, *, user_id: int) -> StoredUpload | None:
    """The upload behind a token, if it belongs to this user, has not expired and is still pending."""
    row = _fresh(token, user_id).filter(state=UploadState.PENDING).only("unit_code", "filename").first()
    return StoredUpload(token, user_id, row.unit_code, row.filename) if row else None


def claim_upload(upload: StoredUpload) -> StoredUpload | None:
    """Take the upload for importing; None if another request has taken it (a double click)."""
    taken = _fresh(upload.token, upload.user_id).filter(state=UploadState.PENDING)
    return upload if taken.update(state=UploadState.CLAIMED) else None


def upload_state(token: str, *, user_id: int) -> str | None:
    """For a token no longer pending: "imported", "importing" (claimed by another request) or None."""
    state = _fresh(token, user_id).values_list("state", flat=True).first()
    if state == UploadState.IMPORTED:
        return "imported"
    return "importing" if state == UploadState.CLAIMED else None


@contextmanager
def local_copy(upload: StoredUpload) -> Iterator[Path]:
    """The upload's content as a file only this server's user can read, deleted afterwards."""
    content = PendingUpload.objects.filter(token=upload.token).values_list("content", flat=True).first()
    if content is None:
        raise FileNotFoundError(upload.token)
    with tempfile.TemporaryDirectory(prefix="jiujin-roster-") as folder:  # 0700
        path = Path(folder) / f"upload{Path(upload.filename).suffix.lower()}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(bytes(content))
        del content
        yield path


def mark_imported(upload: StoredUpload) -> None:
    """Drop the content; keep only a marker (no file name, no unit) so a repeated confirm can say so."""
    PendingUpload.objects.filter(token=upload.token).update(
        state=UploadState.IMPORTED, content=b"", filename="", unit_code=""
    )


def delete_upload(upload: StoredUpload) -> None:
    PendingUpload.objects.filter(token=upload.token).delete()


def purge_expired() -> None:
    PendingUpload.objects.filter(created_at__lt=timezone.now() - UPLOAD_TTL).delete()
