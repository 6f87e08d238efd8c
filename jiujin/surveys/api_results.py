"""A survey's results over /api/v1/ (mounted under the surveys router)."""

from ninja import Router

router = Router(tags=["问卷调查"])
