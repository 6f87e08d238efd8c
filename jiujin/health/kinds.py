"""The kinds of rows on a health record: which form validates them, which section of the record page shows
them, and which services write them. Shared by the pages and the API so both write the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from . import services
from .forms import CheckUpForm, ConditionForm, HealthForm, HospitalStayForm, MedicalRoundForm, MedicationForm
from .models import CheckUp, Condition, HospitalStay, MedicalRoundSchedule, Medication


@dataclass(frozen=True)
class Kind:
    model: type[models.Model]
    form: type[HealthForm]
    section: str
    create: Callable[..., Any] = services.health_item_create
    update: Callable[..., Any] = services.health_item_update


KINDS = {
    "checkups": Kind(CheckUp, CheckUpForm, "checkups"),
    "conditions": Kind(Condition, ConditionForm, "conditions"),
    "medications": Kind(Medication, MedicationForm, "conditions"),
    "stays": Kind(HospitalStay, HospitalStayForm, "stays", create=services.hospital_stay_create),
    "rounds": Kind(
        MedicalRoundSchedule,
        MedicalRoundForm,
        "rounds",
        create=services.medical_round_schedule_create,
        update=services.medical_round_schedule_update,
    ),
}
