"""Text normalisation for spreadsheet cells typed by hand in Chinese offices."""

from __future__ import annotations

import re

# Full-width ASCII forms (U+FF01..U+FF5E) sit at a fixed offset from ASCII;
# Chinese IMEs produce them whenever the user forgets to switch to 半角.
_HALFWIDTH_TABLE: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALFWIDTH_TABLE[0x3000] = 0x20  # ideographic space

# str.isspace() covers NBSP and U+3000; zero-width characters and the BOM
# are not "space" to Python but still sneak in through copy-paste.
_WHITESPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def to_halfwidth(s: str) -> str:
    """Convert full-width digits, letters, punctuation and U+3000 to ASCII."""
    return s.translate(_HALFWIDTH_TABLE)


def clean_cell(value: object) -> str:
    """Normalise a header name or code: half-width, no whitespace at all."""
    if value is None:
        return ""
    # Excel turns typed codes such as 420106 into 420106.0.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _WHITESPACE.sub("", to_halfwidth(str(value)))


def clean_text(value: object) -> str:
    """Normalise free text: trim, collapse whitespace runs to one space."""
    if value is None:
        return ""
    return _WHITESPACE.sub(" ", str(value)).strip()
