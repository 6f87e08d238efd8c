from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiujin.audit.models import AuditEvent
from jiujin.cadres.models import Cadre

from .fixtures import person_id, write_xlsx

pytestmark = pytest.mark.django_db
B1938 = date(1938, 5, 17)


def roster(path: Path, *numbers: str) -> Path:
    rows = [[f"人员{i}", n, "离休"] for i, n in enumerate(numbers, 1)]
    return write_xlsx(path, [["花名册", None, None], ["姓名", "身份证号码", "类别"], *rows], merges=["A1:C1"])


def call(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_roster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_and_prints_a_summary(tmp_path: Path, tree: Any, cast: Any) -> None:
    path = roster(tmp_path / "a.xlsx", person_id(B1938, seq=1), person_id(B1938, seq=2))
    out, _ = call(str(path), "--community", tree.community_a.code, "--user", cast.community_a.username)
    assert "新增 2 人，更新 0 人，未变 0 人" in out
    assert Cadre.objects.count() == 2
    assert set(AuditEvent.objects.values_list("user", "via")) == {(cast.community_a.pk, "cli")}
    out, _ = call(str(path), "--community", tree.community_a.code)
    assert "新增 0 人，更新 0 人，未变 2 人" in out


def test_it_prints_every_error_writes_nothing_and_exits_1(tmp_path: Path, tree: Any) -> None:
    good = person_id(B1938, seq=1)
    path = roster(tmp_path / "a.xlsx", good, good[:-1] + ("1" if good[-1] == "0" else "0"), good)
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_roster", str(path), community=tree.community_a.code, stderr=err, stdout=StringIO()
        )
    assert exc.value.returncode == 1
    assert err.getvalue().splitlines() == ["第4行 身份证号码：校验位错误", "第5行 身份证号码：与第3行重复"]
    assert Cadre.objects.count() == 0


def test_it_writes_nothing_in_a_dry_run(tmp_path: Path, tree: Any) -> None:
    path = roster(tmp_path / "a.xlsx", person_id(B1938, seq=1))
    out, _ = call(str(path), "--community", tree.community_a.code, "--dry-run")
    assert "试运行" in out and "新增 1 人" in out
    assert Cadre.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--community", "nope"], "没有代码"),
        (["--community", "421102001001", "--user", "worker-b"], "无权"),
        (["--community", "421102001001", "--user", "volunteer-a"], "无权"),
    ],
)
def test_it_refuses_unknown_units_and_users_out_of_scope(
    tmp_path: Path, cast: Any, args: list[str], message: str
) -> None:
    path = roster(tmp_path / "a.xlsx", person_id(B1938, seq=1))
    with pytest.raises(CommandError, match=message):
        call(str(path), *args)
    assert Cadre.objects.count() == 0


def test_it_reports_unreadable_files(tmp_path: Path, tree: Any) -> None:
    path = tmp_path / "a.xls"
    path.write_bytes(b"junk")
    with pytest.raises(CommandError, match="xls"):
        call(str(path), "--community", tree.community_a.code)


def test_it_exits_1_with_a_chinese_error_for_a_hostile_xlsx(tmp_path: Path, tree: Any) -> None:
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "a">]><Types/>')
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(CommandError, match="DTD") as info:
        call(str(path), "--community", tree.community_a.code)
    assert info.value.returncode == 1


@pytest.mark.parametrize("dry_run", [False, True])
def test_it_prints_the_columns_it_ignored(tmp_path: Path, tree: Any, dry_run: bool) -> None:
    header = [
        "序号",
        "姓名",
        "身份证号码",
        "类别",
        "性别",
        "民族",
        "政治面貌",
        "籍贯",
        "学历",
        "联系电话",
        "备注2",
    ]
    row = [
        1,
        "张德明",
        person_id(B1938),
        "离休",
        "男",
        "汉族",
        "中共党员",
        "湖北黄冈",
        "大专",
        "13871234567",
        "x",
    ]
    path = write_xlsx(tmp_path / "a.xlsx", [header, row])
    out, err = call(str(path), "--community", tree.community_a.code, *(["--dry-run"] if dry_run else []))
    assert "新增 1 人" in out
    assert err.splitlines() == ["未识别的列（已忽略）：第H列「籍贯」、第I列「学历」、第K列「备注2」"]


def test_it_imports_an_xls_and_names_the_columns_of_a_header_without_id_numbers(
    tmp_path: Path, tree: Any
) -> None:
    from .fixtures import write_xls

    path = write_xls(
        tmp_path / "a.xls", [["姓名", "身份证号", "离/退休"], ["张德明", person_id(B1938), "离休干部"]]
    )
    out, err = call(str(path), "--community", tree.community_a.code)
    assert "新增 1 人" in out and err == ""
    bad = write_xls(tmp_path / "b.xls", [["姓名", "证件", "类别"], ["王五", person_id(B1938, seq=2), "退休"]])
    with pytest.raises(CommandError) as info:
        call(str(bad), "--community", tree.community_a.code)
    assert "缺少必填列：身份证号" in str(info.value) and "B「证件」" in str(info.value)
