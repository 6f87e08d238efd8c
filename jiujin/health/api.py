"""Health records over /api/v1/, scoped, permitted and audited exactly like the pages.

Out of scope (or missing) is 404 first; then no `view_health` is 403. Reading a record writes an audit 'view'
row; writes are validated by the pages' forms (same Chinese messages, 422 in ninja's shape) and logged by
the same services.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from jiujin.audit.services import actor_from_request
from jiujin.cadres.models import Cadre
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, access
from jiujin.core.api import Detail, caller, choices_text, forbid, raise_form_errors

from . import services
from .forms import CheckUpForm, ConditionForm, HealthForm, HospitalStayForm, MedicationForm
from .kinds import KINDS
from .models import (
    CampaignKind,
    CareLevel,
    CheckUp,
    Condition,
    HealthCampaign,
    HospitalStay,
    MedicalRoundSchedule,
    Medication,
)
from .selectors import HealthRecord

router = Router(tags=["健康档案"])


class ProfileOut(Schema):
    blood_type: str
    allergies: str
    care_level: str = Field(description=f"{choices_text(CareLevel)}，空为未填")
    nursing_grade: str = Field(description="special / first / second / third（特级～三级护理）")
    disability: str
    family_doctor: str
    health_station: str
    notes: str


class ConditionIn(Schema):
    name: str
    diagnosed_on: str | None = Field(None, description="YYYY-MM-DD")
    active: bool = True
    notes: str = ""


class ConditionOut(Schema):
    id: int
    name: str
    diagnosed_on: date | None
    active: bool
    notes: str


class MedicationIn(Schema):
    name: str
    dose: str = ""
    frequency: str = ""
    active: bool = True
    notes: str = ""


class MedicationOut(Schema):
    id: int
    name: str
    dose: str
    frequency: str
    active: bool
    notes: str


class CheckUpIn(Schema):
    date: str = Field(description="YYYY-MM-DD，不晚于今天")
    place: str
    systolic: int | None = Field(None, description="收缩压 mmHg")
    diastolic: int | None = Field(None, description="舒张压 mmHg")
    blood_sugar: Decimal | None = Field(None, description="空腹血糖 mmol/L")
    heart_rate: int | None = None
    weight: Decimal | None = Field(None, description="kg")
    results: str = ""


class CheckUpOut(Schema):
    id: int
    date: date
    place: str
    systolic: int | None
    diastolic: int | None
    blood_sugar: Decimal | None
    heart_rate: int | None
    weight: Decimal | None
    results: str


class HospitalStayIn(Schema):
    hospital: str
    ward: str = ""
    admitted_on: str = Field(description="YYYY-MM-DD，不晚于今天")
    discharged_on: str | None = None
    diagnosis: str = ""
    notes: str = ""
    history: bool = Field(False, description="补录以往住院：不登记住院事件、不生成探视任务")


class HospitalStayOut(Schema):
    id: int
    hospital: str
    ward: str
    admitted_on: date
    discharged_on: date | None
    diagnosis: str
    notes: str
    event: int | None = Field(description="住院事件 id（/cadres/{id}/events）")
    visit_tasks: list[int] = Field(description="因此生成的住院探视任务 id")


class MedicalRoundOut(Schema):
    id: int
    every: int
    unit: str = Field(description="day / week")
    provider: str
    next_date: date
    upcoming: date | None = Field(description="今天起的下一次巡诊")
    active: bool
    notes: str


class CampaignOut(Schema):
    id: int
    kind: str = Field(description=choices_text(CampaignKind))
    title: str
    date: date
    org_unit: str = Field(description="举办单位代码")


class HealthRecordOut(Schema):
    cadre: int
    profile: ProfileOut | None
    conditions: list[ConditionOut]
    medications: list[MedicationOut]
    checkups: list[CheckUpOut]
    hospital_stays: list[HospitalStayOut]
    medical_rounds: list[MedicalRoundOut]
    campaigns: list[CampaignOut]


def _health_cadre(request: HttpRequest, cadre_id: int) -> Cadre:
    """404 for out of scope or missing, then 403 without view_health."""
    user = caller(request)
    cadre = get_cadre_for_user(user, cadre_id)
    if not user.can("view_health"):
        forbid("没有查看健康档案的权限")
    return cadre


@router.get(
    "/cadres/{cadre_id}/health",
    response={200: HealthRecordOut, 403: Detail, 404: Detail},
    summary="健康档案 A cadre's health record",
)
@access(STAFF)
def get_health(request: HttpRequest, cadre_id: int) -> dict[str, Any]:
    cadre = _health_cadre(request, cadre_id)
    services.health_record_view(actor=actor_from_request(request, via="api"), cadre=cadre)
    record = HealthRecord(cadre, today=timezone.localdate())
    return {
        "cadre": cadre.pk,
        "profile": _fields(record.profile, ProfileOut) if record.profile else None,
        "conditions": [_fields(c, ConditionOut) for c in record.conditions],
        "medications": [_fields(m, MedicationOut) for m in record.medications],
        "checkups": [_fields(c, CheckUpOut) for c in record.checkups],
        "hospital_stays": [_stay_out(s) for s in record.stays],
        "medical_rounds": [_round_out(r) for r in record.rounds],
        "campaigns": [_campaign_out(c) for c in record.campaigns],
    }


def _fields(item: models.Model, schema: type[Schema], **computed: Any) -> dict[str, Any]:
    """The schema's fields read off the row, except those given computed."""
    return {name: computed[name] if name in computed else getattr(item, name) for name in schema.model_fields}


def _stay_out(stay: HospitalStay) -> dict[str, Any]:
    tasks = [t.pk for t in stay.event.tasks.all()] if stay.event else []
    return _fields(stay, HospitalStayOut, event=stay.event_id, visit_tasks=tasks)


def _round_out(schedule: MedicalRoundSchedule) -> dict[str, Any]:
    return _fields(schedule, MedicalRoundOut, upcoming=schedule.upcoming_date)  # type: ignore[attr-defined]


def _campaign_out(campaign: HealthCampaign) -> dict[str, Any]:
    return _fields(campaign, CampaignOut, org_unit=campaign.org_unit.code)


def _create(request: HttpRequest, cadre_id: int, form_class: type[HealthForm], payload: Schema) -> Any:
    """Bind the page's form to the payload, then write through the same service the page uses."""
    cadre = _health_cadre(request, cadre_id)
    values = {k: "" if v is None else v for k, v in payload.dict().items()}
    form = form_class(values)
    raise_form_errors(form)
    spec = next(k for k in KINDS.values() if k.form is form_class)
    try:
        return spec.create(
            actor=actor_from_request(request, via="api"),
            cadre=cadre,
            item=form.instance,
            **form.create_options(),
        )
    except DjangoValidationError as exc:
        raise HttpError(409, "；".join(exc.messages)) from None


@router.post(
    "/cadres/{cadre_id}/health/checkups",
    response={201: CheckUpOut, 403: Detail, 404: Detail},
    summary="新增体检记录 Add a check-up",
)
@access(STAFF)
def create_checkup(request: HttpRequest, cadre_id: int, payload: CheckUpIn) -> tuple[int, dict[str, Any]]:
    item: CheckUp = _create(request, cadre_id, CheckUpForm, payload)
    item.refresh_from_db()  # decimals as the column keeps them
    return 201, _fields(item, CheckUpOut)


@router.post(
    "/cadres/{cadre_id}/health/conditions",
    response={201: ConditionOut, 403: Detail, 404: Detail},
    summary="新增慢性病 Add a chronic condition",
)
@access(STAFF)
def create_condition(request: HttpRequest, cadre_id: int, payload: ConditionIn) -> tuple[int, dict[str, Any]]:
    item: Condition = _create(request, cadre_id, ConditionForm, payload)
    return 201, _fields(item, ConditionOut)


@router.post(
    "/cadres/{cadre_id}/health/medications",
    response={201: MedicationOut, 403: Detail, 404: Detail},
    summary="新增用药 Add a medication",
)
@access(STAFF)
def create_medication(
    request: HttpRequest, cadre_id: int, payload: MedicationIn
) -> tuple[int, dict[str, Any]]:
    item: Medication = _create(request, cadre_id, MedicationForm, payload)
    return 201, _fields(item, MedicationOut)


@router.post(
    "/cadres/{cadre_id}/health/hospital-stays",
    response={201: HospitalStayOut, 403: Detail, 404: Detail, 409: Detail},
    summary="登记住院 Record a hospital stay (and the 住院 event with its visit task)",
)
@access(STAFF)
def create_hospital_stay(
    request: HttpRequest, cadre_id: int, payload: HospitalStayIn
) -> tuple[int, dict[str, Any]]:
    item: HospitalStay = _create(request, cadre_id, HospitalStayForm, payload)
    return 201, _stay_out(item)
