"""Display helpers for personal data: masking decisions stay in one place."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from jiujin.audit.services import field_label
from jiujin.cadres.masking import shown_id, shown_phone
from jiujin.cadres.people import person_label, picker_context
from jiujin.lib.dates import format_cn_date
from jiujin.lib.phones import tel_uri

register = template.Library()


@register.filter
def masked_id(number: str, show_full: bool = False) -> str:
    """`{{ c.id_number|masked_id }}` in lists; `|masked_id:show_sensitive` on the detail page."""
    return shown_id(number, full=show_full)


@register.filter
def phone_for(phone: str, show_full: bool) -> str:
    """`{{ c.phone_mobile|phone_for:show_sensitive }}`: full only for roles that may see it."""
    return shown_phone(phone, full=show_full)


@register.filter
def tel_for(phone: str, show_full: bool) -> str:
    """`{{ c.phone_mobile|tel_for:show_sensitive }}`: a tap-to-call link for roles that see the number; for the
    others the masked number, never linked (the link would carry the full number the page hides)."""
    if not phone:
        return ""
    if not show_full:
        return format_html('<span class="mono">{}</span>', shown_phone(phone, full=False))
    return tel(phone)


@register.filter
def tel(phone: str) -> str:
    """`{{ entry_phone|tel }}`: a tap-to-call link for numbers nobody masks (hotlines, 120, a worker's desk)."""
    href = tel_uri(phone or "")
    if not href:
        return conditional_escape(phone or "")
    return format_html('<a class="tel mono" href="{}">{}</a>', href, phone)


@register.filter
def cn_date(value: date | None) -> str:
    return format_cn_date(value)


@register.filter
def or_blank(value: Any) -> str:
    """The value, or a muted 未填写 so empty facts are visible as gaps, not as nothing."""
    if value in (None, ""):
        return mark_safe('<span class="muted">未填写</span>')
    return conditional_escape(value)


@register.filter
def field_labels(event: Any) -> str:
    """An audit row's changed columns as the form of its subject calls them: "家庭住址、爱好特长"."""
    return "、".join(field_label(event.subject_type or "cadres.cadre", name) for name in event.changes)


@register.inclusion_tag("cadres/_person_picker.html")
def person_picker(
    name: str, kinds: str, *, key: Any = "", cadre: Any = None, initial: Any = None
) -> dict[str, Any]:
    """`{% person_picker "assignee" "staff,volunteer" key=r.pk cadre=r.cadre initial=worker %}`: a person picker
    outside a form object (the board's quick dispatch, one per card: `key` keeps the ids apart); the initial
    person is a stored staff user."""
    text, token = person_label(initial)
    element_id = f"{name}-{key}" if key != "" else f"id_{name}"
    cadre_pk = cadre.pk if cadre is not None else None
    return {"picker": picker_context(name, element_id, kinds.split(","), cadre_pk, text, token)}
