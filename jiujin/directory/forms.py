from __future__ import annotations

import re

from django import forms

from .models import DirectoryEntry

_SEPARATORS = re.compile(r"[、,，;；/\s]+")
_PHONE = re.compile(r"^[0-9][0-9-]{2,19}(转[0-9]{1,6})?$")


def split_phones(text: str) -> list[str]:
    return [p for p in _SEPARATORS.split(text.strip()) if p]


class DirectoryEntryForm(forms.ModelForm):
    class Meta:
        model = DirectoryEntry
        fields = ["kind", "name", "phones", "hours", "note", "order"]
        help_texts = {
            "phones": "可填多个，用顿号或空格分开；联系卡上印第一个",
            "hours": "如 全天24小时、工作日 8:30-17:30",
            "order": "同一类别中数字小的排在前面",
        }
        widgets = {"phones": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def clean_phones(self) -> str:
        phones = split_phones(self.cleaned_data["phones"])
        if not phones:
            raise forms.ValidationError("请至少填写一个电话")
        for phone in phones:
            if not _PHONE.match(phone):
                raise forms.ValidationError(f"电话格式不正确：{phone}（如 0713-8123456、13812345678、12345）")
        return "、".join(phones)
