"""Pilots made the way the pages make them, and real files that pass the attachment checks."""

from __future__ import annotations

import io
from typing import Any

from jiujin.audit.services import Actor
from jiujin.core.attachments import CheckedUpload, check_upload
from jiujin.pilots.models import Pilot
from jiujin.pilots.services import pilot_create


def make_pilot(user: Any, community: Any, year: int = 2026, name: str = "四就近试点") -> Pilot:
    return pilot_create(actor=Actor(user=user), community=community, year=year, name=name)[0]


def png_bytes(color: str = "red") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, "PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="minutes")
    return bytes(pdf.output())


def png_upload(name: str = "照片.png") -> CheckedUpload:
    return check_upload(png_bytes(), name=name)
