"""A survey's results as files: the per-question table (CSV and .xlsx) and the respondent-level .xlsx.

Every cell goes through the formula-safe helpers of `jiujin/lib` (`ledger_workbook` for .xlsx, whose cells pass
`excel_safe`; `is_formula_like` for CSV, where a formula-like text gets Excel's quote prefix "'"). The
respondent-level file names the cadre and community only; a user who may see personal numbers also gets the
ID number and phone — masked anyway (the file leaves the system).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from jiujin.cadres.masking import shown_id, shown_phone
from jiujin.cadres.models import Category, LivingArrangement
from jiujin.lib.ledger import ledger_workbook
from jiujin.lib.text import is_formula_like, strip_control_chars

from .models import Answer, QuestionKind, Response
from .results import Results

TABLE_COLUMNS: list[tuple[str, float]] = [
    ("题号", 6),
    ("题目", 40),
    ("题型", 8),
    ("作答人数", 10),
    ("选项", 24),
    ("人数", 8),
    ("占比(%)", 10),
    ("平均分", 8),
]


def table_rows(results: Results) -> Iterator[list[Any]]:
    """One row per option (per point of a scale); a question without options is one row with its n."""
    for result in results.questions:
        q = result.question
        head = [q.position, q.text, q.get_kind_display(), result.n]
        mean = float(result.mean) if result.mean is not None else None
        if not result.choices:
            yield [*head, "", None, None, mean]
        for choice in result.choices:
            share = float(choice.share) if choice.share is not None else None
            yield [*head, choice.text, choice.count, share, mean]


def _title(results: Results) -> str:
    filters = results.filters.describe()
    return f"{results.survey.title} · {results.unit.name}{' · ' + filters if filters else ''}"


def table_xlsx(results: Results) -> bytes:
    return ledger_workbook(
        sheet="调查结果", columns=TABLE_COLUMNS, rows=table_rows(results), title=_title(results)
    )


def csv_safe(value: Any) -> Any:
    if not isinstance(value, str):
        return "" if value is None else value
    text = strip_control_chars(value)
    return f"'{text}" if is_formula_like(text) else text


def table_csv(results: Results) -> bytes:
    """UTF-8 with a BOM, so Excel on Chinese Windows opens it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _width in TABLE_COLUMNS])
    for row in table_rows(results):
        writer.writerow([csv_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _answer_text(question: Any, answers: list[Answer]) -> Any:
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        choices = question.choices
        picked = [a.choice for a in answers if a.choice is not None]
        return "、".join(str(choices[i]) if i < len(choices) else str(i) for i in picked)
    if question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        return float(answers[0].number) if answers[0].number is not None else None
    return answers[0].text


def respondents_xlsx(results: Results, responses: Any, *, numbers: bool) -> tuple[bytes, set[int]]:
    """One row per response (`responses`: with cadre and community; answers prefetched); the workbook's bytes
    and the ids of the cadres it names (for the audit log)."""
    questions = [r.question for r in results.questions]
    columns: list[tuple[str, float]] = [("序号", 6), ("老干部", 10), ("社区", 14)]
    if numbers:
        columns += [("身份证号", 22), ("联系电话", 14)]
    columns += [("类别", 6), ("居住情况", 10), ("年龄", 6), ("填写日期", 12)]
    columns += [(f"{q.position}. {q.text}"[:60], 18) for q in questions]
    cadre_ids: set[int] = set()

    def rows() -> Iterator[list[Any]]:
        for number, response in enumerate(responses, start=1):
            cadre = response.cadre
            cadre_ids.add(cadre.pk)
            by_question: dict[int, list[Answer]] = {}
            for answer in response.answers.all():
                by_question.setdefault(answer.question_id, []).append(answer)
            row: list[Any] = [number, cadre.name, response.community.name]
            if numbers:
                row += [shown_id(cadre.id_number, full=False), shown_phone(cadre.phone_mobile, full=False)]
            row += [
                _category(response),
                _living(response),
                response.age,
                response.answered_on.isoformat(),
            ]
            row += [_answer_text(q, by_question[q.pk]) if q.pk in by_question else "" for q in questions]
            yield row

    content = ledger_workbook(sheet="答卷明细", columns=columns, rows=rows(), title=_title(results))
    return content, cadre_ids


def _category(response: Response) -> str:
    return (
        str(Category(response.category).label) if response.category in Category.values else response.category
    )


def _living(response: Response) -> str:
    value = response.living_arrangement
    return str(LivingArrangement(value).label) if value in LivingArrangement.values else value
