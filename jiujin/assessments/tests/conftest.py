from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from .helpers import FakeMetrics

NOW = datetime(2026, 9, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fake_metrics(monkeypatch: pytest.MonkeyPatch) -> FakeMetrics:
    """Only fake metrics are registered during the test (the real ones come back after it)."""
    return FakeMetrics(monkeypatch)


@pytest.fixture
def run(tree: Any, cast: Any, fake_metrics: FakeMetrics) -> Any:
    """An assessment of the small rubric in community A's district: A at 90 %, B at 60 %."""
    from ..scoring import assessment_start
    from .helpers import actor, small_rubric

    fake_metrics.add("rate")
    fake_metrics.data["rate"] = {tree.community_a.pk: (90, 100), tree.community_b.pk: (60, 100)}
    return assessment_start(
        actor=actor(cast.district), rubric=small_rubric(tree.district, user=cast.district)
    )
