"""Forms of the work report page: its two texts, and a Word template to upload."""

from __future__ import annotations

from django import forms

from jiujin.core.attachments import DOCX, AttachmentField


class ReportTextForm(forms.Form):
    # A hidden marker: a POST without it (a stray form, the access walk) saves nothing.
    texts = forms.CharField(widget=forms.HiddenInput, initial="1")
    problems = forms.CharField(
        label="存在的问题",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="每段一行；已按数据给出建议，可修改。",
    )
    plans = forms.CharField(
        label="下一步打算",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="每段一行。",
    )


class ReportTemplateForm(forms.Form):
    template = AttachmentField(label="Word 模板（.docx）", allowed=frozenset({DOCX}))
