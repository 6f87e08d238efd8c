"""Buttons other apps add to an assessment's overview (以奖代补 adds its fund pool), so this app names none of
them: an app registers `links(user, assessment) -> [(label, url)]` in its `ready()`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AssessmentLinks = Callable[[Any, Any], list[tuple[str, str]]]

_links: dict[str, AssessmentLinks] = {}


def assessment_links_register(name: str, links: AssessmentLinks) -> None:
    _links[name] = links


def assessment_links_for(user: Any, assessment: Any) -> list[tuple[str, str]]:
    return [link for _name, links in sorted(_links.items()) for link in links(user, assessment)]
