"""Importing responses from Excel (.xlsx/.xls, read by the roster reader with its size limits).

One row per respondent: a 身份证号 column (any of the roster's spellings) and a 姓名 column, then one
column per question, headed by the question's text, `Q<n>` or its code. Choices are given by text or by
number (1 = the first option); the options of a multiple choice are separated by 、,，;；/. Like the roster
import, every bad row is named with its row number and column, and nothing is written unless the whole
file is valid: `import_check` reads and checks, `responses_import` writes the checked rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.lib.idcard import IdNumberError, parse_id_number
from jiujin.lib.ledger import ledger_workbook
from jiujin.lib.roster import RosterRow, open_roster
from jiujin.lib.roster_fields import header_key
from jiujin.lib.roster_source import RosterFormatError
from jiujin.lib.text import clean_cell

from .answers import check_answers
from .models import Question, Survey
from .responses import ImportRow

# Rows kept between the preview and the confirm (in the session): a survey's file, not a city's roster.
MAX_ROWS = 20_000
MAX_ERRORS_SHOWN = 200
QUESTION_FIELD = "q:"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.message}"


@dataclass
class ImportCheck:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    replaced: int = 0
    unknown_headers: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # questions without a column (answered by no row)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def header_mapping(questions: Iterable[Question]) -> dict[str, str]:
    """Normalised header text -> "q:<question id>", by text, Q<n> and code (the roster's names still apply)."""
    mapping: dict[str, str] = {}
    for q in questions:
        for name in (q.text, f"Q{q.position}", f"q{q.position}", f"第{q.position}题", q.code):
            mapping[header_key(name)] = f"{QUESTION_FIELD}{q.pk}"
    return mapping


def import_check(*, user: User, survey: Survey, source: IO[bytes], filename: str) -> ImportCheck:
    """Read and check a whole file; RosterFormatError (a Chinese message) when it cannot be read at all."""
    questions = list(survey.questions.all())
    check = ImportCheck()
    with open_roster(source, filename=filename, mapping=header_mapping(questions)) as table:
        check.unknown_headers = table.unknown_headers
        found = {
            int(f.removeprefix(QUESTION_FIELD))
            for f in table.columns.values()
            if f.startswith(QUESTION_FIELD)
        }
        check.missing = [f"第{q.position}题" for q in questions if q.pk not in found]
        labels = {f: table.labels.get(col, f) for col, f in table.columns.items()}
        parsed: list[RosterRow] = []
        for row in table.rows:
            if len(parsed) >= MAX_ROWS:
                raise RosterFormatError(f"文件超过{MAX_ROWS:,}行答卷，请拆分后分批导入")
            parsed.append(row)
    if not parsed:
        raise RosterFormatError("文件中没有答卷数据")
    by_pk = {q.pk: q for q in questions}
    numbers: dict[int, str] = {}
    for row in parsed:
        try:
            numbers[row.row_number] = parse_id_number(row.values.get("id_number")).number
        except IdNumberError as exc:
            check.errors.append(RowError(row.row_number, labels.get("id_number", "身份证号"), str(exc)))
    cadres = {
        c.id_number: c for c in Cadre.objects.for_user(user).filter(id_number__in=set(numbers.values()))
    }
    targeted = set(survey.targets.filter(cadre__in=cadres.values()).values_list("cadre_id", flat=True))
    answered = set(survey.responses.filter(cadre__in=cadres.values()).values_list("cadre_id", flat=True))
    first_line: dict[str, int] = {}
    id_label = labels.get("id_number", "身份证号")
    for row in parsed:
        number = numbers.get(row.row_number)
        if number is None:
            continue
        if number in first_line:
            check.errors.append(RowError(row.row_number, id_label, f"与第{first_line[number]}行重复"))
            continue
        first_line[number] = row.row_number
        cadre = cadres.get(number)
        if cadre is None:
            check.errors.append(
                RowError(row.row_number, id_label, "没有找到该身份证号的老干部，或不在您的管辖范围内")
            )
            continue
        if cadre.pk not in targeted:
            check.errors.append(RowError(row.row_number, id_label, f"{cadre.name}不在本次调查对象中"))
            continue
        name = clean_cell(row.values.get("name"))
        if name and name != cadre.name:
            check.errors.append(
                RowError(row.row_number, labels.get("name", "姓名"), f"与身份证号不符（应为{cadre.name}）")
            )
            continue
        raw = {
            int(f.removeprefix(QUESTION_FIELD)): _cell(v)
            for f, v in row.values.items()
            if f.startswith(QUESTION_FIELD)
        }
        values, errors = check_answers(questions, raw, one_based=True)
        for qid, message in errors.items():
            column = labels.get(f"{QUESTION_FIELD}{qid}", f"第{by_pk[qid].position}题")
            check.errors.append(RowError(row.row_number, column, message.split("：", 1)[-1]))
        if not errors:
            check.rows.append(ImportRow(line=row.row_number, cadre=cadre, values=values))
    check.replaced = sum(1 for r in check.rows if r.cadre.pk in answered)
    check.errors.sort(key=lambda e: e.row)
    return check


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return clean_cell(value) if isinstance(value, str) else value


def rows_to_session(rows: list[ImportRow]) -> list[list[Any]]:
    return [[r.line, r.cadre.pk, {str(k): _jsonable(v) for k, v in r.values.items()}] for r in rows]


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, int | str | list) else str(value)


def template_bytes(survey: Survey) -> bytes:
    """A blank import sheet: 姓名, 身份证号 and one column per question (headed by its text)."""
    questions = list(survey.questions.all())
    columns = [("姓名", 10.0), ("身份证号", 22.0)] + [
        (q.text, max(14.0, min(40.0, len(q.text) * 1.6))) for q in questions
    ]
    hints = ["说明：本行不导入", "18位身份证号"] + [_hint(q) for q in questions]
    return ledger_workbook(sheet="答卷", columns=columns, rows=[hints], title=f"{survey.title} 导入模板")


def _hint(q: Question) -> str:
    if q.has_choices:
        options = " ".join(f"{n}.{c}" for n, c in enumerate(q.choices, start=1))
        return f"{'多选，用、分隔' if q.kind == 'multiple' else '单选'}：{options}"
    return {"scale": "1–5分", "number": "数字", "text": "文字"}[q.kind]
