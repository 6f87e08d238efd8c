"""The allocation as files: the table (.xlsx, through the ledger writer) and the 通报 (.docx, python-docx).

Both list every assessed unit by rank with its score, tier and amount, and a total row equal to the pool.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from jiujin.lib.dates import format_cn_date
from jiujin.lib.ledger import ledger_workbook

from .models import Allocation, FundPool
from .selectors import allocation_total

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
COLUMNS = [("排名", 8.0), ("单位", 30.0), ("得分", 10.0), ("等次", 10.0), ("金额（元）", 16.0)]
FONT = "宋体"


def notice_title(pool: FundPool) -> str:
    return f"关于{pool.year}年度社区老干部“四就近”工作千分量化考评结果及以奖代补资金分配的通报"


def table_xlsx(pool: FundPool, rows: list[Allocation]) -> bytes:
    def cells() -> list[list[object]]:
        lines: list[list[object]] = [
            [r.rank, r.unit.name, float(r.score), r.tier or "未达门槛", float(r.amount)] for r in rows
        ]
        lines.append(["", "合计", "", "", float(allocation_total(rows))])
        return lines

    return ledger_workbook(
        sheet=f"{pool.year}年度以奖代补",
        columns=COLUMNS,
        rows=cells(),
        title=f"{pool.year}年度以奖代补资金分配表",
    )


def _run_font(run: object, size: float, *, bold: bool = False) -> None:
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    run.font.name = FONT  # type: ignore[attr-defined]
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # type: ignore[attr-defined]  # CJK text face


def _paragraph(doc: object, text: str, *, size: float = 14, bold: bool = False, align: object = None) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        p.alignment = align
    _run_font(p.add_run(text), size, bold=bold)


def notice_docx(pool: FundPool, rows: list[Allocation], *, on: date) -> bytes:
    """The 通报: title, a paragraph, the table of scores, ranks and amounts, the issuing unit and date."""
    awarded = [r for r in rows if r.amount > 0]
    doc = Document()
    _paragraph(doc, notice_title(pool), size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "各街道（乡镇）、社区：")
    body = (
        f"根据{pool.district.name}{pool.year}年度社区老干部“四就近”工作千分量化考评细则，经各社区自查、考评组"
        f"查资料、看现场、问老干部和系统数据核算，{pool.year}年度考评已经完成，共考评社区{len(rows)}个。"
        f"按照以奖代补办法，对得分达到{_num(pool.threshold)}分的{len(awarded)}个社区"
        f"{pool.get_method_display()}分配以奖代补资金，合计{allocation_total(rows):,.2f}元。现将考评结果和资金"
        "分配情况通报如下，希望受表彰的社区再接再厉，其他社区对照细则查找差距，切实把老干部就近学习、就近活动、"
        "就近得到关心照顾、就近发挥作用的各项工作落到实处。"
    )
    if pool.note:
        body += pool.note
    _paragraph(doc, "    " + body)
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (header, _w) in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = ""
        _run_font(cell.paragraphs[0].add_run(header), 12, bold=True)
    lines = [
        [str(r.rank), r.unit.name, _num(r.score), r.tier or "未达门槛", f"{r.amount:,.2f}"] for r in rows
    ]
    lines.append(["", "合计", "", "", f"{allocation_total(rows):,.2f}"])
    for line in lines:
        cells = table.add_row().cells
        for cell, text in zip(cells, line, strict=True):
            cell.text = ""
            _run_font(cell.paragraphs[0].add_run(text), 12)
    _paragraph(doc, "")
    _paragraph(doc, pool.issuer_name(), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, format_cn_date(on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _num(value: Decimal) -> str:
    """950.0 → "950", 912.5 → "912.5"."""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
