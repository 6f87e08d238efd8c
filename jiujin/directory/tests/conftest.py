from __future__ import annotations

from typing import Any

import pytest

from jiujin.audit.services import Actor
from jiujin.directory.models import DirectoryEntry
from jiujin.lib.cards import FontMissing, font_path


def actor(user: Any) -> Actor:
    return Actor(user=user, ip="127.0.0.1")


def entry(unit: Any, kind: str, name: str, phones: str, **fields: Any) -> DirectoryEntry:
    key = fields.pop("key", f"{kind}-{unit.code}")
    return DirectoryEntry.objects.create(
        org_unit=unit, key=key, kind=kind, name=name, phones=phones, **fields
    )


@pytest.fixture
def cjk_font() -> Any:
    try:
        path = font_path()
    except FontMissing as exc:
        pytest.skip(str(exc))
    if not path.is_file():
        pytest.skip(f"跳过联系卡 PDF 测试：未找到中文字体 {path}（运行 make 安装 paperang-p2-fonts-cjk）")
    return path
