"""数据看板 over /api/v1/ (filled in by the dashboards work)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["数据看板"])
