"""Fake metrics and a small rubric for the assessments tests (no dependence on the real providers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from jiujin.audit.services import Actor
from jiujin.core import registry
from jiujin.core.registry import Metric
from jiujin.orgs.models import OrgUnit

from ..models import Rubric, RubricItem, RubricSection


class FakeMetrics:
    """Registers fake metrics in place of all others; `data[code] = {community id: (part, whole)}`."""

    def __init__(self, monkeypatch: Any) -> None:
        self.data: dict[str, dict[int, tuple[float, float]]] = {}
        self.calls: list[tuple[str, tuple[int, ...], date, date]] = []
        monkeypatch.setattr(registry, "_metrics", {})

    def add(self, code: str, kind: str = "rate", *, higher_is_better: bool = True) -> Metric:
        def by_community(ids: list[int], start: date, end: date) -> dict[int, tuple[float, float]]:
            self.calls.append((code, tuple(ids), start, end))
            return {i: v for i, v in self.data.get(code, {}).items() if i in ids}

        m = Metric(code, code, kind, "%", 1, by_community, higher_is_better)
        registry.metric_register(m)
        return m


def actor(user: Any) -> Actor:
    return Actor(user=user)


def small_rubric(district: OrgUnit, year: int = 2026, *, user: Any = None) -> Rubric:
    """100 points: 服务 60 (metric "rate" linear 50–100), 管理 40 (manual); bonus 2×10 capped at 15."""
    rubric = Rubric.objects.create(
        district=district,
        year=year,
        name="测试细则",
        total=Decimal(100),
        bonus_cap=Decimal(15),
        created_by=user,
    )
    service = RubricSection.objects.create(rubric=rubric, name="服务", points=Decimal(60), order=1)
    manage = RubricSection.objects.create(rubric=rubric, name="管理", points=Decimal(40), order=2)
    bonus = RubricSection.objects.create(rubric=rubric, name="加分项目", points=Decimal(0), order=9)
    RubricItem.objects.create(
        section=service,
        code="A1",
        name="走访率",
        max_points=Decimal(60),
        check_method="auto",
        metric_code="rate",
        rule_kind="linear",
        low=Decimal(50),
        high=Decimal(100),
    )
    RubricItem.objects.create(
        section=manage, code="B1", name="台账", max_points=Decimal(40), check_method="docs"
    )
    for n in (1, 2):
        RubricItem.objects.create(
            section=bonus, code=f"J{n}", name=f"加分{n}", max_points=Decimal(10), is_bonus=True, order=n
        )
    return rubric


def png_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()
