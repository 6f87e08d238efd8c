"""Forms of the pilot pages (and the API's checks, which reuse them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.core.attachments import ANY, AttachmentField
from jiujin.orgs.models import OrgUnit

from .models import EvidenceKind, GroupMember, PilotStep

DATE = forms.DateInput(attrs={"type": "date"})


def year_choices() -> list[tuple[int, str]]:
    this = timezone.localdate().year
    return [(y, f"{y}年") for y in range(this + 1, this - 6, -1)]


class PilotForm(forms.Form):
    community = forms.ModelChoiceField(label="试点社区", queryset=OrgUnit.objects.none())
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=())
    name = forms.CharField(label="试点名称", max_length=100, help_text="如：翠柳社区“四就近”服务试点")
    theme = forms.CharField(label="试点主题", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.for_user(user).communities().select_related("parent")
        self.fields["community"].queryset = units.order_by("path")  # type: ignore[attr-defined]
        self.fields["community"].label_from_instance = lambda u: f"{u.parent.name} · {u.name}"  # type: ignore[attr-defined]
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]
        self.initial.setdefault("year", timezone.localdate().year)


class StepForm(forms.ModelForm):
    class Meta:
        model = PilotStep
        fields = ["target_date", "responsible", "note"]
        widgets = {"target_date": DATE, "note": forms.Textarea(attrs={"rows": 3})}


class DoneForm(forms.Form):
    note = forms.CharField(
        label="完成情况说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="没有上传佐证材料时必须填写",
    )
    done_date = forms.DateField(label="完成日期", required=False, widget=DATE, help_text="不填为今天")


class ReopenForm(forms.Form):
    reason = forms.CharField(label="重新打开的原因", max_length=300)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别", choices=EvidenceKind.choices, initial=EvidenceKind.DOCUMENT)
    documents = AttachmentField(label="文件", allowed=ANY, multiple=True)


class MemberForm(forms.ModelForm):
    class Meta:
        model = GroupMember
        fields = ["position", "name", "role", "unit_position", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel"})}


class BoardFilter(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False, choices=())
    unit = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年度"), *year_choices()]  # type: ignore[attr-defined]
