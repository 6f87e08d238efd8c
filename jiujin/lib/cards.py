"""Contact cards (联系卡 / 爱心服务卡) as a PDF: 85×54 mm cards, eight to an A4 sheet with crop marks.

A card given a `qr` payload carries it as a QR code in its lower right corner (segno makes the matrix, drawn
here as vector rectangles: sharp at any printer resolution); the lines beside it narrow to make room.

Django-free: the caller gives plain `Card`s. Chinese text is set in an embedded TrueType CJK font
(WenQuanYi Micro Hei from the `paperang-p2-fonts-cjk` wheel, Apache-2.0 / GPLv3 with the font
exception), subset by fpdf2 so a sheet stays small. JIUJIN_CARD_FONT (a .ttf/.ttc path) replaces it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import TextMode

CARD_W, CARD_H = 85.0, 54.0  # mm, a bank card
COLUMNS, ROWS = 2, 4
GUTTER = 8.0  # room for the crop marks between cards
PAGE_W, PAGE_H = 210.0, 297.0
LEFT = (PAGE_W - COLUMNS * CARD_W - (COLUMNS - 1) * GUTTER) / 2
TOP = (PAGE_H - ROWS * CARD_H - (ROWS - 1) * GUTTER) / 2
MARK, MARK_GAP = 3.5, 1.0  # crop mark length and its distance from the card's corner
PAD = 3.0
LINE_H = 3.4
LABEL_W = 17.0
BODY_PT, NAME_PT, HEAD_PT = 7.0, 12.0, 9.0
ACCENT = (178, 34, 34)
# The QR code's square including its quiet zone: ~0.5 mm modules for a ~50-character token (version 3), which
# a phone reads at arm's length. QR_BORDER modules of white around it (the card's margin adds more).
QR_SIZE, QR_BORDER = 17.0, 2

# fontTools logs each subsetting step at INFO: a dozen lines per print in the server log otherwise.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


class FontMissing(RuntimeError):
    """No CJK font: the message says what to install."""


# What a line without a number prints: the card says the number is missing, it never shows a bare label.
MISSING_PHONE = "未登记"


@dataclass(frozen=True)
class CardLine:
    label: str  # "联系人", "24小时热线"
    name: str  # who or what
    phone: str  # "" when not known: printed as MISSING_PHONE


@dataclass(frozen=True)
class Card:
    cadre_name: str
    community: str
    lines: list[CardLine] = field(default_factory=list)
    title: str = "爱心服务卡"
    footer: str = "有事请拨打，我们就近上门"
    qr: str = ""  # what the QR code says (the check-in token); "" prints no code


def font_path() -> Path:
    if configured := os.environ.get("JIUJIN_CARD_FONT"):
        return Path(configured)
    try:
        import paperang_p2_fonts_cjk  # the wheel only ships the font file
    except ImportError as exc:
        raise FontMissing(
            "未找到中文字体：请运行 make（安装 paperang-p2-fonts-cjk）或设置 JIUJIN_CARD_FONT"
        ) from exc
    return Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"


def render_cards(cards: Iterable[Card], *, font: Path | None = None) -> bytes:
    """All cards, eight to an A4 page in reading order; one card makes a one-card sheet."""
    pdf = _document(font or font_path())
    slots = _slots()
    for index, card in enumerate(cards):
        slot = index % len(slots)
        if slot == 0:
            pdf.add_page()
        _draw_card(pdf, card, *slots[slot])
    if pdf.page == 0:
        pdf.add_page()  # an empty batch is still a valid (blank) document
    return bytes(pdf.output())


def _document(font: Path) -> FPDF:
    if not font.is_file():
        raise FontMissing(f"未找到中文字体文件：{font}")
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_title("爱心服务卡")
    pdf.set_creator("就近")
    pdf.add_font("cjk", fname=str(font))
    pdf.set_font("cjk", size=BODY_PT)
    return pdf


def _slots() -> list[tuple[float, float]]:
    return [
        (LEFT + col * (CARD_W + GUTTER), TOP + row * (CARD_H + GUTTER))
        for row in range(ROWS)
        for col in range(COLUMNS)
    ]


def _draw_card(pdf: FPDF, card: Card, x: float, y: float) -> None:
    _crop_marks(pdf, x, y)
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.1)
    pdf.rect(x, y, CARD_W, CARD_H)
    # Header band: title and community.
    pdf.set_fill_color(*ACCENT)
    pdf.rect(x, y, CARD_W, 7.5, style="F")
    pdf.set_text_color(255, 255, 255)
    _text(pdf, x + PAD, y + 1.2, CARD_W / 2, 5, card.title, HEAD_PT, bold=True)
    _text(pdf, x + CARD_W / 2, y + 1.2, CARD_W / 2 - PAD, 5, card.community, BODY_PT, align="R")
    pdf.set_text_color(0, 0, 0)
    _text(pdf, x + PAD, y + 9, CARD_W - 2 * PAD, 6, f"{card.cadre_name} 同志", NAME_PT, bold=True)
    top = y + 16.5
    bottom = y + CARD_H - 5.5
    qr_top = y + CARD_H - 1.0 - QR_SIZE if card.qr else bottom
    for line in _fitting(card.lines, int((bottom - top) // LINE_H)):
        _line(pdf, x, top, line, room=QR_SIZE if top + LINE_H > qr_top else 0.0)
        top += LINE_H
    footer_w = CARD_W - 2 * PAD - (QR_SIZE if card.qr else 0.0)
    pdf.set_text_color(*ACCENT)
    _text(pdf, x + PAD, y + CARD_H - 5, footer_w, 4, card.footer, BODY_PT - 0.5, align="C")
    pdf.set_text_color(0, 0, 0)
    if card.qr:
        _qr(pdf, card.qr, x + CARD_W - 1.0 - QR_SIZE, qr_top)


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR code of a card's payload as rows of dark (True) modules, quiet zone included."""
    code = segno.make_qr(payload, error="m")
    return [[bool(m) for m in row] for row in code.matrix_iter(scale=1, border=QR_BORDER)]


def _qr(pdf: FPDF, payload: str, x: float, y: float) -> None:
    matrix = qr_matrix(payload)
    module = QR_SIZE / len(matrix)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, QR_SIZE, QR_SIZE, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):  # one rectangle per run of dark modules: a fifth of the drawing operators
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # A hair wider than the run, so neighbouring rows print without white seams between them.
            pdf.rect(
                x + start * module, y + r * module, (c - start) * module + 0.01, module + 0.01, style="F"
            )


def _fitting(lines: list[CardLine], room: int) -> list[CardLine]:
    # The caller orders lines by importance; whatever does not fit on the card is left off.
    return lines[: max(room, 0)]


def _line(pdf: FPDF, x: float, y: float, line: CardLine, *, room: float = 0.0) -> None:
    """One labelled number; `room` mm at the right are kept free (for the QR code beside the last lines)."""
    phone_w = 27.0
    name_w = CARD_W - 2 * PAD - LABEL_W - phone_w - room
    x_phone = x + CARD_W - PAD - phone_w - room
    pdf.set_text_color(*ACCENT)
    _text(pdf, x + PAD, y, LABEL_W, LINE_H, line.label, BODY_PT)
    pdf.set_text_color(0, 0, 0)
    _text(pdf, x + PAD + LABEL_W, y, name_w, LINE_H, line.name, BODY_PT)
    if line.phone:
        _text(
            pdf,
            x_phone,
            y,
            phone_w,
            LINE_H,
            line.phone,
            BODY_PT + 0.5,
            align="R",
            bold=True,
        )
    else:
        pdf.set_text_color(*ACCENT)
        _text(pdf, x_phone, y, phone_w, LINE_H, MISSING_PHONE, BODY_PT, align="R")
        pdf.set_text_color(0, 0, 0)


def _text(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    size: float,
    *,
    align: str = "L",
    bold: bool = False,
) -> None:
    """One line of text clipped to its box by dropping characters (the CJK font has no bold face: a thin
    stroke around the fill stands in for it)."""
    pdf.set_font_size(size)
    while text and pdf.get_string_width(text) > w:
        text = text[:-2] + "…" if len(text) > 1 else ""
    if bold:
        pdf.text_mode = TextMode.FILL_STROKE
        pdf.set_line_width(0.12)
        pdf.set_draw_color(*pdf.text_color.colors255)  # type: ignore[union-attr]
    pdf.set_xy(x, y)
    pdf.cell(w, h, text, align=align)
    if bold:
        pdf.text_mode = TextMode.FILL


def _crop_marks(pdf: FPDF, x: float, y: float) -> None:
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.15)
    for cx, cy, dx, dy in _corners(x, y):
        pdf.line(cx + dx * MARK_GAP, cy, cx + dx * (MARK_GAP + MARK), cy)  # horizontal, outward
        pdf.line(cx, cy + dy * MARK_GAP, cx, cy + dy * (MARK_GAP + MARK))  # vertical, outward


def _corners(x: float, y: float) -> Iterator[tuple[float, float, int, int]]:
    yield x, y, -1, -1
    yield x + CARD_W, y, 1, -1
    yield x, y + CARD_H, -1, 1
    yield x + CARD_W, y + CARD_H, 1, 1
