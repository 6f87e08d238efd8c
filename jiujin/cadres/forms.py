from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from jiujin.accounts.models import User
from jiujin.lib.idcard import mask_id_number
from jiujin.lib.phones import mask_phone
from jiujin.orgs.models import OrgUnit

from .models import BirthdayCalendar, Cadre, CadreStatus, FamilyContact
from .people import PersonField
from .services import CadreData, FamilyContactValues
from .tags import tag_names_check
from .validation import check_identity, clean_phone, split_tags

CADRE_FIELDS = [
    "name",
    "id_number",
    "gender",
    "birth_date",
    "ethnicity",
    "is_party_member",
    "party_branch",
    "category",
    "rank",
    "work_unit",
    "retirement_date",
    "community",
    "responsible_worker",
    "address",
    "phone_mobile",
    "phone_landline",
    "living_arrangement",
    "health_status",
    "preferred_hospital",
    "specialties",
    "habits",
    "birthday_calendar",
    "lunar_month",
    "lunar_day",
    "lunar_leap",
]


KEEP_HELP = "已部分隐藏；不改请留空，如需更改请填写完整的新号码"


def mask_stored(form: forms.BaseForm, stored: models.Model, maskers: dict[str, Callable[[str], str]]) -> None:
    """For an editor without `view_sensitive`: the stored numbers are never sent, only their masked form as
    a placeholder; a blank (or still masked) input keeps them (`kept`). Fields with nothing stored stay plain."""
    form.masked = {}  # type: ignore[attr-defined]
    for name, mask in maskers.items():
        value = getattr(stored, name, "")
        if not value or name not in form.fields:
            continue
        field = form.fields[name]
        field.required = False
        field.widget.attrs["placeholder"] = mask(value)
        field.help_text = KEEP_HELP
        form.initial[name] = ""
        form.masked[name] = value  # type: ignore[attr-defined]


def kept(form: forms.BaseForm, name: str) -> str | None:
    """The stored value when the masked input `name` came back blank or still masked; else None."""
    stored = getattr(form, "masked", {}).get(name)
    value = (form.cleaned_data.get(name) or "").strip()
    return stored if stored is not None and (not value or "*" in value) else None


CADRE_MASKERS = {"id_number": mask_id_number, "phone_mobile": mask_phone, "phone_landline": mask_phone}


class CadreForm(forms.ModelForm):
    """Create/edit a cadre. The same form validates API writes, so its messages are the API's too.

    It validates into a copy of the instance it is given (a ModelForm writes the cleaned values into its
    instance while validating): the cadre stays as stored, and `cadre_update` snapshots it before writing
    `cadre_data()`. The form itself writes nothing."""

    tags_text = forms.CharField(
        label="爱好特长", required=False, help_text="用顿号或逗号分隔，如：书法、象棋"
    )
    work_unit_name = forms.CharField(label="原工作单位", required=False, max_length=200)
    responsible_worker = PersonField(
        label="联系人", required=False, help_text="负责联系这位老干部的社区工作人员；输入姓名或拼音后选择"
    )

    class Meta:
        model = Cadre
        fields = [f for f in CADRE_FIELDS if f != "work_unit"]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "retirement_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "habits": forms.Textarea(attrs={"rows": 3}),
            "phone_mobile": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "phone_landline": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {"id_number": "18位，旧版15位号码会自动升级；出生日期和性别可留空，由身份证号推出"}

    def __init__(self, *args: Any, user: User, mask_sensitive: bool = False, **kwargs: Any) -> None:
        if (instance := kwargs.get("instance")) is not None:
            kwargs["instance"] = working = copy.copy(instance)
            if hasattr(instance, "_prefetched_objects_cache"):
                working._prefetched_objects_cache = dict(instance._prefetched_objects_cache)
        super().__init__(*args, **kwargs)
        self.user = user
        self.masked: dict[str, str] = {}
        if mask_sensitive and self.instance.pk:
            mask_stored(self, self.instance, CADRE_MASKERS)
        communities = OrgUnit.objects.for_user(user).communities()
        cast(forms.ModelChoiceField, self.fields["community"]).queryset = communities
        cast(PersonField, self.fields["responsible_worker"]).scope(user=user)
        self.fields["birth_date"].required = False
        self.fields["gender"].required = False
        if self.instance.pk:
            self.initial.setdefault("tags_text", "、".join(t.name for t in self.instance.tags.all()))
            self.initial.setdefault(
                "work_unit_name", self.instance.work_unit.name if self.instance.work_unit else ""
            )

    def clean_id_number(self) -> str:
        return kept(self, "id_number") or self.cleaned_data.get("id_number") or ""

    def clean_phone_mobile(self) -> str:
        return kept(self, "phone_mobile") or clean_phone(
            self.cleaned_data.get("phone_mobile"), mobile_only=True
        )

    def clean_phone_landline(self) -> str:
        return kept(self, "phone_landline") or clean_phone(self.cleaned_data.get("phone_landline"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if "id_number" in data:
            try:
                info = check_identity(
                    data["id_number"], birth_date=data.get("birth_date"), gender=data.get("gender") or None
                )
            except ValidationError as exc:
                self._add_errors(exc)
            else:
                data.update(id_number=info.number, birth_date=info.birth_date, gender=info.gender)
                self._check_unique_id(info.number)
        self._clean_lunar(data)
        self._clean_worker(data)
        return data

    def _clean_worker(self, data: dict[str, Any]) -> None:
        """The 联系人 must reach the cadre: a worker of its community or of a unit above it."""
        person, community = data.get("responsible_worker"), data.get("community")
        data["responsible_worker"] = worker = person.obj if person is not None else None
        if worker is None or community is None:
            return
        if worker.org_unit is None or worker.org_unit.path not in community.chain_paths():
            self.add_error(
                "responsible_worker", f"{worker.display_name}不在{community.name}或其上级单位，不能做联系人"
            )

    def _add_errors(self, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            for message in messages:
                self.add_error(field, message)

    def _check_unique_id(self, number: str) -> None:
        # Checked against all cadres, in scope or not: the number is unique nationwide.
        clash = Cadre.objects.filter(id_number=number).exclude(pk=self.instance.pk).first()
        if clash:
            self.add_error(
                "id_number", "该身份证号已登记" + (f"（{clash.name}）" if _visible(self.user, clash) else "")
            )

    def _clean_lunar(self, data: dict[str, Any]) -> None:
        if data.get("birthday_calendar") != BirthdayCalendar.LUNAR:
            data.update(lunar_month=None, lunar_day=None, lunar_leap=False)
            return
        month, day = data.get("lunar_month"), data.get("lunar_day")
        if not month or not 1 <= month <= 12:
            self.add_error("lunar_month", "农历生日请填写月份（1–12）")
        if not day or not 1 <= day <= 30:
            self.add_error("lunar_day", "农历生日请填写日期（1–30）")

    def clean_tags_text(self) -> str:
        raw = self.cleaned_data.get("tags_text") or ""
        tag_names_check(split_tags(raw, cut=False))  # its ValidationError is this field's error
        return raw

    def tag_names(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags_text"))

    def cadre_data(self, *, with_tags: bool = True) -> CadreData:
        """The cleaned values for `cadre_create`/`cadre_update`; without `with_tags` the tags are left as
        they are."""
        data = {
            name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data
        }
        data["work_unit_name"] = self.cleaned_data.get("work_unit_name") or ""
        if with_tags:
            data["tags"] = self.tag_names()
        return cast(CadreData, data)


def _visible(user: User, cadre: Cadre) -> bool:
    return Cadre.objects.for_user(user).filter(pk=cadre.pk).exists()


class FamilyContactForm(forms.ModelForm):
    class Meta:
        model = FamilyContact
        fields = ["name", "relation", "phone", "lives_with"]

    def __init__(self, *args: Any, mask_sensitive: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.masked: dict[str, str] = {}
        if mask_sensitive and self.instance.pk:
            mask_stored(self, self.instance, {"phone": mask_phone})

    def clean_phone(self) -> str:
        return kept(self, "phone") or clean_phone(self.cleaned_data.get("phone"))


class BaseFamilyContactFormSet(forms.BaseInlineFormSet):
    def values(self) -> list[FamilyContactValues]:
        """The cleaned lines for the services: every existing contact (kept, edited or deleted) and each
        filled-in new one; blank extra forms and new ones ticked for deletion are left out."""
        lines = []
        for form in self.forms:
            data = form.cleaned_data
            contact = data.get("id")
            delete = bool(data.get("DELETE"))
            if contact is None and (delete or not form.has_changed()):
                continue  # a blank new line, or a new one struck out again
            if contact is not None and delete:
                lines.append(FamilyContactValues(id=contact.pk, delete=True))
                continue
            lines.append(
                FamilyContactValues(
                    name=data["name"],
                    relation=data["relation"],
                    phone=data["phone"],
                    lives_with=data["lives_with"],
                    id=contact.pk if contact is not None else None,
                )
            )
        return lines


FamilyContactFormSet = cast(
    type[BaseFamilyContactFormSet],
    forms.inlineformset_factory(
        Cadre,
        FamilyContact,
        form=FamilyContactForm,
        formset=BaseFamilyContactFormSet,
        extra=1,
        can_delete=True,
        max_num=10,
    ),
)


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label="新状态", choices=CadreStatus.choices)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="原因", max_length=200)

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cadre = cadre

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        if status == self.cadre.status:
            raise ValidationError("状态没有变化")
        return status
