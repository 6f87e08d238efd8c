"""The reports app's world for the access walk: a row on every ledger of community A, so a bundle an outsider
downloads (their own unit's, by default) is seen to hold none of it. The routes take no ids."""

from __future__ import annotations

from typing import Any

from .helpers import fill_ledgers


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    fill_ledgers(cast.community_a, tree.community_a, cadre_a)
    return {"written": []}
