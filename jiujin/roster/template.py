"""The roster template offered for download (花名册模板.xlsx): every imported field under its preferred
header, a notes row, one made-up example person, drop-down lists for the choice columns. It must import
cleanly through the importer itself (tested)."""

from __future__ import annotations

from datetime import date
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jiujin.cadres.models import Category, Gender, HealthStatus, LivingArrangement, Rank
from jiujin.lib.idcard import IdNumberError, parse_id_number
from jiujin.lib.roster_fields import FIELDS, RosterField

TITLE = "离退休干部花名册"
NOTES = (
    "（说明：带*为必填，新增人员还须填写类别；出生日期、离退休时间格式如1945-03-08，也可只填到月如1945.03；"
    "类别填“离休”或“退休”；身份证号请按文本填写，勿存成数字；一个单元格可填手机和座机，用“/”隔开；"
    "导入到街道时须填所在社区（社区名称或代码）；第4行是示例，请删除后填写）"
)
REQUIRED = {"name", "id_number", "category"}
TEXT_COLUMNS = {"id_number", "phone", "landline", "work_unit_phone", "family_phone"}
DATE_COLUMNS = {"birth_date", "retirement_date"}
WIDTHS = {"name": 10, "gender": 6, "id_number": 22, "birth_date": 13, "ethnicity": 8, "address": 30}
DATA_ROWS = 1000  # rows formatted as text or offered drop-downs below the header


def _example_id(body: str) -> str:
    """A made-up number with the right check character, as the importer's own validator computes it."""
    for check in "0123456789X":
        try:
            return parse_id_number(body + check).number
        except IdNumberError:
            continue
    raise AssertionError(body)  # one of the eleven is always right


EXAMPLE: dict[str, object] = {
    "name": "王建国",
    "gender": "男",
    "id_number": _example_id("42110219450308013"),
    "birth_date": date(1945, 3, 8),
    "ethnicity": "汉族",
    "party": "中共党员",
    "party_branch": "示例社区离退休干部党支部",
    "category": "退休",
    "rank": "县处级",
    "work_unit": "示例市财政局",
    "work_unit_contact": "李干事",
    "work_unit_phone": "0713-8000000",
    "retirement_date": date(2005, 3, 1),
    "address": "示例路1号2栋301室",
    "phone": "13800000000",
    "living_arrangement": "与子女同住",
    "health_status": "良好",
    "preferred_hospital": "示例市人民医院",
    "hobbies": "书法、象棋",
    "habits": "早睡早起，每天散步",
    "family_name": "王小明",
    "family_relation": "儿子",
    "family_phone": "13900000000",
    "family_lives_with": "是",
}
CHOICES: dict[str, list[str]] = {
    "gender": [str(label) for label in Gender.labels],
    "category": [str(label) for label in Category.labels],
    "rank": [str(label) for label in Rank.labels],
    "living_arrangement": [str(label) for label in LivingArrangement.labels],
    "health_status": [str(label) for label in HealthStatus.labels],
    "party": ["中共党员", "群众"],
    "family_lives_with": ["是", "否"],
}


def template_fields() -> list[RosterField]:
    """The columns of the template: every field the import stores (not 序号, 备注, 慢性病)."""
    return [f for f in FIELDS if f.imported]


def write_template(out: IO[bytes]) -> None:
    fields = template_fields()
    width = len(fields)
    last = get_column_letter(width)
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append([TITLE])
    ws.append([NOTES])
    ws.append([f"*{f.label}" if f.name in REQUIRED else f.label for f in fields])
    ws.append([EXAMPLE.get(f.name) for f in fields])
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws["A2"].font = Font(color="9C5700")
    ws.row_dimensions[2].height = 48
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for idx, f in enumerate(fields, start=1):
        letter = get_column_letter(idx)
        cell = ws.cell(row=3, column=idx)
        cell.font = Font(bold=True, color="C00000" if f.name in REQUIRED else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[letter].width = WIDTHS.get(f.name, max(10, len(f.label) * 2 + 4))
        number_format = "@" if f.name in TEXT_COLUMNS else "yyyy-mm-dd" if f.name in DATE_COLUMNS else None
        if number_format:
            for row in range(4, DATA_ROWS + 4):
                ws.cell(row=row, column=idx).number_format = number_format
        if f.name in CHOICES:
            # A drop-down, but a warning only: the importer reads other spellings too ("离休干部", "女性").
            check = DataValidation(
                type="list", formula1=f'"{",".join(CHOICES[f.name])}"', errorStyle="warning", allow_blank=True
            )
            check.add(f"{letter}4:{letter}{DATA_ROWS + 3}")
            ws.add_data_validation(check)
    ws.freeze_panes = "B4"  # header rows and the name column stay in view
    wb.save(out)
