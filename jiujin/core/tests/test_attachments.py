import io
import zipfile
from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiujin.core import attachments
from jiujin.core.attachments import (
    DOCUMENTS,
    IMAGES,
    AttachmentField,
    attachment_response,
    check_upload,
)


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (40, 30), exif: bool = False) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        ex = Image.Exif()
        ex[0x010F] = "PhoneMaker"  # Make
        ex[0x8825] = {2: (39.0, 54.0, 0.0)}  # GPSInfo: latitude
        kwargs["exif"] = ex.tobytes()
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def ooxml(kind: str, extra: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
        if extra:
            z.writestr(extra, "x")
    return out.getvalue()


def upload(data: bytes, name: str = "照片.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("fmt", "ctype"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_it_accepts_images_by_their_bytes(fmt, ctype):
    checked = check_upload(upload(image_bytes(fmt), name="活动现场.txt"))
    assert checked.content_type == ctype
    assert checked.file_name == "活动现场" + attachments.EXTENSIONS[ctype]
    assert checked.is_image and checked.size == len(checked.data) and len(checked.sha256) == 64


def test_it_drops_exif_and_gps():
    raw = image_bytes(exif=True)
    assert Image.open(io.BytesIO(raw)).getexif()  # the fixture really carries EXIF
    checked = check_upload(raw, name="a.jpg")
    assert not Image.open(io.BytesIO(checked.data)).getexif()
    assert b"PhoneMaker" not in checked.data


def test_it_bounds_images_to_2048_px():
    checked = check_upload(image_bytes("PNG", size=(4000, 1000)), name="wide.png")
    assert Image.open(io.BytesIO(checked.data)).size == (2048, 512)


@pytest.mark.parametrize(
    ("data", "ctype"),
    [
        (b"%PDF-1.7\n%...", attachments.PDF),
        (ooxml("docx"), attachments.DOCX),
        (ooxml("xlsx"), attachments.XLSX),
    ],
)
def test_it_accepts_documents_by_signature(data, ctype):
    checked = check_upload(data, name="总结.bin")
    assert checked.content_type == ctype
    assert checked.file_name == "总结" + attachments.EXTENSIONS[ctype]


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"GIF89a" + b"\0" * 20,
        b"\xff\xd8\xff\xe0 not really a jpeg",
        ooxml("docx", extra="word/vbaProject.bin"),
        b"PK\x03\x04broken zip",
    ],
)
def test_it_refuses_what_the_bytes_are_not(data):
    with pytest.raises(ValidationError) as e:
        check_upload(upload(data, name="photo.jpg"))
    assert "不支持的文件类型" in e.value.messages[0]


def test_it_refuses_documents_where_only_images_are_allowed():
    with pytest.raises(ValidationError) as e:
        check_upload(b"%PDF-1.4", name="x.pdf", allowed=IMAGES)
    assert "JPEG" in e.value.messages[0]
    with pytest.raises(ValidationError):
        check_upload(image_bytes(), name="x.jpg", allowed=DOCUMENTS)


def test_it_refuses_too_big_and_empty(settings):
    settings.JIUJIN_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as e:
        check_upload(upload(b"%PDF-" + b"x" * 2000))
    assert "文件太大" in e.value.messages[0]
    with pytest.raises(ValidationError) as e:
        check_upload(b"%PDF-" + b"x" * 2000)
    assert e.value.code == "too_big"
    with pytest.raises(ValidationError) as e:
        check_upload(upload(b""))
    assert "空" in e.value.messages[0]


def test_it_cleans_the_file_name():
    assert attachments.clean_file_name("C:\\Users\\王\\相册\\合影\x00.jpeg", attachments.JPEG) == "合影.jpg"
    assert attachments.clean_file_name("", attachments.PDF) == "附件.pdf"
    assert attachments.clean_file_name("../../etc/passwd", attachments.PDF) == "passwd.pdf"


class PhotoForm(forms.Form):
    photo = AttachmentField(allowed=IMAGES)
    photos = AttachmentField(allowed=IMAGES, multiple=True, required=False)


def test_it_works_as_a_form_field():
    form = PhotoForm(data={}, files={"photo": upload(image_bytes("PNG"), "合影.png")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["photo"].content_type == "image/png"
    assert form.cleaned_data["photos"] == []
    assert 'accept="image/jpeg,image/png,image/webp"' in str(form["photo"])


def test_it_checks_every_file_of_a_multiple_field():
    from django.utils.datastructures import MultiValueDict

    files = MultiValueDict(
        {
            "photo": [upload(image_bytes())],
            "photos": [upload(image_bytes(), "1.jpg"), upload(b"%PDF-1.4", "2.pdf")],
        }
    )
    form = PhotoForm(data={}, files=files)
    assert not form.is_valid()
    assert "2.pdf：不支持的文件类型" in form.errors["photos"][0]
    files.setlist("photos", [upload(image_bytes(), "1.jpg"), upload(image_bytes("WEBP"), "2.webp")])
    form = PhotoForm(data={}, files=files)
    assert form.is_valid(), form.errors
    assert [c.content_type for c in form.cleaned_data["photos"]] == ["image/jpeg", "image/webp"]


def test_it_serves_images_inline_with_safe_headers():
    checked = check_upload(image_bytes(), name="合影.jpg")
    stored = SimpleNamespace(
        file_name=checked.file_name,
        content_type=checked.content_type,
        sha256=checked.sha256,
        data=memoryview(checked.data),  # PostgreSQL hands back a memoryview
    )
    response = attachment_response(stored)
    assert response.content == checked.data
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''%E5%90%88%E5%BD%B1.jpg" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]


def test_it_serves_documents_as_downloads():
    stored = SimpleNamespace(
        file_name="总结.pdf", content_type=attachments.PDF, sha256="0" * 64, data=b"%PDF-1"
    )
    response = attachment_response(stored)
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert attachment_response(stored, download=False)["Content-Disposition"].startswith("inline;")


def test_the_abstract_model_builds_rows():
    assert attachments.AttachmentBase._meta.abstract
    names = {f.name for f in attachments.AttachmentBase._meta.get_fields()}
    assert {"file_name", "content_type", "size", "sha256", "data", "uploaded_by", "uploaded_at"} <= names
