"""The default Word template of the 汇报材料, written with python-docx: the template is code, and an office
downloads it, restyles it in Word (fonts, letterhead, order of parts) and uploads its own.

It holds docxtpl tags (Jinja in Word): `{{ name }}` in a run, `{%p … %}` paragraphs that only carry a loop or
a condition, `{%tr … %}` table rows that repeat. Every name it uses is a key of the context that
`workreport.report_context` builds; `TAGS_HELP` lists them for the page.

Layout after the usual style of Chinese official documents: a centred title in 宋体 bold, headings in 黑体
and 楷体, body in 仿宋 with a two-character first-line indent and a fixed 28 pt line spacing.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT = "仿宋", "黑体", "楷体", "宋体"
BODY_PT = 16  # 三号

# What a template may use (shown on the page next to the template download).
TAGS_HELP = [
    ("title", "标题"),
    ("unit_name / period_label / period_text", "单位名称、期间（如“2026年上半年”）、起止日期"),
    ("basics", "一、基本情况（段落列表）"),
    ("sections", "二、主要做法和成效：每项有 heading（小标题）和 text（正文）"),
    ("survey / assessment", "问卷调查段落、千分考评结果（没有时为空）"),
    ("stories", "三、典型事例：每条有 title、date、text、who"),
    ("problems / plans", "四、存在的问题，五、下一步打算（段落列表）"),
    ("appendix", "附表：每行有 section、label、value"),
    ("children / child_headers", "下级单位对照表（街道、区、市才有）：每行有 name、cells"),
    ("issuer / made_on", "落款单位、日期"),
]


def _font(run: object, name: str, size: float, *, bold: bool = False) -> None:
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    run.font.name = name  # type: ignore[attr-defined]
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]


def _para(
    doc: object,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = BODY_PT,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
) -> Paragraph:
    p: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold=bold)
    return p


def _tag(doc: object, tag: str) -> None:
    """A paragraph holding only a block tag: docxtpl removes the paragraph and keeps the tag."""
    doc.add_paragraph(tag)  # type: ignore[attr-defined]


def _loop(doc: object, head: str, body: str, **style: object) -> None:
    _tag(doc, "{%p for " + head + " %}")
    _para(doc, body, **style)  # type: ignore[arg-type]
    _tag(doc, "{%p endfor %}")


def _table(doc: object, headers: list[str], loop: str, cells: list[str]) -> None:
    table = doc.add_table(rows=3 + 1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = table.rows
    for cell, header in zip(rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(header), BODY_FONT, 12, bold=True)
    rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for cell, text in zip(rows[2].cells, cells, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), BODY_FONT, 12)
    rows[3].cells[0].text = "{%tr endfor %}"


def _build() -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _para(doc, "{{ title }}", font=TITLE_FONT, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "")
    _para(doc, "一、基本情况", font=HEADING_FONT)
    _loop(doc, "text in basics", "{{ text }}", indent=True)
    _para(doc, "二、主要做法和成效", font=HEADING_FONT)
    _tag(doc, "{%p for s in sections %}")
    _para(doc, "{{ s.heading }}", font=SUBHEADING_FONT, indent=True)
    _para(doc, "{{ s.text }}", indent=True)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if survey %}")
    _para(doc, "{{ survey_heading }}", font=SUBHEADING_FONT, indent=True)
    _para(doc, "{{ survey }}", indent=True)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if assessment %}")
    _para(doc, "{{ assessment_heading }}", font=SUBHEADING_FONT, indent=True)
    _para(doc, "{{ assessment }}", indent=True)
    _tag(doc, "{%p endif %}")
    _para(doc, "三、典型事例", font=HEADING_FONT)
    _tag(doc, "{%p for story in stories %}")
    _para(doc, "{{ loop.index }}. {{ story.title }}（{{ story.date }}）", font=SUBHEADING_FONT, indent=True)
    _para(doc, "{{ story.text }}", indent=True)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if not stories %}")
    _para(doc, "本期暂无登记的典型事例。", indent=True)
    _tag(doc, "{%p endif %}")
    _para(doc, "四、存在的问题", font=HEADING_FONT)
    _loop(doc, "text in problems", "{{ text }}", indent=True)
    _para(doc, "五、下一步打算", font=HEADING_FONT)
    _loop(doc, "text in plans", "{{ text }}", indent=True)
    _para(doc, "")
    _para(doc, "{{ issuer }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{{ made_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.add_page_break()
    _para(doc, "附表：{{ unit_name }}{{ period_label }}老干部工作主要数据", font=HEADING_FONT, size=14)
    _para(doc, "统计期间：{{ period_text }}；数据截至 {{ as_of }}", size=12)
    _table(
        doc,
        ["类别", "项目", "数值"],
        "row in appendix",
        ["{{ row.section }}", "{{ row.label }}", "{{ row.value }}"],
    )
    _tag(doc, "{%p if children %}")
    _para(doc, "")
    _para(doc, "附表二：各下级单位主要数据", font=HEADING_FONT, size=14)
    # A table whose columns come from the context: one header row and one row per child unit.
    # Columns from the context: a `{%tc %}` cell becomes the loop's tag, so the loop spans three cells.
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, loop, body, end = table.rows
    for row, first, value in ((header, "单位", "{{ h }}"), (body, "{{ child.name }}", "{{ v }}")):
        texts = [first, "{%tc for " + ("h in child_headers" if row is header else "v in child.cells") + " %}",
                 value, "{%tc endfor %}"]  # fmt: skip
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 12, bold=row is header)
    loop.cells[0].text = "{%tr for child in children %}"
    end.cells[0].text = "{%tr endfor %}"
    _tag(doc, "{%p endif %}")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


@cache
def default_template() -> bytes:
    """The built-in template (.docx bytes), built once per process."""
    return _build()
