from __future__ import annotations

from typing import Any

import pytest
import time_machine

from .helpers import NOW


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield
