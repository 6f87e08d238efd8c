from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

TODAY = date(2026, 9, 23)
NOW = datetime(2026, 9, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def frozen() -> Iterator[None]:
    """The clock at TODAY (used by the builder's and filling-in tests with `usefixtures`)."""
    with time_machine.travel(NOW, tick=False):
        yield
