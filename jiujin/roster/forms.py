from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from jiujin.accounts.models import User
from jiujin.orgs.models import OrgLevel, OrgUnit

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".csv")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        if obj.is_community:
            return f"{obj.name}（{obj.parent.name}）" if obj.parent else obj.name
        return f"{obj.name}（按表中「社区」列分到各社区）"


class RosterUploadForm(forms.Form):
    unit = UnitChoiceField(
        label="导入到",
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        empty_label=None,
        help_text="选街道时，花名册须有「社区」或「社区代码」列",
    )
    file = forms.FileField(
        label="花名册文件",
        help_text="Excel（.xlsx）或 CSV 文件，最大 50 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.csv"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.for_user(user).filter(level__in=[OrgLevel.COMMUNITY, OrgLevel.STREET])
        cast(UnitChoiceField, self.fields["unit"]).queryset = units.select_related("parent")
        if user.org_unit and user.org_unit.level in (OrgLevel.COMMUNITY, OrgLevel.STREET):
            self.fields["unit"].initial = user.org_unit.code

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise ValidationError("请上传 .xlsx 或 .csv 文件（旧版 .xls 请先在Excel中另存为 .xlsx）")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("文件超过 50 MB，请拆分后分批导入")
        return upload


class RosterConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
