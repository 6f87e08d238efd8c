"""Reading the shared pager (templates/includes/pager.html) out of a page, for the lists' tests."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit


def pager_links(html: str) -> dict[str, dict[str, list[str]]]:
    """上一页/下一页 -> the query of its link."""
    nav = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    assert nav is not None, "no pager on the page"
    links = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(上一页|下一页)</a>', nav.group(0))
    return {label: parse_qs(urlsplit(unescape(href)).query) for href, label in links}
