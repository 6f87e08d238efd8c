"""Forms of the branch pages; choices are always narrowed to the user's scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.db.models import Q

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre, WorkUnit
from jiujin.orgs.models import OrgLevel, OrgUnit

from .models import Branch, DuesCharge, LeaveReason, MemberRole, Rounding


def _choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


DATE = forms.DateInput(attrs={"type": "date"})
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class BranchForm(forms.Form):
    name = forms.CharField(label="支部名称", max_length=100)
    org_unit = forms.ModelChoiceField(
        label="所在社区/街道（登记单位）",
        queryset=OrgUnit.objects.none(),
        help_text="设在原单位的支部填负责登记的单位",
    )
    work_unit = forms.ModelChoiceField(
        label="所在原单位",
        queryset=WorkUnit.objects.all(),
        required=False,
        help_text="支部设在老干部原单位时选择",
    )
    founded_on = forms.DateField(label="成立日期", required=False, widget=DATE)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = [OrgLevel.COMMUNITY, OrgLevel.STREET, OrgLevel.DISTRICT]
        _choice(self, "org_unit").queryset = OrgUnit.objects.for_user(user).filter(level__in=levels)


class MemberForm(forms.Form):
    cadre = forms.ModelChoiceField(label="党员", queryset=Cadre.objects.none())
    joined_on = forms.DateField(label="转入日期", widget=DATE)
    joined_party_on = forms.DateField(
        label="入党日期", widget=DATE, required=False, help_text="已登记过的可不填"
    )
    role = forms.ChoiceField(label="职务", choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def __init__(self, *args: Any, cadres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "cadre").queryset = cadres

    def clean_joined_party_on(self) -> date | None:
        value = self.cleaned_data.get("joined_party_on")
        if value and value > date.today():
            raise forms.ValidationError("入党日期不能晚于今天")
        return value


class EndForm(forms.Form):
    left_on = forms.DateField(label="转出日期", widget=DATE)
    reason = forms.ChoiceField(
        label="原因", choices=[c for c in LeaveReason.choices if c[0] != LeaveReason.TRANSFER]
    )
    note = forms.CharField(label="备注", max_length=200, required=False)


class TransferForm(forms.Form):
    to_branch = forms.ModelChoiceField(label="转入支部", queryset=Branch.objects.none())
    on = forms.DateField(label="转接日期", widget=DATE)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "to_branch").queryset = branches


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="职务", choices=MemberRole.choices)


class PensionForm(forms.Form):
    cadre = forms.ModelChoiceField(label="党员", queryset=Cadre.objects.none())
    amount = forms.DecimalField(
        label="月基本离退休费（元）", min_value=Decimal(0), max_digits=10, decimal_places=2
    )
    effective_from = forms.DateField(label="起始月份", widget=DATE, help_text="按所在月份的 1 日起算")

    def __init__(self, *args: Any, cadres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "cadre").queryset = cadres


class DuesRuleForm(forms.Form):
    org_unit = forms.ModelChoiceField(label="制定单位", queryset=OrgUnit.objects.none())
    name = forms.CharField(label="名称", max_length=100)
    effective_from = forms.DateField(label="执行日期", widget=DATE)
    rounding = forms.ChoiceField(label="取整", choices=Rounding.choices, initial=Rounding.HALF_UP)
    brackets = forms.CharField(
        label="档次",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="0, 0.5\n5000, 1",
        help_text="每行一档：基本离退休费超过多少元，按百分之几交纳；第一档从 0 起。5000 元（含）以下 0.5%、以上 1% 写作两行：0, 0.5 和 5000, 1",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = Q(level__in=[OrgLevel.CITY, OrgLevel.DISTRICT])
        _choice(self, "org_unit").queryset = OrgUnit.objects.for_user(user).filter(levels)

    def clean_brackets(self) -> list[tuple[Decimal, Decimal]]:
        rows = []
        for line in self.cleaned_data["brackets"].replace("，", ",").splitlines():
            if not line.strip():
                continue
            parts = [p.strip().rstrip("%") for p in line.split(",")]
            try:
                above, rate = Decimal(parts[0]), Decimal(parts[1])
            except (IndexError, InvalidOperation) as exc:
                raise forms.ValidationError(f"看不懂这一行：{line}") from exc
            if above < 0 or not 0 <= rate <= 100:
                raise forms.ValidationError(f"金额不能为负，比例应在 0 到 100 之间：{line}")
            rows.append((above.quantize(Decimal("0.01")), rate.quantize(Decimal("0.01"))))
        if not rows or min(a for a, _ in rows) != 0:
            raise forms.ValidationError("第一档应从 0 元起")
        return rows


class MonthForm(forms.Form):
    month = forms.DateField(label="月份", widget=DATE, input_formats=["%Y-%m", "%Y-%m-%d"])


class MonthChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.cadre.name} {obj.month:%Y年%m月} ¥{obj.amount_due}"


class PayForm(forms.Form):
    charges = MonthChoices(
        label="缴纳月份", queryset=DuesCharge.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    paid_on = forms.DateField(label="缴纳日期", widget=DATE)
    receipt_no = forms.CharField(label="收据号", max_length=40, required=False)

    def __init__(self, *args: Any, charges: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "charges").queryset = charges


class AwardForm(forms.Form):
    cadre = forms.IntegerField(widget=forms.HiddenInput)
    awarded_on = forms.DateField(label="颁发日期", widget=DATE)
