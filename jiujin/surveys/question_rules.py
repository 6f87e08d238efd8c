"""The rules a question keeps, whoever builds it (the builder's form, the API, a template): kinds and
choices, number ranges, unique codes, and skip logic that points back to an earlier choice question."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max

from .models import Question, QuestionKind, Survey


@dataclass
class QuestionValues:
    """One question as the builder, the API and the templates give it (show_if by question, not id)."""

    kind: str
    text: str
    choices: list[str] = field(default_factory=list)
    required: bool = True
    code: str = ""
    show_if: Question | None = None
    show_if_choices: list[int] = field(default_factory=list)
    min_value: int | None = None
    max_value: int | None = None


def question_errors(survey: Survey, values: QuestionValues, *, question: Question | None = None) -> dict:
    """{field: [message]} of the rules a question must keep; {} when it is valid."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if values.kind not in QuestionKind.values:
        add("kind", "题型应为单选、多选、1–5分、数字或简答")
    if not values.text.strip():
        add("text", "请填写题目")
    choices = [c.strip() for c in values.choices]
    if values.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(choices) < 2 or any(not c for c in choices):
            add("choices", "选择题至少要有两个选项，且选项不能为空")
        elif len(set(choices)) != len(choices):
            add("choices", "选项不能重复")
    elif choices:
        add("choices", "只有单选题和多选题有选项")
    low, high = values.min_value, values.max_value
    if values.kind == QuestionKind.SCALE and (low, high) not in ((None, None), (1, 5)):
        add("min_value", "1–5分题的范围固定为1到5")
    if values.kind not in (QuestionKind.NUMBER, QuestionKind.SCALE) and (low is not None or high is not None):
        add("min_value", "只有数字题可以设置范围")
    if low is not None and high is not None and low > high:
        add("max_value", "最大值不能小于最小值")
    others = survey.questions.exclude(pk=question.pk) if question else survey.questions.all()
    if values.code and others.filter(code=values.code).exists():
        add("code", "代码在本问卷中已被使用")
    condition = values.show_if
    if condition is not None:
        position = question.position if question else next_position(survey)
        if condition.survey_id != survey.pk or not condition.has_choices or condition.position >= position:
            add("show_if", "前提题目只能是本题之前的单选题或多选题")
        elif not values.show_if_choices or any(
            not 0 <= i < len(condition.choices) for i in values.show_if_choices
        ):
            add("show_if_choices", "请选择前提题目的选项")
    elif values.show_if_choices:
        add("show_if", "请选择前提题目")
    return errors


def next_position(survey: Survey) -> int:
    return (survey.questions.aggregate(m=Max("position"))["m"] or 0) + 1
