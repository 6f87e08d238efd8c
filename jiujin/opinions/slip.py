"""The 转办单: one A4 page per opinion for routing it on paper (fpdf2, the cards' CJK font).

What the receiving office needs and nothing more: the cadre's name and community, never an ID number, a phone
or an address; the worker who follows it up, with the worker's phone, so the answer finds its way back.
"""

from __future__ import annotations

from datetime import date

from fpdf import FPDF
from fpdf.enums import TextMode

from jiujin.lib.cards import FontMissing, font_path
from jiujin.lib.dates import format_cn_date

from .models import Opinion, RouteTo

LEFT, WIDTH = 18.0, 174.0
LABEL_W = 32.0
ROW_H = 10.0


def render_slip(opinion: Opinion, *, printed_on: date) -> bytes:
    font = font_path()
    if not font.is_file():
        raise FontMissing(f"未找到中文字体文件：{font}")
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(f"意见建议转办单 #{opinion.pk}")
    pdf.set_creator("就近")
    pdf.add_font("cjk", fname=str(font))
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.text_mode = TextMode.FILL_STROKE  # the CJK font has no bold face
    pdf.set_line_width(0.2)
    pdf.set_xy(LEFT, 16)
    pdf.cell(WIDTH, 12, "老干部意见建议转办单", align="C")
    pdf.text_mode = TextMode.FILL
    pdf.set_font_size(10)
    pdf.set_xy(LEFT, 29)
    pdf.cell(WIDTH / 2, 6, f"编号：{opinion.pk}")
    pdf.cell(WIDTH / 2, 6, f"打印日期：{format_cn_date(printed_on)}", align="R")
    pdf.set_y(37)
    pdf.set_line_width(0.3)
    cadre = opinion.cadre
    target = opinion.get_route_to_display()
    if opinion.route_to == RouteTo.WORK_UNIT and opinion.work_unit_id:
        target = f"{target}：{opinion.work_unit}"
    worker = cadre.responsible_worker
    for label, value in [
        ("老干部", f"{cadre.name}（{opinion.community.name}）"),
        ("来源 / 类别", f"{opinion.get_source_display()} / {opinion.get_category_display()}"),
        ("提出日期", format_cn_date(opinion.raised_on)),
        ("答复期限", format_cn_date(opinion.due_date)),
        ("转办去向", target),
        ("社区经办人", f"{worker.display_name}  {worker.phone}".strip() if worker else "—"),
    ]:
        _row(pdf, label, value)
    _box(pdf, "意见建议内容", opinion.content, 60)
    answer = opinion.reply
    if answer:
        answer = f"{answer}\n办理结果：{opinion.get_outcome_display()}"
        if opinion.reason:
            answer += f"（原因：{opinion.reason}）"
    _box(pdf, "承办单位答复", answer or "", 60)
    pdf.set_font_size(11)
    pdf.ln(6)
    pdf.set_x(LEFT)
    pdf.cell(WIDTH, 8, "办理结果：□ 已解决    □ 已解释说明    □ 无法解决（请注明原因）")
    pdf.ln(14)
    pdf.set_x(LEFT)
    pdf.cell(WIDTH / 2, 8, "承办人（签字）：")
    pdf.cell(WIDTH / 2, 8, "日期：      年    月    日")
    pdf.ln(12)
    pdf.set_x(LEFT)
    pdf.set_font_size(9)
    pdf.multi_cell(WIDTH, 5, "请于答复期限内将办理结果反馈社区经办人。件件有着落，事事有回音。")
    return bytes(pdf.output())


def _row(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font_size(11)
    y = pdf.get_y()
    pdf.set_xy(LEFT, y)
    pdf.cell(LABEL_W, ROW_H, label, border=1, align="C")
    pdf.multi_cell(WIDTH - LABEL_W, ROW_H, value, border=1, new_x="LMARGIN", new_y="NEXT", max_line_height=6)


def _box(pdf: FPDF, label: str, text: str, height: float) -> None:
    pdf.set_font_size(11)
    y = pdf.get_y()
    pdf.set_xy(LEFT, y)
    pdf.cell(WIDTH, 8, label, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(LEFT)
    top = pdf.get_y()
    pdf.multi_cell(WIDTH, 6, text, border=0, new_x="LMARGIN", new_y="NEXT")
    bottom = max(pdf.get_y(), top + height)
    pdf.rect(LEFT, top, WIDTH, bottom - top)
    pdf.set_y(bottom)
