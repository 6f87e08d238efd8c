"""The import's raw writes: chunks written by the writing thread, still all or nothing, audited per cadre."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.cadres.models import Cadre, FamilyContact
from jiujin.roster import bulk
from jiujin.roster.importing import CHUNK, cadre_import_roster

from .fixtures import person_id, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "类别", "爱好特长", "紧急联系人", "紧急联系电话"]


def roster(path: Path, count: int, *, name: str = "人员", bad_row: int | None = None) -> Path:
    """`count` cadres past one chunk; the data row `bad_row` (1-based) with a broken ID number."""
    rows: list[list[Any]] = [HEADER]
    for i in range(1, count + 1):
        number = person_id(date(1940, 1, 1) + timedelta(days=i))
        rows.append(
            [f"{name}{i}", number[:-1] if i == bad_row else number, "退休", "书法", "张小明", "13900001111"]
        )
    return write_xlsx(path, rows)


def run(path: Path, unit: Any) -> Any:
    return cadre_import_roster(source=path, community=unit, actor=Actor(user=None, via="cli"), dry_run=False)


def test_an_error_after_chunks_were_written_still_writes_nothing(tmp_path: Path, tree: Any) -> None:
    count = CHUNK + 200
    result = run(roster(tmp_path / "a.xlsx", count, bad_row=count - 10), tree.community_a)
    assert [str(e) for e in result.errors] == [f"第{count - 9}行 身份证号：长度应为18位（或旧版15位）"]
    assert not Cadre.objects.exists()
    assert not FamilyContact.objects.exists()
    assert not Cadre.tags.through.objects.exists()
    assert not AuditEvent.objects.exists()


def test_every_cadre_written_is_audited_once_and_renames_refresh_the_search_keys(
    tmp_path: Path, tree: Any
) -> None:
    count = CHUNK + 5
    first = run(roster(tmp_path / "a.xlsx", count), tree.community_a)
    assert (first.created, Cadre.objects.count(), FamilyContact.objects.count()) == (count, count, count)
    events = AuditEvent.objects.filter(action="import")
    assert events.count() == count and len({e.batch for e in events}) == 1
    assert set(events.values_list("cadre_id", flat=True)) == set(Cadre.objects.values_list("pk", flat=True))
    assert Cadre.objects.get(name="人员7").name_initials == "ry7"

    again = run(roster(tmp_path / "b.xlsx", count, name="张德明"), tree.community_a)
    assert (again.created, again.updated) == (0, count)
    cadre = Cadre.objects.get(id_number=person_id(date(1940, 1, 1) + timedelta(days=7)))
    assert (cadre.name, cadre.name_pinyin, cadre.name_initials) == ("张德明7", "zhangdeming7", "zdm7")
    assert cadre.updated_at > cadre.created_at
    event = AuditEvent.objects.filter(cadre_id=cadre.pk).latest("id")
    assert event.changes == {"name": ["人员7", "张德明7"]}
    assert FamilyContact.objects.count() == count  # the same contact is not added twice


def test_a_failure_in_the_writing_thread_fails_the_import(
    tmp_path: Path, tree: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> list[int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "insert_returning_ids", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run(roster(tmp_path / "a.xlsx", 3), tree.community_a)
    assert not Cadre.objects.exists()


def test_text_is_stored_exactly_as_cleaned(tmp_path: Path, tree: Any) -> None:
    """Tabs, newlines and backslashes survive the raw writes (COPY's text format escapes them)."""
    habits = "早睡\t早起\n散步\\午休 \\N"
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["姓名", "身份证号", "类别", "生活习惯", "家庭住址"],
            ["张德明", person_id(date(1938, 5, 17)), "离休", habits, "东湖路\\1号"],
        ],
    )
    assert run(path, tree.community_a).ok
    cadre = Cadre.objects.get()
    assert (cadre.habits, cadre.address) == ("早睡 早起 散步\\午休 \\N", "东湖路\\1号")
    path = write_xlsx(
        tmp_path / "b.xlsx",
        [["姓名", "身份证号", "家庭住址"], ["张德明", person_id(date(1938, 5, 17)), "西湖路\\2号\t"]],
    )
    assert run(path, tree.community_a).updated == 1
    event = AuditEvent.objects.filter(cadre_id=cadre.pk).latest("id")
    assert event.changes == {"address": ["东湖路\\1号", "西湖路\\2号"]}
