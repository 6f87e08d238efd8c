"""What calamine would hold to read an .xlsx, measured from the package before it reads anything.

calamine reads a sheet whole: every cell with a value into a list, then a dense grid over their extent, each
cell with its own copy of its text (a shared string is copied into every cell that uses it): a 140 KB file
can cost gigabytes. So every XML part is streamed once through searches that run at C speed, giving an upper
bound of that memory. A sheet written unlike Excel, WPS, LibreOffice and openpyxl write it (a cell without
`r="A1"` first: calamine would place it by counting), or holding what calamine reads otherwise than openpyxl
(error cells, ISO dates, integers too long for a double) is left to openpyxl.
"""

from __future__ import annotations

import re
import zipfile

MAX_CALAMINE_BYTES = 768 << 20  # the estimate; calamine's real use is ~40 % of it (100,000 × 20: 150 MB)
_CHUNK, _FIRST_CHUNK = 4 << 20, 256 << 10  # the first is read cell by cell, for the columns
_OVERLAP = 64  # a tag or value cut by a chunk's end is searched again whole in the next chunk
# Per cell: its place in calamine's list (grown by doubling), a string's allocation; per grid slot: the grid
# of references and the grid of values it is turned into.
_CELL_BYTES, _SLOT_BYTES, _STRING_BYTES = 112, 64, 32

_CELL = re.compile(rb'c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')  # `<c r=` or `<x:c r=`: the tag's end is enough
_REF = rb'r="[A-Z]{1,3}[1-9][0-9]{0,6}"'
# A cell tag (led by "<", or ":" when prefixed, literals the regex engine finds at memchr speed) without a
# leading r="A1" (calamine would place it by counting), or one beyond the extent so far (group 1).
_CELL_TAG = rb"c(?:[>/]|\s+(?!" + _REF + rb')|\s(r="(?:%s[0-9]|[A-Z]{1,3}%s")))'
_ODD = [
    re.compile(rb't="[ed]"'),  # an error cell (calamine: blank; openpyxl: "#N/A") or an ISO date
    # openpyxl keeps such integers exact, calamine makes them a double
    *(re.compile(lead + rb"v>\s{0,8}-?[0-9]{16}") for lead in (b"<", b":")),
]
_DIGITS, _LETTERS = "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def calamine_cost(zf: zipfile.ZipFile, longest_shared: int) -> int | None:
    """An upper bound of calamine's memory for any sheet of the package, in bytes; None when openpyxl must
    read it. `longest_shared`: bytes of the longest entry of the shared-string table (with its markup)."""
    total = 0
    for info in zf.infolist():
        # The relationships may name any part a worksheet, whatever its name: measure them all.
        cost = _part_cost(zf, info, longest_shared)
        if cost is None:
            return None
        total += cost
    return total


def _part_cost(zf: zipfile.ZipFile, info: zipfile.ZipInfo, longest_shared: int) -> int | None:
    rows = cols = cells = shared = size = 0
    previous = b""
    with zf.open(info) as f:
        while True:
            chunk = f.read(_CHUNK if size else _FIRST_CHUNK)
            last = not chunk
            data = previous + chunk
            if last and not previous:
                break
            size += len(chunk)
            # A match starting in the overlap is judged in the next chunk, where it is whole.
            judged = len(data) if last else len(data) - _OVERLAP
            if any(m.start() < judged for pattern in _ODD for m in pattern.finditer(data)):
                return None
            extent = _extent(data, judged, rows, cols)
            if extent is None:
                return None
            rows, cols = extent
            cells += data.count(b'c r="')
            shared += data.count(b't="s"') if longest_shared else 0
            if last:
                break
            previous = data[-_OVERLAP:]
    return cells * _CELL_BYTES + rows * cols * _SLOT_BYTES + size + shared * (longest_shared + _STRING_BYTES)


def _extent(data: bytes, judged: int, rows: int, cols: int) -> tuple[int, int] | None:
    """The largest row and column of any cell so far; None for a cell without a leading r="A1". Rows ascend
    in a sheet, so the chunk's last cell gives its rows and one search proves that no cell lies beyond; only
    a chunk where one does is read cell by cell (the first, for its columns)."""
    if (at := data.rfind(b'c r="')) >= 0 and (last := _CELL.match(data, at)):
        rows = max(rows, int(last[2]))
    beyond = (_above(_letters(cols), _LETTERS), _above(str(rows), _DIGITS)) if cols else (b"[A-Z]", b"[0-9]+")
    precise = False
    for lead in (b"<", b":"):
        for m in re.finditer(lead + _CELL_TAG % beyond, data):
            if m.start() < judged and m[1] is None:
                return None
            precise = True
    if precise and (found := _CELL.findall(data)):
        rows = max(rows, *(int(number) for _, number in found))
        cols = max(cols, *(_column(letters.decode()) for letters in {letters for letters, _ in found}))
    return rows, cols


def _above(text: str, alphabet: str) -> bytes:
    """A pattern for the strings over `alphabet` greater than `text`, where a longer string is greater and
    strings of one length compare character by character (row numbers, column letters)."""
    first = alphabet[1:] if alphabet == _DIGITS else alphabet  # no leading zero
    parts = [f"[{first}][{alphabet}]{{{len(text)},}}"]
    for i, char in enumerate(text):
        if higher := alphabet[alphabet.index(char) + 1 :]:
            parts.append(f"{text[:i]}[{higher}][{alphabet}]{{{len(text) - i - 1}}}")
    return ("(?:" + "|".join(parts) + ")").encode()


def _column(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
