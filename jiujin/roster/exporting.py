"""台账导出: the (already scoped and filtered) cadres as an .xlsx roster ledger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record_batch
from jiujin.cadres.masking import shown_id, shown_phone
from jiujin.cadres.models import (
    Cadre,
    CadreQuerySet,
    CadreStatus,
    Category,
    Gender,
    HealthStatus,
    LivingArrangement,
    Rank,
)
from jiujin.lib.dates import age_on, format_cn_date
from jiujin.lib.text import excel_safe


@dataclass(frozen=True)
class _ExportContext:
    today: date
    sensitive: bool


def _phone(value: str, ctx: _ExportContext) -> str:
    return shown_phone(value, full=ctx.sensitive)


def _birthday(c: Cadre) -> str:
    return c.lunar_birthday_display or f"公历{c.birth_date.month}月{c.birth_date.day}日"


def _hobbies(c: Cadre) -> str:
    tags = "、".join(t.name for t in c.tags.all())
    return "；".join(p for p in (tags, c.specialties) if p)


def _worker(c: Cadre) -> str:
    return c.responsible_worker.display_name if c.responsible_worker else ""


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value else ""


# Header, column width, value. Dates and the ID number are written as text so Excel never reformats them.
EXPORT_COLUMNS: list[tuple[str, int, Callable[[Cadre, _ExportContext], Any]]] = [
    ("序号", 6, lambda c, ctx: None),  # filled with the running number
    ("姓名", 10, lambda c, ctx: c.name),
    ("性别", 6, lambda c, ctx: _label(Gender, c.gender)),
    ("身份证号码", 21, lambda c, ctx: shown_id(c.id_number, full=ctx.sensitive)),
    ("出生年月", 15, lambda c, ctx: format_cn_date(c.birth_date)),
    ("年龄", 6, lambda c, ctx: age_on(c.birth_date, ctx.today)),
    ("民族", 8, lambda c, ctx: c.ethnicity),
    ("政治面貌", 10, lambda c, ctx: "中共党员" if c.is_party_member else "群众"),
    ("类别", 6, lambda c, ctx: _label(Category, c.category)),
    ("职级", 8, lambda c, ctx: _label(Rank, c.rank)),
    ("原工作单位", 20, lambda c, ctx: c.work_unit.name if c.work_unit else ""),
    ("离退休时间", 15, lambda c, ctx: format_cn_date(c.retirement_date)),
    ("所在社区", 14, lambda c, ctx: c.community.name),
    ("家庭住址", 28, lambda c, ctx: c.address),
    ("手机", 14, lambda c, ctx: _phone(c.phone_mobile, ctx)),
    ("座机", 16, lambda c, ctx: _phone(c.phone_landline, ctx)),
    ("居住状况", 10, lambda c, ctx: _label(LivingArrangement, c.living_arrangement)),
    ("健康状况", 8, lambda c, ctx: _label(HealthStatus, c.health_status)),
    ("就诊医院", 16, lambda c, ctx: c.preferred_hospital),
    ("爱好特长", 20, lambda c, ctx: _hobbies(c)),
    ("生活习惯", 24, lambda c, ctx: c.habits),
    ("生日", 14, lambda c, ctx: _birthday(c)),
    ("状态", 6, lambda c, ctx: _label(CadreStatus, c.status)),
    ("联系人", 10, lambda c, ctx: _worker(c)),
]
TEXT_COLUMNS = {"身份证号码", "手机", "座机"}
HEADER_ROW = 2


def export_title(unit_name: str, today: date) -> str:
    return f"{unit_name}老干部花名册（导出于{format_cn_date(today)}）"


def cadre_export_roster(
    *, cadres: CadreQuerySet, actor: Actor, title: str, sensitive: bool, out: IO[bytes], today: date
) -> int:
    """Write the (already scoped and filtered) cadres to `out` as an .xlsx 台账; audit; return the count.

    Write-only openpyxl and a chunked iterator keep memory flat however many rows there are.
    """
    ctx = _ExportContext(today=today, sensitive=sensitive)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("老干部台账")
    for idx, (_, width, _) in enumerate(EXPORT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"  # title and header stay visible while scrolling
    ws.merged_cells.add(f"A1:{get_column_letter(len(EXPORT_COLUMNS))}1")
    ws.append([_styled(ws, excel_safe(ws, title), Font(bold=True, size=16), Alignment(horizontal="center"))])
    ws.append([_styled(ws, h, Font(bold=True), Alignment(horizontal="center")) for h, _, _ in EXPORT_COLUMNS])

    qs = cadres.select_related("community", "work_unit", "responsible_worker").prefetch_related("tags")
    ids: list[int] = []
    for seq, cadre in enumerate(qs.order_by("community__path", "name_pinyin", "id").iterator(2000), 1):
        ids.append(cadre.pk)
        ws.append(
            [
                _cell(ws, header, seq if header == "序号" else get(cadre, ctx))
                for header, _, get in EXPORT_COLUMNS
            ]
        )
    wb.save(out)
    if ids:
        audit_record_batch(
            actor=actor, action=AuditAction.EXPORT, cadre_ids=ids, detail=f"导出台账 {len(ids)} 人"
        )
    return len(ids)


def _styled(ws: Any, value: Any, font: Font, alignment: Alignment) -> WriteOnlyCell:
    cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
    cell.font, cell.alignment = font, alignment
    return cell


def _cell(ws: Any, header: str, value: Any) -> Any:
    # Names, addresses and habits are whatever someone typed: never a formula, never a broken file.
    safe = excel_safe(ws, value)
    if header not in TEXT_COLUMNS or not value:
        return safe
    cell = safe if isinstance(safe, Cell) else WriteOnlyCell(ws, value=str(safe))
    cell.number_format = "@"
    return cell
