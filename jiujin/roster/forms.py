from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from jiujin.accounts.models import User
from jiujin.lib.roster_fields import REQUIRED_FIELDS
from jiujin.lib.roster_headers import HeaderColumn
from jiujin.orgs.models import OrgLevel, OrgUnit

from .headers import FIELD_CHOICES, FIELD_LABELS

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv")
IGNORE = ("", "忽略此列")


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
        help_text="Excel（.xlsx、.xls）、WPS（.et）、OpenDocument（.ods）或 CSV 文件，最大 50 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
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
            raise ValidationError("请上传 .xlsx、.xls、.et、.ods 或 .csv 文件")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("文件超过 50 MB，请拆分后分批导入")
        return upload


class RosterConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class RosterMappingForm(forms.Form):
    """The mapping step: for each column of the file, which field it holds (or 「忽略此列」)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, columns: list[HeaderColumn], samples: dict[int, list[str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.columns = columns
        for column in columns:
            shown = samples.get(column.col, [])
            self.fields[f"col_{column.col}"] = forms.ChoiceField(
                label=f"{column.letter}列「{column.text}」",
                choices=[IGNORE, *FIELD_CHOICES],
                required=False,
                initial=column.field or "",
                help_text=f"示例：{'、'.join(shown)}" if shown else "前几行没有内容",
            )

    def column_fields(self) -> list[tuple[HeaderColumn, forms.BoundField]]:
        return [(column, self[f"col_{column.col}"]) for column in self.columns]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = self.chosen()
        by_field: dict[str, list[str]] = {}
        for column in self.columns:
            if field := chosen.get(column.col):
                by_field.setdefault(field, []).append(f"{column.letter}列")
        for field, letters in by_field.items():
            if len(letters) > 1:
                raise ValidationError(
                    f"「{FIELD_LABELS[field]}」被指定给了{'、'.join(letters)}：一个字段只能对应一列"
                )
        missing = [label for field, label in REQUIRED_FIELDS.items() if field not in by_field]
        if missing:
            raise ValidationError(f"请指定哪一列是{'、'.join(f'「{m}」' for m in missing)}")
        return data

    def chosen(self) -> dict[int, str]:
        """Column -> chosen field ("" = ignore), as far as the data is valid."""
        data = getattr(self, "cleaned_data", {})
        return {column.col: data.get(f"col_{column.col}") or "" for column in self.columns}
