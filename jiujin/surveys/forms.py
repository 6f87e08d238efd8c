"""The builder's forms (a survey's settings, one question) and the phone form that fills a survey in."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from jiujin.accounts.models import User
from jiujin.cadres.models import Category, LivingArrangement
from jiujin.core.registry import cadre_groups
from jiujin.orgs.models import OrgUnit

from .models import Question, QuestionKind, Survey, SurveyAudience, SurveyTemplate
from .question_rules import QuestionValues

_LINES = re.compile(r"[\r\n]+")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def audience_value_choices(user: User) -> list[tuple[str, str]]:
    rows = [("", "——")]
    rows += [(c, f"类别：{label}") for c, label in Category.choices]
    rows += [(c, f"居住：{label}") for c, label in LivingArrangement.choices]
    for group in cadre_groups():
        rows += [(f"{group.code}:{v}", f"{group.label}：{label}") for v, label in group.choices(user)]
    return rows


class SurveyForm(forms.Form):
    unit = forms.ModelChoiceField(label="组织单位", queryset=OrgUnit.objects.none(), empty_label=None)
    template = forms.ChoiceField(
        label="模板", required=False, choices=[("", "空白问卷"), *SurveyTemplate.choices], initial=""
    )
    title = forms.CharField(label="标题", max_length=100, required=False, help_text="用模板时可不填")
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(
        label="开始日期", required=False, widget=DATE, help_text="不填则在开始调查当天"
    )
    ends_on = forms.DateField(label="结束日期", required=False, widget=DATE)
    audience = forms.ChoiceField(
        label="调查对象", choices=SurveyAudience.choices, initial=SurveyAudience.ALL, widget=forms.RadioSelect
    )
    audience_value = forms.ChoiceField(
        label="对象条件", required=False, help_text="按类别、居住情况或分组时选择"
    )
    sample_size = forms.IntegerField(label="抽样人数", required=False, min_value=1, max_value=1_000_000)

    def __init__(self, *args: Any, user: User, survey: Survey | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience_value"].choices = audience_value_choices(user)  # type: ignore[attr-defined]
        if survey is not None:  # editing: the unit and template stay what they were
            del self.fields["unit"], self.fields["template"]
            self.fields["title"].required = True
            self.fields["title"].help_text = ""
            if survey.frozen:
                for name in ("starts_on", "audience", "audience_value", "sample_size"):
                    del self.fields[name]
        else:
            self.fields["unit"].queryset = OrgUnit.objects.for_user(user).exclude(level="city")  # type: ignore[attr-defined]

    def clean_audience_value(self) -> str:
        value = self.cleaned_data["audience_value"]
        audience = self.data.get(self.add_prefix("audience"))
        kinds = {
            SurveyAudience.CATEGORY: Category.values,
            SurveyAudience.LIVING: LivingArrangement.values,
        }
        if audience in kinds and value and value not in kinds[audience]:
            raise forms.ValidationError("所选条件与调查对象不符")
        if audience == SurveyAudience.GROUP and value and ":" not in value:
            raise forms.ValidationError("请选择一个分组")
        return value


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="题目", max_length=200)
    choices = forms.CharField(
        label="选项",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="单选、多选题填写，每行一个选项",
    )
    required = forms.BooleanField(label="必答", required=False, initial=True)
    min_value = forms.IntegerField(label="最小值", required=False, help_text="数字题可填")
    max_value = forms.IntegerField(label="最大值", required=False)
    condition = forms.MultipleChoiceField(
        label="只在以下回答时才问本题",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则总是询问；只能选同一道题的选项",
    )

    def __init__(self, *args: Any, earlier: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.earlier = {q.pk: q for q in earlier if q.has_choices}
        self.fields["condition"].choices = [  # type: ignore[attr-defined]
            (f"{q.pk}:{i}", f"第{q.position}题 = {choice}")
            for q in self.earlier.values()
            for i, choice in enumerate(q.choices)
        ]
        if not self.earlier:
            del self.fields["condition"]

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        return {
            "kind": question.kind,
            "text": question.text,
            "choices": "\n".join(question.choices),
            "required": question.required,
            "min_value": question.min_value if question.kind == QuestionKind.NUMBER else None,
            "max_value": question.max_value if question.kind == QuestionKind.NUMBER else None,
            "condition": [f"{question.show_if_id}:{i}" for i in question.show_if_choices],
        }

    def clean_condition(self) -> list[str]:
        picked = self.cleaned_data["condition"]
        if len({p.split(":")[0] for p in picked}) > 1:
            raise forms.ValidationError("前提选项只能来自同一道题")
        return picked

    def values(self) -> QuestionValues:
        data = self.cleaned_data
        picked = data.get("condition") or []
        show_if = self.earlier[int(picked[0].split(":")[0])] if picked else None
        return QuestionValues(
            kind=data["kind"],
            text=data["text"],
            choices=[c for c in _LINES.split(data["choices"]) if c.strip()],
            required=data["required"],
            show_if=show_if,
            show_if_choices=[int(p.split(":")[1]) for p in picked],
            min_value=data["min_value"],
            max_value=data["max_value"],
        )


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class FillForm(forms.Form):
    """One field per question, in order. Requireds and skip logic are checked by `answers.check_answers`
    (the form's own fields are all optional): a hidden question's field is simply ignored."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[field_name(q)] = _field(q)

    def raw(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}

    def rows(self) -> list[tuple[Question, Any]]:
        return [(q, self[field_name(q)]) for q in self.questions]


def _field(q: Question) -> forms.Field:
    label = f"{q.position}. {q.text}"
    options: dict[str, Any] = {"label": label, "required": False}
    if q.kind == QuestionKind.SINGLE:
        return forms.ChoiceField(choices=list(enumerate(q.choices)), widget=forms.RadioSelect, **options)
    if q.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=list(enumerate(q.choices)), widget=forms.CheckboxSelectMultiple, **options
        )
    if q.kind == QuestionKind.SCALE:
        return forms.ChoiceField(
            choices=[(n, f"{n}分") for n in range(1, 6)], widget=forms.RadioSelect, **options
        )
    if q.kind == QuestionKind.NUMBER:
        attrs = {"inputmode": "decimal"}
        return forms.CharField(max_length=20, widget=forms.TextInput(attrs=attrs), **options)
    return forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}), **options)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel文件", help_text="每行一位老干部：身份证号一列，每题一列（.xlsx 或 .xls）"
    )
