"""The one way any app stores photos and documents.

Bytes live in the database (a BinaryField), not on a file system: uploads stay private (served only
through the calling app's view, which does the access check) and go into the backup with everything else.
An app subclasses `AttachmentBase` with its own foreign key, takes uploads through `AttachmentField` (or
`check_upload`), and serves them with `attachment_response`.

The type is decided by sniffing the bytes, never the name. Images are opened and verified with Pillow and
re-encoded: that drops EXIF (GPS position of a cadre's home) and bounds them to 2048 px.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from typing import Any, Protocol

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from jiujin.lib.text import strip_control_chars

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 2048
# A 2048 px bound is applied after decoding, so refuse absurd pixel counts before decoding (bombs).
MAX_IMAGE_PIXELS = 50_000_000

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

IMAGES = frozenset({JPEG, PNG, WEBP})
DOCUMENTS = frozenset({PDF, DOCX, XLSX})
ANY = IMAGES | DOCUMENTS

EXTENSIONS = {JPEG: ".jpg", PNG: ".png", WEBP: ".webp", PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx"}
_PIL_FORMATS = {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP}
_TYPE_NAMES = {
    JPEG: "JPEG",
    PNG: "PNG",
    WEBP: "WebP",
    PDF: "PDF",
    DOCX: "Word（.docx）",
    XLSX: "Excel（.xlsx）",
}


def max_bytes() -> int:
    return int(getattr(settings, "JIUJIN_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.3g} MB"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: what `AttachmentBase.build` stores."""

    file_name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGES


def _allowed_text(allowed: frozenset[str]) -> str:
    return "、".join(_TYPE_NAMES[t] for t in sorted(allowed, key=list(EXTENSIONS).index))


def _sniff_document(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None  # not OOXML, or macro-enabled (.docm/.xlsm) dressed as .docx/.xlsx
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _reencode_image(data: bytes) -> tuple[str, bytes] | None:
    """(content type, clean bytes), or None when Pillow does not see a JPEG/PNG/WebP image."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            if fmt not in _PIL_FORMATS:
                return None
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError("图片像素过大，请缩小后再上传。", code="too_many_pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            clean = ImageOps.exif_transpose(img) or img
            clean.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    content_type = _PIL_FORMATS[fmt]
    # Start from bare pixels so no metadata (EXIF, GPS, XMP, text chunks) survives the re-encode.
    mode = "RGB" if content_type == JPEG and clean.mode not in ("RGB", "L") else clean.mode
    if mode not in ("RGB", "RGBA", "L", "LA", "P"):
        mode = "RGBA" if "A" in clean.getbands() else "RGB"
    bare = Image.new(mode, clean.size)
    bare.paste(clean.convert(mode))
    out = io.BytesIO()
    if content_type == JPEG:
        bare.save(out, "JPEG", quality=85, optimize=True)
    elif content_type == PNG:
        bare.save(out, "PNG", optimize=True)
    else:
        bare.save(out, "WEBP", quality=85)
    return content_type, out.getvalue()


def clean_file_name(name: str, content_type: str) -> str:
    """The base name without control characters, its extension set from the sniffed type."""
    base = os.path.basename(strip_control_chars(name or "").replace("\\", "/")).strip() or "附件"
    stem, _ext = os.path.splitext(base)
    stem = (stem or "附件")[:120]
    return stem + EXTENSIONS[content_type]


def check_upload(
    upload: UploadedFile | bytes, *, name: str = "", allowed: frozenset[str] = ANY
) -> CheckedUpload:
    """The validator: size first, then the type from the bytes; raises ValidationError in Chinese."""
    limit = max_bytes()
    if isinstance(upload, bytes):
        data = upload
    else:
        name = name or upload.name or ""
        if upload.size is not None and upload.size > limit:
            raise ValidationError(f"文件太大：最大 {_mb(limit)}。", code="too_big")
        upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"文件太大：最大 {_mb(limit)}。", code="too_big")
    if not data:
        raise ValidationError("文件是空的。", code="empty")
    content_type: str | None = None
    if allowed & IMAGES:
        image = _reencode_image(data)
        if image:
            content_type, data = image
    if content_type is None and allowed & DOCUMENTS:
        content_type = _sniff_document(data)
    if content_type is None or content_type not in allowed:
        raise ValidationError(
            f"不支持的文件类型（按文件内容判断）。只能上传：{_allowed_text(allowed)}。", code="bad_type"
        )
    return CheckedUpload(clean_file_name(name, content_type), content_type, data)


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentField(forms.FileField):
    """A form field whose cleaned value is a CheckedUpload (or a list of them with multiple=True)."""

    def __init__(self, *, allowed: frozenset[str] = ANY, multiple: bool = False, **kwargs: Any) -> None:
        self.allowed = allowed
        self.multiple = multiple
        accept = ",".join(sorted(allowed))
        widget = _MultipleFileInput if multiple else forms.ClearableFileInput
        kwargs.setdefault("widget", widget(attrs={"accept": accept}))
        kwargs.setdefault("help_text", f"{_allowed_text(allowed)}，每个文件不超过 {_mb(max_bytes())}")
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if self.multiple:
            files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
            if not files:
                if self.required:
                    raise ValidationError(self.error_messages["required"], code="required")
                return []
            errors: list[ValidationError] = []
            checked: list[CheckedUpload] = []
            for f in files:
                try:
                    checked.append(check_upload(f, allowed=self.allowed))
                except ValidationError as e:
                    errors.append(ValidationError(f"{f.name}：{e.messages[0]}", code=e.code))
            if errors:
                raise ValidationError(errors)
            return checked
        f = super().clean(data, initial)
        if not f or not isinstance(f, UploadedFile):
            return None
        return check_upload(f, allowed=self.allowed)


class AttachmentQuerySet(models.QuerySet):
    def listing(self) -> AttachmentQuerySet:
        """For lists and galleries: everything but the bytes."""
        return self.defer("data")


class AttachmentBase(models.Model):
    """Subclass with the owner's foreign key, e.g. `report = models.ForeignKey(EventReport, …)`."""

    file_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    data = models.BinaryField("内容")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGES

    @classmethod
    def build(cls, checked: CheckedUpload, *, uploaded_by: Any, **owner: Any) -> Any:
        """An unsaved row from a checked upload; the caller's service saves (or bulk-creates) it."""
        return cls(
            file_name=checked.file_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            data=checked.data,
            uploaded_by=uploaded_by,
            **owner,
        )


class StoredAttachment(Protocol):
    file_name: str
    content_type: str
    sha256: str
    data: Any


def attachment_response(obj: StoredAttachment, *, download: bool | None = None) -> HttpResponse:
    """Serve one stored attachment. The caller has done the access check.

    Images are shown inline, documents are downloaded (download= overrides); the Chinese file name goes
    into Content-Disposition (RFC 6266 filename*); nosniff and a sandbox CSP stop the browser from
    treating an upload as a page.
    """
    data = bytes(obj.data)
    as_attachment = (obj.content_type not in IMAGES) if download is None else download
    response = HttpResponse(data, content_type=obj.content_type)
    response["Content-Length"] = str(len(data))
    response["Content-Disposition"] = content_disposition_header(as_attachment, obj.file_name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["ETag"] = f'"{obj.sha256}"'
    return response
