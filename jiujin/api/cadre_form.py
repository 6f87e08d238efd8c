"""Binds API payloads to the web pages' CadreForm, so both accept and reject exactly the same input."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from ninja.errors import ValidationError

from jiujin.accounts.models import User
from jiujin.cadres.forms import CadreForm
from jiujin.cadres.models import Cadre
from jiujin.cadres.validation import CHOICE_ALIASES

# API field name → CadreForm field name, where they differ.
FORM_NAMES = {"tags": "tags_text", "work_unit": "work_unit_name"}
API_NAMES = {v: k for k, v in FORM_NAMES.items()}


def bind_cadre_form(*, user: User, instance: Cadre, sent: dict[str, Any]) -> CadreForm:
    """The instance's current values (a new Cadre's defaults) overlaid with the fields the client sent."""
    form = CadreForm(current_values(instance) | _form_values(sent), user=user, instance=instance)
    # The API names communities by code and workers by user name, not by database id.
    for name, key in (("community", "code"), ("responsible_worker", "username")):
        cast(forms.ModelChoiceField, form.fields[name]).to_field_name = key
    return form


def current_values(cadre: Cadre) -> dict[str, Any]:
    values = forms.model_to_dict(cadre, fields=list(CadreForm.base_fields))
    values["community"] = cadre.community.code if cadre.community_id else None
    values["responsible_worker"] = cadre.responsible_worker.username if cadre.responsible_worker else None
    values["tags_text"] = "、".join(t.name for t in cadre.tags.all()) if cadre.pk else ""
    values["work_unit_name"] = cadre.work_unit.name if cadre.work_unit else ""
    return values


def _form_values(sent: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for name, value in sent.items():
        if name == "tags":
            value = "、".join(value or [])
        elif name in CHOICE_ALIASES and isinstance(value, str):
            # Labels such as "离休" are accepted as the roster import accepts them.
            value = CHOICE_ALIASES[name].get(value.strip(), value)
        values[FORM_NAMES.get(name, name)] = value
    return values


def raise_form_errors(form: forms.BaseForm, *, source: str = "body") -> None:
    """Turn form errors into ninja's own 422 shape, one item per message, named as the API names fields."""
    if form.is_valid():
        return
    raise ValidationError(
        [
            {
                "loc": [source] if field == NON_FIELD_ERRORS else [source, API_NAMES.get(field, field)],
                "msg": message,
                "type": "value_error",
            }
            for field, messages in form.errors.items()
            for message in messages
        ]
    )
