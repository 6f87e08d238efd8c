"""Forms of the assessment pages: the rubric editor, the scoring form, the remark, recompute and copy."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from jiujin.core.attachments import ANY, AttachmentField
from jiujin.core.registry import metrics

from .models import RubricItem, RubricSection


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class SectionForm(forms.ModelForm):
    class Meta:
        model = RubricSection
        fields = ["name", "points", "order"]


class StepsField(forms.CharField):
    """Steps typed one per line as "阈值 分数" (e.g. "80 100"); cleaned to [[threshold, points], …]."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "每行一档：阈值 分数，如\n60 50\n90 120"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(f"{t} {p}" for t, p in value)
        return value

    def clean(self, value: Any) -> list[list[float]]:
        text = super().clean(value) or ""
        steps = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.replace("，", " ").replace(",", " ").split()
            try:
                threshold, points = (Decimal(p) for p in parts)
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(f"第{n}行应为“阈值 分数”两个数字") from None
            steps.append([float(threshold), float(points)])
        return sorted(steps)


class ItemForm(forms.ModelForm):
    metric_code = forms.ChoiceField(label="绑定指标", required=False)
    steps = StepsField(label="分档", required=False)

    class Meta:
        model = RubricItem
        fields = [
            "code",
            "name",
            "max_points",
            "is_bonus",
            "check_method",
            "standard",
            "deduction_rules",
            "metric_code",
            "rule_kind",
            "low",
            "high",
            "steps",
            "order",
        ]
        widgets = {
            "standard": forms.Textarea(attrs={"rows": 2}),
            "deduction_rules": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "不绑定（人工评分）")] + [
            (m.code, f"{m.label}（{m.unit_label}{'' if m.higher_is_better else '，越低越好'}）")
            for m in metrics()
        ]
        current = self.initial.get("metric_code") or ""
        if current and current not in {c for c, _l in choices}:
            choices.append((current, f"{current}（指标未注册）"))
        cast(forms.ChoiceField, self.fields["metric_code"]).choices = choices


class ScoreForm(forms.Form):
    points = forms.DecimalField(label="得分", min_value=0, decimal_places=1, required=False)
    deduction = forms.DecimalField(label="扣分", min_value=0, decimal_places=1, required=False, initial=0)
    note = forms.CharField(
        label="评分说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="没有得满分或有扣分时必填",
    )
    evidence = AttachmentField(label="佐证材料（照片或文件）", allowed=ANY, multiple=True, required=False)

    def __init__(self, *args: Any, manual: bool, max_points: Decimal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if manual:
            self.fields["points"].required = True
            self.fields["points"].validators.append(MaxValueValidator(max_points))
            self.fields["points"].help_text = f"0–{max_points} 分"
            self.fields["points"].widget.attrs.update({"inputmode": "decimal", "max": str(max_points)})
        else:
            del self.fields["points"]  # a metric item's points come from data


class RemarkForm(forms.Form):
    remark = forms.CharField(label="申辩/说明", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="重新计算原因", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)
