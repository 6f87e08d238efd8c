"""Reading answers as people give them (a choice's text or number, a list, a figure) and checking a whole
response against the questions: skip logic, required questions, ranges. Pages, the API and the Excel import
all go through `check_answers`, so the server re-checks what the phone's script already hid or required.

A normalised answer is an int (a single choice's index), a list of ints (multiple), a Decimal (scale and
number) or a str (text). Choice indexes start at 0 in the API (as stored) and at 1 in Excel (as printed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .models import Question, QuestionKind

# Separators between the options of a multiple choice typed into one cell or field.
MULTI_SEPARATORS = re.compile(r"[、,，;；/\n]+")
TEXT_MAX = 500


class AnswerError(ValueError):
    """A value that is no answer to its question; the message is Chinese and names no question."""


def _choice(question: Question, value: Any, *, one_based: bool) -> int:
    if isinstance(value, bool):
        raise AnswerError("不是有效的选项")
    if isinstance(value, int | float | Decimal) or (isinstance(value, str) and value.strip().isdigit()):
        number = int(value) if not isinstance(value, str) else int(value.strip())
        if isinstance(value, float) and value != int(value):
            raise AnswerError(f"选项编号“{value}”不是整数")
        index = number - 1 if one_based else number
        if 0 <= index < len(question.choices):
            return index
        low, high = (1, len(question.choices)) if one_based else (0, len(question.choices) - 1)
        raise AnswerError(f"选项编号“{number}”应在{low}到{high}之间")
    if isinstance(value, str):
        text = value.strip()
        if text in question.choices:
            return list(question.choices).index(text)
        raise AnswerError(f"“{text}”不是本题的选项")
    raise AnswerError("不是有效的选项")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple) and not value) or value == ""


def parse_value(question: Question, value: Any, *, one_based: bool = False) -> Any:
    """The normalised answer, None for no answer; AnswerError when it is no answer to this question."""
    if isinstance(value, str):
        value = value.strip()
    if _blank(value):
        return None
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        return _choice(question, value, one_based=one_based)
    if kind == QuestionKind.MULTIPLE:
        items = MULTI_SEPARATORS.split(value) if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            items = [items]
        chosen = sorted({_choice(question, item, one_based=one_based) for item in items if not _blank(item)})
        return chosen or None
    if kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        if isinstance(value, bool | list | tuple | dict):
            raise AnswerError("应填写数字")
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise AnswerError(f"“{value}”不是数字") from exc
        if not number.is_finite():
            raise AnswerError("应填写数字")
        if kind == QuestionKind.SCALE and number != number.to_integral_value():
            raise AnswerError("应填写1到5的整数")
        low, high = question.min_value, question.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            raise AnswerError(_range_message(low, high))
        if abs(number) >= Decimal("1e8"):
            raise AnswerError("数字过大")
        return (
            number.quantize(Decimal("0.01")).normalize()
            if number != number.to_integral_value()
            else int(number)
        )
    text = str(value)
    if len(text) > TEXT_MAX:
        raise AnswerError(f"不能超过{TEXT_MAX}字")
    return text


def _range_message(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"应在{low}到{high}之间"
    return f"不能小于{low}" if low is not None else f"不能大于{high}"


def label(question: Question) -> str:
    return f"第{question.position}题“{question.text}”"


def check_answers(
    questions: Iterable[Question], raw: Mapping[int, Any], *, one_based: bool = False
) -> tuple[dict[int, Any], dict[int, str]]:
    """({question id: normalised answer} of the questions skip logic asks, {question id: error}).

    Questions are read in order; answers to a question skip logic does not ask are dropped, whatever the
    client sent, and a required question that is asked must be answered."""
    values: dict[int, Any] = {}
    errors: dict[int, str] = {}
    chosen: dict[int, set[int]] = {}
    for question in sorted(questions, key=lambda q: q.position):
        if not question.shown(chosen):
            continue
        try:
            value = parse_value(question, raw.get(question.pk), one_based=one_based)
        except AnswerError as exc:
            errors[question.pk] = f"{label(question)}：{exc}"
            continue
        if value is None:
            if question.required:
                errors[question.pk] = f"{label(question)}：必须回答"
            continue
        values[question.pk] = value
        if question.has_choices:
            chosen[question.pk] = set(value) if isinstance(value, list) else {value}
    return values, errors


def as_api_value(question: Question, value: Any) -> Any:
    """A normalised answer as people read it (choice texts), as the revision history keeps it."""
    if question.kind == QuestionKind.SINGLE:
        return question.choices[value] if 0 <= value < len(question.choices) else value
    if question.kind == QuestionKind.MULTIPLE:
        return [question.choices[i] for i in value if 0 <= i < len(question.choices)]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def display(question: Question, value: Any) -> str:
    shown = as_api_value(question, value)
    return "、".join(shown) if isinstance(shown, list) else str(shown)
