from __future__ import annotations

from typing import Any

import pytest
import time_machine

from .helpers import NOW, Raw, fill, install_figures


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def raw(monkeypatch: Any) -> Raw:
    return install_figures(monkeypatch)


@pytest.fixture
def world(raw: Raw, tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    """The test figures, filled and summarised (cadres of A, B and Z; this March and last March)."""
    return fill(raw, tree, cadre_a)
