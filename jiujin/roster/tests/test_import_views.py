from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jiujin.audit.models import AuditEvent
from jiujin.cadres.models import Cadre
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.roster.models import PendingUpload
from jiujin.roster.testing import write_roster_xlsx
from jiujin.roster.uploads import claim_upload, load_upload, local_copy, save_upload

from .fixtures import person_id, write_xlsx

pytestmark = pytest.mark.django_db
B1938 = date(1938, 5, 17)
IMPORT = reverse("roster:import")
CONFIRM = reverse("roster:confirm")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def roster(tmp_path: Path, *numbers: str) -> Path:
    rows = [[f"人员{i}", n, "离休", "13871234567"] for i, n in enumerate(numbers, 1)]
    return write_xlsx(tmp_path / "花名册.xlsx", [["姓名", "身份证号", "类别", "联系电话"], *rows])


def preview(client: Any, tmp_path: Path, unit: Any, *numbers: str) -> Any:
    return client.post(IMPORT, {"unit": unit.code, "file": upload(roster(tmp_path, *numbers))})


def test_it_previews_then_imports_on_confirm(client_for: Any, cast: Any, tree: Any, tmp_path: Path) -> None:
    client = client_for(cast.community_a)
    assert client.get(IMPORT).status_code == 200
    response = preview(client, tmp_path, tree.community_a, person_id(B1938, seq=1), person_id(B1938, seq=2))
    assert response.status_code == 200
    html = response.content.decode()
    assert "新增 2 人" in html and "确认导入" in html and "人员2" in html
    assert Cadre.objects.count() == 0

    token = response.context["confirm"].initial["token"]
    response = client.post(CONFIRM, {"token": token}, follow=True)
    assert "导入完成：新增 2 人，更新 0 人，未变 0 人" in response.content.decode()
    assert Cadre.objects.filter(community=tree.community_a).count() == 2
    assert AuditEvent.objects.filter(action="import", user=cast.community_a).count() == 2
    again = client.post(CONFIRM, {"token": token}, follow=True)  # a double click
    assert again.status_code == 200 and "该文件已导入" in again.content.decode()
    assert Cadre.objects.filter(community=tree.community_a).count() == 2


def test_it_lists_every_error_and_offers_no_confirm(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path
) -> None:
    good = person_id(B1938, seq=1)
    response = preview(client_for(cast.community_a), tmp_path, tree.community_a, good, "4211", good)
    html = response.content.decode()
    assert "第3行" in html and "长度应为18位" in html and "与第2行重复" in html
    assert response.context["confirm"] is None
    assert Cadre.objects.count() == 0


def test_it_validates_again_on_confirm(client_for: Any, cast: Any, tree: Any, tmp_path: Path) -> None:
    number = person_id(B1938, seq=1)
    client = client_for(cast.community_a)
    token = preview(client, tmp_path, tree.community_a, number).context["confirm"].initial["token"]
    CadreFactory(community=tree.community_b, id_number=number, birth_date=B1938)  # registered meanwhile
    response = client.post(CONFIRM, {"token": token})
    assert "已在其他社区登记" in response.content.decode()
    assert Cadre.objects.filter(community=tree.community_a).count() == 0


def test_it_keeps_tokens_to_their_uploader(client_for: Any, cast: Any, tree: Any, tmp_path: Path) -> None:
    token = (
        preview(client_for(cast.community_a), tmp_path, tree.community_a, person_id(B1938))
        .context["confirm"]
        .initial["token"]
    )
    for other in (cast.street, cast.community_b):
        assert client_for(other).post(CONFIRM, {"token": token}).status_code == 404
    assert client_for(cast.street).post(CONFIRM, {"token": "../../etc/passwd"}).status_code == 404
    assert Cadre.objects.count() == 0


def test_it_forbids_roles_without_the_capability(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path
) -> None:
    for user, expected in ((cast.volunteer, 404), (cast.city, 403)):  # a volunteer has no staff pages at all
        client = client_for(user)
        assert client.get(IMPORT).status_code == expected
        assert client.post(CONFIRM, {"token": "x" * 32}).status_code == expected


def test_it_only_offers_units_in_scope(client_for: Any, cast: Any, tree: Any, tmp_path: Path) -> None:
    client = client_for(cast.community_a)
    response = preview(client, tmp_path, tree.community_b, person_id(B1938))
    assert "unit" in response.context["form"].errors
    assert Cadre.objects.count() == 0
    choices = [c for c, _ in client_for(cast.street).get(IMPORT).context["form"].fields["unit"].choices]
    assert {str(c) for c in choices} == {tree.street.code, tree.community_a.code, tree.community_b.code}


@pytest.mark.slow
def test_it_handles_a_5000_row_upload_at_street_level(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path
) -> None:
    path = write_roster_xlsx(tmp_path / "big.xlsx", 5000, community_code=tree.community_a.code)
    client = client_for(cast.street)
    response = client.post(IMPORT, {"unit": tree.street.code, "file": upload(path)})
    assert "新增 5000 人" in response.content.decode()
    assert len(response.context["preview"]) == 50
    assert "*" in response.context["preview"][0]["id_number"]  # street workers see masked numbers
    response = client.post(CONFIRM, {"token": response.context["confirm"].initial["token"]})
    assert response.status_code == 302
    assert Cadre.objects.filter(community=tree.community_a).count() == 5000


def test_it_reports_an_unreadable_file(client_for: Any, cast: Any, tree: Any) -> None:
    bad = SimpleUploadedFile("花名册.xlsx", b"not a zip")
    response = client_for(cast.community_a).post(IMPORT, {"unit": tree.community_a.code, "file": bad})
    assert "无法打开Excel文件" in response.content.decode()


def test_it_keeps_uploads_in_the_database_and_drops_the_content_after_import(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path, settings: Any
) -> None:
    client = client_for(cast.community_a)
    token = preview(client, tmp_path, tree.community_a, person_id(B1938)).context["confirm"].initial["token"]
    row = PendingUpload.objects.get()  # any app server can take the confirm, none needs its own disk
    assert row.token == token and row.filename == "花名册.xlsx" and len(row.content) > 1000
    assert not (Path(settings.VAR_DIR) / "uploads").exists()
    client.post(CONFIRM, {"token": token})
    row.refresh_from_db()  # only a marker without content, file name or unit is left
    assert (row.state, bytes(row.content), row.filename, row.unit_code) == ("imported", b"", "", "")


def test_it_gives_the_importer_a_private_copy_that_does_not_outlive_it(cast: Any, tree: Any) -> None:
    stored = save_upload(chunks=[b"a,b\n"], filename="名册.CSV", user_id=cast.community_a.pk, unit_code="x")
    with local_copy(stored) as path:
        assert path.read_bytes() == b"a,b\n" and path.suffix == ".csv"
        assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert not path.exists() and not path.parent.exists()


def test_it_deletes_the_upload_when_the_import_fails(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    client = client_for(cast.community_a)
    token = preview(client, tmp_path, tree.community_a, person_id(B1938)).context["confirm"].initial["token"]

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("jiujin.roster.views.cadre_import_roster", crash)
    client.raise_request_exception = False
    assert client.post(CONFIRM, {"token": token}).status_code == 500
    assert not PendingUpload.objects.exists()


def test_it_purges_stale_uploads_when_a_new_one_is_saved(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path, settings: Any
) -> None:
    client = client_for(cast.community_a)
    preview(client, tmp_path, tree.community_a, person_id(B1938))
    PendingUpload.objects.update(created_at=timezone.now() - timedelta(days=1))
    preview(client, tmp_path, tree.community_a, person_id(B1938, seq=2))
    assert PendingUpload.objects.count() == 1  # only the new upload


def test_it_imports_once_when_confirm_is_sent_twice_at_the_same_time(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path
) -> None:
    client = client_for(cast.community_a)
    token = preview(client, tmp_path, tree.community_a, person_id(B1938)).context["confirm"].initial["token"]
    # The first request has claimed the file and is still importing when the second arrives.
    upload = load_upload(token, user_id=cast.community_a.pk)
    assert upload is not None and claim_upload(upload) is not None
    assert claim_upload(upload) is None
    response = client.post(CONFIRM, {"token": token}, follow=True)
    assert response.status_code == 200 and "该文件正在导入" in response.content.decode()
    assert Cadre.objects.count() == 0


def test_it_shows_why_a_hostile_xlsx_is_refused(client_for: Any, cast: Any, tree: Any, settings: Any) -> None:
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "a">]><Types/>')
        zf.writestr("xl/workbook.xml", "<workbook/>")
    bad = SimpleUploadedFile("花名册.xlsx", data.getvalue())
    response = client_for(cast.community_a).post(IMPORT, {"unit": tree.community_a.code, "file": bad})
    assert response.status_code == 200 and "DTD" in response.content.decode()
    assert not PendingUpload.objects.exists()
